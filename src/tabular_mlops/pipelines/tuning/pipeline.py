"""One Optuna search per model family (Kedro namespaces), then the best of each."""

from kedro.pipeline import Node, Pipeline

from tabular_mlops.core.estimators import MODEL_FAMILIES

from .nodes import collect_tuned_hyperparameters, tune_candidate


def create_search_pipeline() -> Pipeline:
    """Tune the candidate given by ``params:candidate`` over ``params:search_space``."""
    return Pipeline(
        [
            Node(
                func=tune_candidate,
                inputs=[
                    "X_train",
                    "y_train",
                    "feature_spec",
                    "params:candidate",
                    "params:search_space",
                    "params:modelling",
                    "params:tuning",
                    "params:data",
                ],
                outputs=["tuned", "tuning_trials"],
                name="tune_candidate",
            )
        ]
    )


def create_pipeline(**kwargs) -> Pipeline:
    searches = sum(
        Pipeline(
            create_search_pipeline(),
            namespace=family,
            inputs={"X_train", "y_train", "feature_spec"},
            parameters={
                "params:modelling": "params:modelling",
                "params:tuning": "params:tuning",
                "params:data": "params:data",
                "params:search_space": f"params:tuning.search_spaces.{family}",
            },
        )
        for family in MODEL_FAMILIES
    )
    collection = Pipeline(
        [
            Node(
                func=collect_tuned_hyperparameters,
                inputs={family: f"{family}.tuned" for family in MODEL_FAMILIES},
                outputs="tuned_hyperparameters",
                name="collect_tuned_hyperparameters",
            )
        ]
    )
    return searches + collection
