"""Nodes that describe the champion: test predictions, plots, importances, metrics
and the run's HTML report; the figures and statistics are in ``core.reports``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sklearn.pipeline import Pipeline

from tabular_mlops.core import metrics, reports, run_report
from tabular_mlops.core.features import FeatureSpec
from tabular_mlops.core.sources import source_name


def predict_test_set(
    champion_model: Pipeline,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    feature_spec: FeatureSpec,
) -> pd.DataFrame:
    """Actual and predicted target per test row, with class probabilities."""
    predictions = metrics.predict_with_probabilities(
        champion_model, X_test, feature_spec["task"]
    )
    predictions.insert(0, "actual", y_test[feature_spec["target"]].to_numpy())
    return predictions


def plot_diagnostics(
    test_predictions: pd.DataFrame, feature_spec: FeatureSpec
) -> dict[str, go.Figure]:
    """The task's diagnostic figures, by what they show (``confusion_matrix``,
    ``roc_curve``, ``pr_curve``, ``calibration_curve``; ``residuals``,
    ``predicted_vs_actual``)."""
    return reports.diagnostic_figures(test_predictions, feature_spec["task"])


def break_down_performance(
    test_predictions: pd.DataFrame, feature_spec: FeatureSpec
) -> pd.DataFrame:
    """Precision, recall and F1 per class, or the errors per range of the target."""
    return reports.performance_breakdown(test_predictions, feature_spec["task"])


def plot_cv_spread(
    candidate_comparison: pd.DataFrame,
    feature_spec: FeatureSpec,
    modelling: dict[str, Any],
) -> go.Figure:
    """Each candidate's cross-validated champion metric with its spread over folds."""
    metric = metrics.champion_metric(modelling["champion_metric"], feature_spec["task"])
    return reports.cv_spread_figure(candidate_comparison, metric)


def compute_feature_importance(
    champion_model: Pipeline,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    feature_spec: FeatureSpec,
    modelling: dict[str, Any],
    reporting: dict[str, Any],
) -> pd.DataFrame:
    """Permutation importance of the input columns on the test set, largest first."""
    task = feature_spec["task"]
    return reports.feature_importance(
        champion_model,
        X_test,
        y_test[feature_spec["target"]],
        task,
        metric=metrics.champion_metric(modelling["champion_metric"], task),
        repeats=reporting["permutation_repeats"],
        max_rows=reporting["permutation_max_rows"],
        max_features=reporting["permutation_max_features"],
        random_state=modelling["random_state"],
    )


def plot_feature_importance(
    feature_importance: pd.DataFrame, reporting: dict[str, Any]
) -> go.Figure:
    """Horizontal bars of the most important features, the largest on top."""
    return reports.feature_importance_figure(
        feature_importance, reporting["top_features"]
    )


def collect_tracked_metrics(
    candidate_comparison: pd.DataFrame,
) -> dict[str, dict[str, float | int]]:
    """Every candidate's scores keyed ``<family>.<score>``, plus ``champion.<score>``,
    in the format of kedro-mlflow's metrics datasets."""
    return metrics.tracked_scores(candidate_comparison)


def package_champion(
    champion_model: Pipeline,
    X_test: pd.DataFrame,
    reporting: dict[str, Any],
) -> tuple[Pipeline, pd.DataFrame]:
    """The champion with a few raw input rows, from which MLflow infers its signature."""
    return champion_model, X_test.head(reporting["input_example_rows"])


def render_report(
    data: dict[str, Any],
    feature_spec: FeatureSpec,
    candidate_comparison: pd.DataFrame,
    modelling: dict[str, Any],
    diagnostic_plots: dict[str, Callable[[], go.Figure]],
    performance_breakdown: pd.DataFrame,
    cv_spread_plot: go.Figure,
    feature_importance_plot: go.Figure,
    promotion_decision: dict[str, Any],
) -> str:
    """The run's self-contained HTML report (``core.run_report``); the diagnostic
    figures in the task's order."""
    task = feature_spec["task"]
    return run_report.render_report(
        source=source_name(data),
        feature_spec=feature_spec,
        candidate_comparison=candidate_comparison,
        metric=metrics.champion_metric(modelling["champion_metric"], task),
        diagnostics={
            name: diagnostic_plots[name]()
            for name in reports.DIAGNOSTIC_FIGURES[task]
            if name in diagnostic_plots
        },
        breakdown=performance_breakdown,
        cv_spread=cv_spread_plot,
        feature_importance=feature_importance_plot,
        promotion_decision=promotion_decision,
    )
