"""A table in the raw format -> predictions of a registered model."""

from kedro.pipeline import Node, Pipeline

from .nodes import predict


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=predict,
                inputs=["scoring_table", "scoring_model"],
                outputs="predictions",
                name="predict",
            )
        ]
    )
