"""The quality gate over the last ``train`` (``make gate``), and the pipeline that
records its metrics as the committed baseline (``make baseline``)."""

from kedro.pipeline import Node, Pipeline

from .nodes import check_quality_gate, judge_quality, report_gate, update_baseline


def create_pipeline(**kwargs) -> Pipeline:
    """Judge, report, then fail when a criterion fails."""
    return Pipeline(
        [
            Node(
                func=judge_quality,
                inputs=["promotion_decision", "quality_baseline", "params:gate"],
                outputs="gate_verdicts",
                name="judge_quality",
            ),
            Node(
                func=report_gate,
                inputs="gate_verdicts",
                outputs="gate_report",
                name="report_gate",
            ),
            Node(
                func=check_quality_gate,
                inputs=["gate_verdicts", "gate_report"],
                outputs=None,
                name="check_quality_gate",
            ),
        ]
    )


def create_baseline_pipeline(**kwargs) -> Pipeline:
    """Rewrite the baseline file's block for the last run's data set."""
    return Pipeline(
        [
            Node(
                func=update_baseline,
                inputs=["quality_baseline", "promotion_decision"],
                outputs="new_quality_baseline",
                name="update_baseline",
            )
        ]
    )
