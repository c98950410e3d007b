"""A table in the source format -> checked against the model's contract -> predictions
of a registered model."""

from kedro.pipeline import Node, Pipeline

from .nodes import check_scoring_table, predict


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=check_scoring_table,
                inputs=["scoring_table", "scoring_model"],
                outputs=["scoring_checks", "scoring_metrics"],
                name="check_scoring_table",
            ),
            Node(
                func=predict,
                # After monitoring passed the batch (the registry adds its nodes).
                inputs=[
                    "scoring_table",
                    "scoring_model",
                    "scoring_checks",
                    "monitoring_passed",
                ],
                outputs="predictions",
                name="predict",
            ),
        ]
    )
