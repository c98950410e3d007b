"""Source table -> raw -> intermediate -> primary -> model input."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    build_feature_spec,
    build_primary_table,
    clean_table,
    describe_source_data,
    describe_split,
    ingest_source_table,
    snapshot_source_table,
    split_train_test,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=ingest_source_table,
                inputs=[
                    "source_table",
                    "params:data",
                    "params:split",
                    "params:modelling",
                ],
                outputs="raw_table",
                name="ingest_source_table",
            ),
            Node(
                func=describe_source_data,
                inputs=["raw_table", "params:data"],
                outputs="source_data_input",
                name="describe_source_data",
            ),
            Node(
                func=snapshot_source_table,
                inputs="raw_table",
                outputs="source_snapshot",
                name="snapshot_source_table",
            ),
            Node(
                func=clean_table,
                inputs=["raw_table", "params:data"],
                outputs="intermediate_table",
                name="clean_table",
            ),
            Node(
                func=build_feature_spec,
                inputs=["intermediate_table", "params:data"],
                outputs="feature_spec",
                name="build_feature_spec",
            ),
            Node(
                func=build_primary_table,
                inputs=["intermediate_table", "feature_spec"],
                outputs="primary_table",
                name="build_primary_table",
            ),
            Node(
                func=split_train_test,
                inputs=["primary_table", "feature_spec", "params:split"],
                outputs=["X_train", "X_test", "y_train", "y_test"],
                name="split_train_test",
            ),
            Node(
                func=describe_split,
                inputs=["X_train", "X_test", "y_train", "y_test", "params:data"],
                outputs=["train_data_input", "test_data_input"],
                name="describe_split",
            ),
        ]
    )
