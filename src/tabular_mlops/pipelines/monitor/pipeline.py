"""A batch -> scored -> compared with the model's reference -> report, MLflow
metrics, alert -> alarm."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    check_monitoring,
    compare_with_reference,
    describe_batch,
    plot_drift,
    publish_batch,
    render_monitoring_report,
    score_batch,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=score_batch,
                inputs=["monitoring_batch", "scoring_model"],
                outputs=["monitoring_predictions", "batch_quality"],
                name="score_batch",
            ),
            Node(
                func=compare_with_reference,
                inputs=[
                    "monitoring_batch",
                    "monitoring_predictions",
                    "batch_quality",
                    "scoring_model",
                    "params:monitor",
                ],
                outputs="monitoring_report",
                name="compare_with_reference",
            ),
            Node(
                func=describe_batch,
                inputs=["monitoring_batch", "params:monitor"],
                outputs="monitoring_batch_input",
                name="describe_batch",
            ),
            Node(
                func=plot_drift,
                inputs=["monitoring_report", "params:monitor"],
                outputs="monitoring_drift_plot",
                name="plot_drift",
            ),
            Node(
                func=render_monitoring_report,
                inputs=["monitoring_report", "monitoring_drift_plot"],
                outputs="monitoring_report_html",
                name="render_monitoring_report",
            ),
            Node(
                func=publish_batch,
                inputs=["monitoring_report", "params:monitor"],
                outputs=[
                    "monitoring_metrics",
                    "monitoring_history",
                    "monitoring_tags",
                    "monitoring_alert",
                    "monitoring_alarms",
                ],
                name="publish_batch",
            ),
            Node(
                func=check_monitoring,
                inputs=[
                    "monitoring_alarms",
                    "monitoring_report_html",
                    "params:monitor",
                ],
                outputs="monitoring_passed",
                name="check_monitoring",
            ),
        ]
    )
