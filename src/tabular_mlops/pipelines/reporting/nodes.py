"""Nodes that describe the champion: test predictions, plots, importances, metrics."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")  # render to files; no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
from sklearn.inspection import permutation_importance  # noqa: E402
from sklearn.metrics import confusion_matrix, roc_curve  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402

from tabular_mlops.pipelines.modelling.nodes import (  # noqa: E402
    SCORERS,
    champion_metric,
    predict_with_probabilities,
)


def predict_test_set(
    champion_model: Pipeline,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    feature_spec: dict[str, Any],
) -> pd.DataFrame:
    """Actual and predicted target per test row, with class probabilities."""
    predictions = predict_with_probabilities(
        champion_model, X_test, feature_spec["task"]
    )
    predictions.insert(0, "actual", y_test[feature_spec["target"]].to_numpy())
    return predictions


def _confusion_matrix_figure(predictions: pd.DataFrame) -> go.Figure:
    labels = sorted(set(predictions["actual"]) | set(predictions["predicted"]))
    counts = confusion_matrix(
        predictions["actual"], predictions["predicted"], labels=labels
    )
    figure = go.Figure(
        go.Heatmap(z=counts, x=labels, y=labels, text=counts, colorscale="Blues")
    )
    return figure.update_layout(
        title="Confusion matrix (test set)",
        xaxis_title="Predicted",
        yaxis_title="Actual",
    )


def _roc_curve_figure(predictions: pd.DataFrame) -> go.Figure:
    classes = [
        column.removeprefix("proba_")
        for column in predictions
        if column.startswith("proba_")
    ]
    curve_classes = classes[1:] if len(classes) == 2 else classes
    figure = go.Figure()
    for label in curve_classes:
        fpr, tpr, _ = roc_curve(
            predictions["actual"] == label, predictions[f"proba_{label}"]
        )
        figure.add_trace(go.Scatter(x=fpr, y=tpr, mode="lines", name=str(label)))
    figure.add_trace(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dash"}
        )
    )
    return figure.update_layout(
        title="ROC curve, one vs rest (test set)",
        xaxis_title="False positive rate",
        yaxis_title="True positive rate",
    )


def _predicted_vs_actual_figure(predictions: pd.DataFrame) -> go.Figure:
    low = float(min(predictions["actual"].min(), predictions["predicted"].min()))
    high = float(max(predictions["actual"].max(), predictions["predicted"].max()))
    figure = go.Figure(
        [
            go.Scatter(
                x=predictions["actual"],
                y=predictions["predicted"],
                mode="markers",
                name="test rows",
            ),
            go.Scatter(
                x=[low, high],
                y=[low, high],
                mode="lines",
                name="perfect",
                line={"dash": "dash"},
            ),
        ]
    )
    return figure.update_layout(
        title="Predicted vs actual (test set)",
        xaxis_title="Actual",
        yaxis_title="Predicted",
    )


def _residuals_figure(predictions: pd.DataFrame) -> go.Figure:
    residuals = predictions["actual"] - predictions["predicted"]
    figure = go.Figure(
        go.Scatter(
            x=predictions["predicted"], y=residuals, mode="markers", name="test rows"
        )
    )
    return figure.update_layout(
        title="Residuals (test set)",
        xaxis_title="Predicted",
        yaxis_title="Actual - predicted",
    )


DIAGNOSTIC_FIGURES = {
    "binary": (_confusion_matrix_figure, _roc_curve_figure),
    "multiclass": (_confusion_matrix_figure, _roc_curve_figure),
    "regression": (_residuals_figure, _predicted_vs_actual_figure),
}
"""Per task: the figure of the champion's errors, then of its fit."""


def plot_diagnostics(
    test_predictions: pd.DataFrame, feature_spec: dict[str, Any]
) -> tuple[go.Figure, go.Figure]:
    """Error and fit figures for the task: confusion matrix and ROC, or residuals
    and predicted-vs-actual."""
    plot_errors, plot_fit = DIAGNOSTIC_FIGURES[feature_spec["task"]]
    return plot_errors(test_predictions), plot_fit(test_predictions)


def compute_feature_importance(
    champion_model: Pipeline,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    feature_spec: dict[str, Any],
    modelling: dict[str, Any],
    reporting: dict[str, Any],
) -> pd.DataFrame:
    """Permutation importance of each input column on the test set (at most
    ``permutation_max_rows`` rows of it, drawn at random), largest first."""
    metric = champion_metric(modelling, feature_spec["task"])
    result = permutation_importance(
        champion_model,
        X_test,
        y_test[feature_spec["target"]],
        scoring=SCORERS[feature_spec["task"]][metric],
        n_repeats=reporting["permutation_repeats"],
        max_samples=min(reporting["permutation_max_rows"], len(X_test)),
        random_state=modelling["random_state"],
    )
    importance = pd.DataFrame(
        {
            "feature": X_test.columns,
            "importance_mean": result.importances_mean,
            "importance_std": result.importances_std,
        }
    )
    return importance.sort_values("importance_mean", ascending=False, ignore_index=True)


def plot_feature_importance(
    feature_importance: pd.DataFrame, reporting: dict[str, Any]
) -> go.Figure:
    """Horizontal bars of the most important features, the largest on top."""
    top = feature_importance.head(reporting["top_features"]).iloc[::-1]
    figure = go.Figure(
        go.Bar(
            x=top["importance_mean"],
            y=top["feature"],
            orientation="h",
            error_x={"array": top["importance_std"]},
        )
    )
    return figure.update_layout(
        title="Permutation importance of the champion (test set)",
        xaxis_title="Mean drop in score",
        yaxis_title="Feature",
    )


def _draw_trace(axes: plt.Axes, trace: Any) -> None:
    if trace.type == "heatmap":
        z = np.asarray(trace.z)
        axes.imshow(z, cmap="Blues")
        axes.set_xticks(range(len(trace.x)), labels=trace.x, rotation=45, ha="right")
        axes.set_yticks(range(len(trace.y)), labels=trace.y)
        for (row, column), value in np.ndenumerate(z):
            axes.text(column, row, str(value), ha="center", va="center")
    elif trace.type == "bar":
        error = trace.error_x.array if trace.error_x else None
        axes.barh(list(trace.y), list(trace.x), xerr=error)
    else:
        linestyle = "--" if trace.line and trace.line.dash else "-"
        if trace.mode == "markers":
            axes.scatter(trace.x, trace.y, s=12, alpha=0.7, label=trace.name)
        else:
            axes.plot(trace.x, trace.y, linestyle=linestyle, label=trace.name)


def render_png(figure: go.Figure) -> plt.Figure:
    """A static matplotlib rendering of a plotly figure, to save as an image."""
    rendered, axes = plt.subplots(figsize=(7, 5), layout="constrained")
    for trace in figure.data:
        _draw_trace(axes, trace)
    layout = figure.layout
    axes.set_title(layout.title.text)
    axes.set_xlabel(layout.xaxis.title.text)
    axes.set_ylabel(layout.yaxis.title.text)
    if any(trace.name for trace in figure.data):
        axes.legend()
    plt.close(rendered)
    return rendered


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
