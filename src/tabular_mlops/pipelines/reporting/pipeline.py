"""Test predictions, diagnostic plots, importances and tracked metrics for the champion."""

from kedro.pipeline import Node, Pipeline

from .nodes import (
    collect_tracked_metrics,
    compute_feature_importance,
    package_champion,
    plot_diagnostics,
    plot_feature_importance,
    predict_test_set,
    render_png,
)

FIGURES = ("error_plot", "fit_plot", "feature_importance_plot")
"""Plotly figures that are also rendered as PNG images (``<name>_png``)."""


def create_pipeline(**kwargs) -> Pipeline:
    nodes = [
        Node(
            func=predict_test_set,
            inputs=["champion_model", "X_test", "y_test", "feature_spec"],
            outputs="test_predictions",
            name="predict_test_set",
        ),
        Node(
            func=plot_diagnostics,
            inputs=["test_predictions", "feature_spec"],
            outputs=["error_plot", "fit_plot"],
            name="plot_diagnostics",
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
    renderings = [
        Node(
            func=render_png,
            inputs=figure,
            outputs=f"{figure}_png",
            name=f"render_{figure}",
        )
        for figure in FIGURES
    ]
    return Pipeline(nodes + renderings)
