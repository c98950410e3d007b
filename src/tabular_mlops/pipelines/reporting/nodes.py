"""Nodes that describe the champion: test predictions, plots, importances, metrics;
the figures and statistics are in ``core.reports``."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sklearn.pipeline import Pipeline

from tabular_mlops.core import metrics, reports
from tabular_mlops.core.features import FeatureSpec


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
) -> tuple[go.Figure, go.Figure]:
    """Error and fit figures for the task."""
    return reports.diagnostic_figures(test_predictions, feature_spec["task"])


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


def render_png(figure: go.Figure) -> Any:
    """A static rendering of a plotly figure, to save as an image."""
    return reports.render_png(figure)


def collect_tracked_metrics(
    candidate_comparison: pd.DataFrame,
) -> dict[str, dict[str, float | int]]:
    """Every candidate's scores keyed ``<family>.<score>``, plus ``champion.<score>``,
    in the format of kedro-mlflow's metrics datasets."""
    scores = candidate_comparison.set_index("family").drop(columns="rank")
    named = {"champion": scores.iloc[0], **dict(scores.iterrows())}
    return {
        f"{name}.{score}": {"value": float(value), "step": 0}
        for name, row in named.items()
        for score, value in row.items()
    }


def package_champion(
    champion_model: Pipeline,
    X_test: pd.DataFrame,
    reporting: dict[str, Any],
) -> tuple[Pipeline, pd.DataFrame]:
    """The champion with a few raw input rows, from which MLflow infers its signature."""
    return champion_model, X_test.head(reporting["input_example_rows"])
