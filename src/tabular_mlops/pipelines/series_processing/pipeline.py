"""Source table -> raw -> intermediate series -> regular series -> history and test
window (``data.task=forecasting``)."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    ingest_series_table,
    regularise_series,
    split_history_test,
    type_series,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=ingest_series_table,
                inputs=["source_table", "params:data", "params:forecasting"],
                outputs="raw_table",
                name="ingest_series_table",
            ),
            Node(
                func=type_series,
                inputs=["raw_table", "params:data"],
                outputs="intermediate_series",
                name="type_series",
            ),
            Node(
                func=regularise_series,
                inputs=["intermediate_series", "params:data", "params:forecasting"],
                outputs=["primary_series", "series_spec"],
                name="regularise_series",
            ),
            Node(
                func=split_history_test,
                inputs=["primary_series", "series_spec"],
                outputs=["history", "test_window"],
                name="split_history_test",
            ),
        ]
    )
