import pytest

from tabular_mlops.core.estimators import ESTIMATORS, MODEL_FAMILIES, build_candidate


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
