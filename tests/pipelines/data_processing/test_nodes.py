import numpy as np
import pandas as pd
import pytest

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.features import infer_task
from tabular_mlops.pipelines.data_processing.nodes import (
    build_feature_spec,
    build_primary_table,
    clean_table,
    describe_source_data,
    ingest_source_table,
    split_train_test,
)

DATA = {
    "dataset": "breast_cancer",
    "filepath": "customers.csv",
    "target": "label",
    "task": "auto",
    "id_unique_share": 0.9,
}
SPLIT = {"test_size": 0.25, "random_state": 0}
MODELLING = {"cv_folds": 5}


def ingest(table, data=DATA, split=SPLIT, modelling=MODELLING):
    return ingest_source_table(table, data, split, modelling)


@pytest.fixture
def intermediate(mixed_table):
    return clean_table(ingest(mixed_table), DATA)


@pytest.fixture
def spec(intermediate):
    return build_feature_spec(intermediate, DATA)


def test_ingest_makes_column_names_plain_strings():
    table = pd.DataFrame({0: range(20), " label ": ["a", "b"] * 10})
    raw = ingest(table)
    assert list(raw.columns) == ["0", "label"]


@pytest.mark.parametrize(
    ("table", "data", "message"),
    [
        (
            pd.DataFrame({"x": [1, 2], "lable": ["a", "b"]}),
            DATA,
            r"column 'label' \(data.target\) is missing; did you mean 'lable'\?",
        ),
        (pd.DataFrame({"x": [], "label": []}), DATA, "the table has no rows"),
        (
            pd.DataFrame([[1, 2, "a"]] * 20, columns=["x", "x", "label"]),
            DATA,
            "duplicate column names: 'x'",
        ),
        (
            pd.DataFrame({"x": range(20), "label": [None] * 20}),
            DATA,
            r"column 'label' \(data.target\) has no value in any row",
        ),
        (
            pd.DataFrame({"x": range(20), "label": ["a"] * 20}),
            DATA,
            "column 'label' holds a single class",
        ),
        (
            pd.DataFrame({"x": range(24), "label": ["a"] * 20 + ["rare"] * 4}),
            DATA,
            r"each class needs at least 8 rows .* \(values: 'rare'\)",
        ),
        (
            pd.DataFrame({"x": range(20), "label": ["a", "b"] * 9 + ["x", "y"]}),
            DATA | {"task": "regression"},
            r"must hold numbers for regression .* \(values: 'a', 'b', 'x', 'y'\)",
        ),
    ],
)
def test_ingest_refuses_a_table_that_breaks_its_contract(table, data, message):
    with pytest.raises(InputError, match=message) as refused:
        ingest(table, data)
    assert "The table from customers.csv breaks its data contract" in str(refused.value)


def test_min_rows_per_class_follows_split_and_folds():
    table = pd.DataFrame({"x": range(30), "label": ["a"] * 20 + ["b"] * 10})
    ingest(table, split={"test_size": 0.5}, modelling={"cv_folds": 3})
    with pytest.raises(InputError, match="at least 11 rows"):
        ingest(table, split={"test_size": 0.5}, modelling={"cv_folds": 5})


def test_source_data_digest_changes_with_content_only(mixed_table):
    same = describe_source_data(mixed_table.copy(), DATA)
    changed = mixed_table.copy()
    changed.loc[0, "income"] = 1.0
    assert describe_source_data(mixed_table, DATA).digest == same.digest
    assert describe_source_data(changed, DATA).digest != same.digest
    assert same.name == "customers.csv"
    assert same.source.to_dict() == {"uri": "customers.csv"}
    assert list(same.schema.input_names()) == list(mixed_table.columns)


def test_clean_table_types_text_columns(intermediate):
    assert pd.api.types.is_numeric_dtype(intermediate["age"])
    assert pd.api.types.is_datetime64_any_dtype(intermediate["signup"])
    assert intermediate["city"].dtype == object


def test_clean_table_drops_rows_without_target(mixed_table, intermediate, caplog):
    assert len(intermediate) == len(mixed_table) - 2
    assert intermediate["label"].notna().all()


def test_clean_table_keeps_mostly_text_columns_as_text():
    raw = pd.DataFrame({"code": ["1", "2", "x", "y"] * 5, "label": ["a", "b"] * 10})
    assert clean_table(raw, DATA | {"target": "label"})["code"].dtype == object


@pytest.mark.parametrize(
    ("values", "requested", "task"),
    [
        (["a", "b", "a"], "auto", "binary"),
        (["a", "b", "c"], "auto", "multiclass"),
        ([0, 1, 2, 1], "auto", "multiclass"),
        ([0.5, 1.7, 2.2, 3.9], "auto", "regression"),
        (list(range(50)), "auto", "regression"),
        ([0, 1, 2, 1], "regression", "regression"),
        ([0.5, 1.5, 0.5, 1.5], "classification", "binary"),
    ],
)
def test_infer_task(values, requested, task):
    assert infer_task(pd.Series(values), requested) == task


def test_feature_spec_classifies_columns(spec):
    assert spec["task"] == "binary"
    assert spec["numeric"] == ["age", "income"]
    assert spec["categorical"] == ["city"]
    assert spec["datetime"] == ["signup"]
    assert spec["dropped"] == {
        "customer_id": "identifier (almost every value unique)",
        "constant": "constant",
    }
    assert spec["classes"] == ["churn", "stay"]


def test_feature_spec_drops_empty_columns_and_row_numbers():
    table = pd.DataFrame(
        {
            "row": range(30),
            "empty": [np.nan] * 30,
            "x": [1.0, 2.0] * 15,
            "label": ["a", "b"] * 15,
        }
    )
    spec = build_feature_spec(table, DATA)
    assert set(spec["dropped"]) == {"row", "empty"}


def test_feature_spec_refuses_a_table_without_usable_features():
    table = pd.DataFrame({"empty": [None] * 30, "same": 1, "label": ["a", "b"] * 15})
    with pytest.raises(
        InputError, match="No usable feature.*'empty' is entirely empty; 'same' is"
    ):
        build_feature_spec(table, DATA)


def test_feature_spec_keeps_the_categories_seen_in_training(spec):
    assert spec["categories"] == {"city": ["Lille", "Lyon", "Nice", "Paris"]}


def test_primary_table_keeps_the_typed_source_columns_and_the_labels(
    intermediate, spec
):
    primary = build_primary_table(intermediate, spec)
    assert list(primary.columns) == list(intermediate.columns)  # models build features
    assert pd.api.types.is_datetime64_any_dtype(primary["signup"])
    assert primary["label"].tolist() == intermediate["label"].tolist()


def test_split_is_seeded_and_stratified(intermediate, spec):
    primary = build_primary_table(intermediate, spec)
    X_train, X_test, y_train, y_test = split_train_test(primary, spec, SPLIT)
    again = split_train_test(primary, spec, SPLIT)
    assert X_test.index.equals(again[1].index)
    assert len(X_test) == pytest.approx(0.25 * len(primary), abs=1)
    assert "label" not in X_train and list(y_train.columns) == ["label"]
    share = primary["label"].value_counts(normalize=True)
    assert y_test["label"].value_counts(normalize=True).sub(share).abs().max() < 0.03


def test_the_test_split_must_hold_every_class():
    table = pd.DataFrame({"x": range(100), "label": [f"c{i}" for i in range(10)] * 10})
    with pytest.raises(InputError, match=r"more classes than the test split \(split"):
        ingest(table, split={"test_size": 0.05}, modelling={"cv_folds": 2})
    ingest(table, split={"test_size": 0.1}, modelling={"cv_folds": 2})
