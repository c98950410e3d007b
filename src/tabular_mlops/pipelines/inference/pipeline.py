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
                inputs=["scoring_table", "scoring_model", "scoring_checks"],
                outputs="predictions",
                name="predict",
            ),
        ]
    )
