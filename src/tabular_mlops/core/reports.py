"""Reports on a fitted model: diagnostic figures, permutation importance, and static
renderings of the figures."""

from __future__ import annotations

import logging
from typing import Any

import matplotlib

matplotlib.use("Agg")  # render to files; no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
from sklearn.inspection import permutation_importance  # noqa: E402
from sklearn.metrics import confusion_matrix, roc_auc_score, roc_curve  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer  # noqa: E402

from tabular_mlops.core.metrics import SCORERS  # noqa: E402

logger = logging.getLogger(__name__)


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
    binary = len(classes) == 2
    curve_classes = classes[1:] if binary else classes
    figure = go.Figure()
    for label in curve_classes:
        is_label, scores = predictions["actual"] == label, predictions[f"proba_{label}"]
        fpr, tpr, _ = roc_curve(is_label, scores)
        name = f"{label} (AUC {roc_auc_score(is_label, scores):.3f})"
        figure.add_trace(go.Scatter(x=fpr, y=tpr, mode="lines", name=name))
    figure.add_trace(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dash"}
        )
    )
    return figure.update_layout(
        title=f"ROC curve{'' if binary else ', one vs rest'} (test set)",
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


def diagnostic_figures(
    predictions: pd.DataFrame, task: str
) -> tuple[go.Figure, go.Figure]:
    """Error and fit figures for the task: confusion matrix and ROC, or residuals
    and predicted-vs-actual."""
    plot_errors, plot_fit = DIAGNOSTIC_FIGURES[task]
    return plot_errors(predictions), plot_fit(predictions)


PROGRESS_EVERY = 50
"""Columns shuffled per permutation-importance step; wide tables log each step."""


def _restore_columns(shuffled: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with some of its columns replaced by ``shuffled`` (same rows)."""
    restored = rows.copy()
    restored[list(shuffled.columns)] = shuffled
    return restored


def _reading_only(columns: list[str], model: Pipeline, rows: pd.DataFrame) -> Any:
    """``model`` fed with ``columns``: the others are those of ``rows``, unshuffled,
    so that scikit-learn's permutation importance shuffles only these columns."""
    if len(columns) == rows.shape[1]:
        return model
    restore = FunctionTransformer(_restore_columns, kw_args={"rows": rows})
    return make_pipeline(restore, model)


def feature_importance(
    model: Pipeline,
    X: pd.DataFrame,
    y: pd.Series,
    task: str,
    metric: str,
    repeats: int,
    max_rows: int,
    max_features: int,
    random_state: int,
) -> pd.DataFrame:
    """Permutation importance of input columns on ``metric``, largest first.

    At most ``max_rows`` rows and ``max_features`` columns (both drawn at random)
    bound the cost: each shuffle is one prediction per column. Columns are
    shuffled ``PROGRESS_EVERY`` at a time, each step logged, so that a wide table
    shows progress; the importances are those of one call on every column.
    """
    rng = np.random.default_rng(random_state)
    rows, labels = X.reset_index(drop=True), y.reset_index(drop=True)
    if len(rows) > max_rows:
        drawn = np.sort(rng.choice(len(rows), size=max_rows, replace=False))
        rows, labels = rows.iloc[drawn], labels.iloc[drawn]
    columns = list(rows.columns)
    if len(columns) > max_features:
        drawn = np.sort(rng.choice(len(columns), size=max_features, replace=False))
        columns = [columns[position] for position in drawn]
        logger.info(
            "Permutation importance of %d of the %d input columns, drawn at random "
            "(reporting.permutation_max_features).",
            max_features,
            rows.shape[1],
        )
    steps = []
    for start in range(0, len(columns), PROGRESS_EVERY):
        step = columns[start : start + PROGRESS_EVERY]
        result = permutation_importance(
            _reading_only(step, model, rows),
            rows[step],
            labels,
            scoring=SCORERS[task][metric],
            n_repeats=repeats,
            random_state=random_state,
        )
        steps.append(
            pd.DataFrame(
                {
                    "feature": step,
                    "importance_mean": result.importances_mean,
                    "importance_std": result.importances_std,
                }
            )
        )
        if len(columns) > PROGRESS_EVERY:
            logger.info(
                "Permutation importance: %d/%d columns",
                start + len(step),
                len(columns),
            )
    importance = pd.concat(steps, ignore_index=True)
    return importance.sort_values("importance_mean", ascending=False, ignore_index=True)


def feature_importance_figure(importance: pd.DataFrame, top_features: int) -> go.Figure:
    """Horizontal bars of the most important features, the largest on top."""
    top = importance.head(top_features).iloc[::-1]
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
