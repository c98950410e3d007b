import pandas as pd
import pytest
from sklearn.base import clone

from tabular_mlops.core.features import FeatureBuilder, build_features, clean_table


@pytest.fixture
def typed(mixed_table):
    return clean_table(mixed_table, "label").drop(columns="label")


def test_the_builder_learns_the_column_spec_on_the_rows_it_is_fitted_on(typed):
    builder = FeatureBuilder().fit(typed.iloc[:100])
    spec = builder.spec_
    assert spec["numeric"] == ["age", "income"]
    assert spec["categorical"] == ["city"] and spec["datetime"] == ["signup"]
    assert set(spec["dropped"]) == {"customer_id", "constant"}
    assert spec["ranges"]["age"] == [
        float(typed["age"].iloc[:100].min()),
        float(typed["age"].iloc[:100].max()),
    ]


def test_raw_rows_give_the_same_features_as_the_typed_training_rows(mixed_table, typed):
    builder = FeatureBuilder().fit(typed)
    from_raw = builder.transform(
        mixed_table.dropna(subset="label").drop(columns="label")
    )
    from_typed = builder.transform(typed)
    assert list(from_raw.columns) == list(builder.get_feature_names_out())
    pd.testing.assert_frame_equal(
        from_raw.reset_index(drop=True), from_typed.reset_index(drop=True)
    )


def test_dates_become_numeric_parts_and_ignored_columns_vanish(typed):
    features = FeatureBuilder().fit_transform(typed)
    assert {"signup_year", "signup_month", "signup_day", "signup_day_of_week"} <= set(
        features
    )
    assert "signup" not in features and "customer_id" not in features


def test_the_builder_is_a_scikit_learn_estimator(typed):
    builder = clone(FeatureBuilder(id_unique_share=0.5))
    assert builder.get_params() == {"id_unique_share": 0.5}
    with pytest.raises(Exception, match="not fitted"):
        builder.transform(typed)


def test_build_features_follows_a_given_spec(typed):
    spec = FeatureBuilder().fit(typed).spec_
    assert list(build_features(typed, spec).columns) == [
        "age",
        "income",
        "city",
        "signup_year",
        "signup_month",
        "signup_day",
        "signup_day_of_week",
    ]
