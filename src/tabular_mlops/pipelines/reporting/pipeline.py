"""Test predictions, diagnostic plots, importances and tracked metrics for the
champion; then, once the registry has decided, the run's HTML report."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    break_down_performance,
    collect_tracked_metrics,
    compute_feature_importance,
    package_champion,
    plot_cv_spread,
    plot_diagnostics,
    plot_feature_importance,
    predict_test_set,
    render_report,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=predict_test_set,
                inputs=["champion_model", "X_test", "y_test", "feature_spec"],
                outputs="test_predictions",
                name="predict_test_set",
            ),
            Node(
                func=plot_diagnostics,
                inputs=["test_predictions", "feature_spec"],
                outputs="diagnostic_plots",
                name="plot_diagnostics",
            ),
            Node(
                func=break_down_performance,
                inputs=["test_predictions", "feature_spec"],
                outputs="performance_breakdown",
                name="break_down_performance",
            ),
            Node(
                func=plot_cv_spread,
                inputs=["candidate_comparison", "feature_spec", "params:modelling"],
                outputs="cv_spread_plot",
                name="plot_cv_spread",
            ),
            Node(
                func=compute_feature_importance,
                inputs=[
                    "champion_model",
                    "X_test",
                    "y_test",
                    "feature_spec",
                    "params:modelling",
                    "params:reporting",
                ],
                outputs="feature_importance",
                name="compute_feature_importance",
            ),
            Node(
                func=plot_feature_importance,
                inputs=["feature_importance", "params:reporting"],
                outputs="feature_importance_plot",
                name="plot_feature_importance",
            ),
            Node(
                func=collect_tracked_metrics,
                inputs="candidate_comparison",
                outputs="tracked_metrics",
                name="collect_tracked_metrics",
            ),
            Node(
                func=package_champion,
                inputs=["champion_model", "X_test", "params:reporting"],
                outputs="tracked_champion",
                name="package_champion",
            ),
        ]
    )


def create_report_pipeline() -> Pipeline:
    """The HTML report, which ends with the registry's decision: part of ``train``."""
    return Pipeline(
        [
            Node(
                func=render_report,
                inputs=[
                    "params:data",
                    "feature_spec",
                    "candidate_comparison",
                    "params:modelling",
                    "diagnostic_plots",
                    "performance_breakdown",
                    "cv_spread_plot",
                    "feature_importance_plot",
                    "promotion_decision",
                ],
                outputs="training_report",
                name="render_report",
            )
        ]
    )
