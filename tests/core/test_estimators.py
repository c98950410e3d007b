from importlib import metadata

import numpy as np
import pandas as pd
import pytest

from tabular_mlops.core.estimators import (
    ESTIMATORS,
    MODEL_FAMILIES,
    build_candidate,
    configured_hyperparameters,
)
from tabular_mlops.core.model import estimator_requirements


def build(family, task, random_state=0):
    return build_candidate(
        family,
        {},
        task,
        random_state=random_state,
        min_category_frequency=2,
        id_unique_share=0.9,
    )


@pytest.mark.parametrize("family", MODEL_FAMILIES)
@pytest.mark.parametrize(
    ("task", "kind"),
    [
        ("binary", "classification"),
        ("multiclass", "classification"),
        ("regression", "regression"),
    ],
)
def test_build_candidate_picks_the_estimator_for_the_task(family, task, kind):
    model = build(family, task)
    assert isinstance(model.named_steps["estimator"], ESTIMATORS[family][kind])


def test_build_candidate_seeds_the_estimator():
    assert (
        build("random_forest", "binary", 7).named_steps["estimator"].random_state == 7
    )


def test_model_families_are_the_registry_names():
    assert MODEL_FAMILIES == tuple(ESTIMATORS)


def test_every_candidate_starts_from_source_rows():
    steps = [name for name, _ in build("linear", "binary").steps]
    assert steps == ["features", "preprocess", "estimator"]


FOREST = {
    "family": "random_forest",
    "hyperparameters": {
        "classification": {"n_estimators": 200},
        "regression": {"n_estimators": 100},
    },
    "large_data_hyperparameters": {"classification": {"max_samples": 50_000}},
    "wide_data_hyperparameters": {"classification": {"max_features": 0.1}},
}
MODELLING = {
    "large_data": {"min_rows": 100_000, "cv_folds": 2},
    "wide_data": {"min_columns": 1000},
}


def spec(task, rows, columns=10):
    numeric = [f"x{i}" for i in range(columns)]
    return {
        "task": task,
        "rows": rows,
        "numeric": numeric,
        "categorical": [],
        "datetime": [],
    }


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (spec("binary", 99_999), {"n_estimators": 200}),
        (spec("binary", 100_000), {"n_estimators": 200, "max_samples": 50_000}),
        (spec("binary", 500, columns=1000), {"n_estimators": 200, "max_features": 0.1}),
        (
            spec("binary", 10**6, columns=3000),
            {"n_estimators": 200, "max_samples": 50_000, "max_features": 0.1},
        ),
        (spec("regression", 10**6, columns=3000), {"n_estimators": 100}),  # none
    ],
)
def test_a_large_or_wide_table_gets_those_hyperparameters_on_top(table, expected):
    assert configured_hyperparameters(FOREST, table, MODELLING) == expected


def test_size_hyperparameters_are_optional_and_can_be_switched_off(caplog):
    plain = {key: FOREST[key] for key in ("family", "hyperparameters")}
    huge = spec("binary", 10**6, columns=3000)
    assert configured_hyperparameters(plain, huge, MODELLING) == {"n_estimators": 200}
    never = {
        "large_data": {"min_rows": None, "cv_folds": 2},
        "wide_data": {"min_columns": None},
    }
    assert configured_hyperparameters(FOREST, huge, never) == {"n_estimators": 200}
    assert not caplog.text
    configured_hyperparameters(FOREST, spec("binary", 10, columns=1200), MODELLING)
    assert (
        "random_forest: 1200 input columns, at least modelling.wide_data.min_columns"
        "=1000: wide-data hyper-parameters {'max_features': 0.1}"
    ) in caplog.text


def test_catboost_reads_text_categories_itself_with_missing_as_a_level():
    rows = pd.DataFrame(
        {
            "usage": [1.0, np.nan, 3.0, 4.0] * 10,
            "city": ["Paris", None, "Lyon", "Nice"] * 10,
        }
    )
    labels = pd.Series(["yes", "no", "yes", "no"] * 10)
    model = build_candidate(
        "catboost",
        {"iterations": 5, "logging_level": "Silent", "allow_writing_files": False},
        "binary",
        random_state=0,
        min_category_frequency=2,
        id_unique_share=0.9,
    ).fit(rows, labels)
    preprocessed = model[:-1].transform(rows)
    assert preprocessed["city"].tolist()[:4] == ["Paris", "missing", "Lyon", "Nice"]
    assert np.isnan(preprocessed["usage"].iloc[1])  # gaps left to CatBoost
    estimator = model.named_steps["estimator"]
    assert estimator.feature_names_ == ["usage", "city"]
    assert estimator.get_cat_feature_indices() == [1]
    assert estimator.get_params()["random_state"] == 0
    unseen = rows.head(2).assign(city="Marseille")
    assert model.predict(unseen).shape == (2,)


@pytest.mark.parametrize(
    ("family", "requirements"),
    [
        ("linear", []),
        ("hist_gradient_boosting", []),
        ("catboost", [f"catboost=={metadata.version('catboost')}"]),
    ],
)
def test_a_model_requires_only_the_packages_of_its_estimator(family, requirements):
    assert estimator_requirements(build(family, "binary")) == requirements
