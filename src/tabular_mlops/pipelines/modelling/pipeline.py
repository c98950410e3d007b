"""One candidate template per model family (Kedro namespaces), then champion selection."""

from collections.abc import Iterable

from kedro.pipeline import Node, Pipeline

from tabular_mlops.core.estimators import MODEL_FAMILIES

from .nodes import (
    choose_hyperparameters,
    cross_validate_candidate,
    evaluate_candidate,
    rank_candidates,
    select_champion,
    train_candidate,
)

SHARED_INPUTS = {
    "X_train",
    "y_train",
    "X_test",
    "y_test",
    "feature_spec",
    "tuned_hyperparameters",
}


def create_candidate_pipeline() -> Pipeline:
    """Fit, cross-validate and score the candidate that ``params:candidate``
    configures (``candidate_config``: the hyper-parameters this run uses)."""
    training_inputs = [
        "X_train",
        "y_train",
        "feature_spec",
        "candidate_config",
        "params:modelling",
        "params:data",
    ]
    return Pipeline(
        [
            Node(
                func=choose_hyperparameters,
                inputs=[
                    "params:candidate",
                    "tuned_hyperparameters",
                    "feature_spec",
                    "params:modelling",
                ],
                outputs="candidate_config",
                name="choose_hyperparameters",
            ),
            Node(
                func=train_candidate,
                inputs=training_inputs,
                outputs="model",
                name="train_candidate",
            ),
            Node(
                func=cross_validate_candidate,
                inputs=training_inputs,
                outputs="cv_scores",
                name="cross_validate_candidate",
            ),
            Node(
                func=evaluate_candidate,
                inputs=["model", "X_test", "y_test", "feature_spec", "cv_scores"],
                outputs="metrics",
                name="evaluate_candidate",
            ),
        ]
    )


def create_pipeline(families: Iterable[str] = MODEL_FAMILIES, **kwargs) -> Pipeline:
    """Candidates of the given ``families`` (all by default) and the champion's choice."""
    families = tuple(families)
    candidates = sum(
        Pipeline(
            create_candidate_pipeline(),
            namespace=family,
            inputs=SHARED_INPUTS,
            parameters={"params:modelling", "params:data"},
        )
        for family in families
    )
    selection = Pipeline(
        [
            Node(
                func=rank_candidates,
                inputs={
                    "modelling": "params:modelling",
                    "feature_spec": "feature_spec",
                    **{family: f"{family}.metrics" for family in families},
                },
                outputs="candidate_comparison",
                name="rank_candidates",
            ),
            Node(
                func=select_champion,
                inputs={
                    "candidate_comparison": "candidate_comparison",
                    **{family: f"{family}.model" for family in families},
                },
                outputs="champion_model",
                name="select_champion",
            ),
        ]
    )
    return candidates + selection
