import pytest

from tabular_mlops.core.estimators import (
    ESTIMATORS,
    MODEL_FAMILIES,
    build_candidate,
    configured_hyperparameters,
)


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
}
LARGE_DATA = {"min_rows": 100_000, "cv_folds": 2}


@pytest.mark.parametrize(
    ("task", "rows", "expected"),
    [
        ("binary", 99_999, {"n_estimators": 200}),
        ("binary", 100_000, {"n_estimators": 200, "max_samples": 50_000}),
        ("regression", 500_000, {"n_estimators": 100}),  # none for this kind
    ],
)
def test_a_large_table_gets_the_large_data_hyperparameters_on_top(task, rows, expected):
    assert configured_hyperparameters(FOREST, task, rows, LARGE_DATA) == expected


def test_large_data_hyperparameters_are_optional_and_can_be_switched_off():
    plain = {key: FOREST[key] for key in ("family", "hyperparameters")}
    assert configured_hyperparameters(plain, "binary", 10**6, LARGE_DATA) == {
        "n_estimators": 200
    }
    never = LARGE_DATA | {"min_rows": None}
    assert configured_hyperparameters(FOREST, "binary", 10**6, never) == {
        "n_estimators": 200
    }
