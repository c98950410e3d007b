"""Reports on a fitted model: diagnostic figures (plotly), the performance per class
or per target range, permutation importance, the candidates' CV spread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from sklearn.calibration import calibration_curve
from sklearn.inspection import permutation_importance
from sklearn.metrics import (
    average_precision_score,
    classification_report,
    confusion_matrix,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from tabular_mlops.core.metrics import LOWER_IS_BETTER, SCORERS

logger = logging.getLogger(__name__)


def _class_scores(predictions: pd.DataFrame) -> list[tuple[str, pd.Series, pd.Series]]:
    """Per class with a ``proba_<class>`` column: its label, which rows are of it and
    their predicted probability of it; for a binary task only the positive (second)
    class, whose curve describes the model."""
    classes = [
        column.removeprefix("proba_")
        for column in predictions
        if column.startswith("proba_")
    ]
    return [
        (label, predictions["actual"] == label, predictions[f"proba_{label}"])
        for label in (classes[1:] if len(classes) == 2 else classes)
    ]


def _one_vs_rest(predictions: pd.DataFrame) -> str:
    return "" if len(_class_scores(predictions)) == 1 else ", one vs rest"


def _diagonal(name: str, low: float = 0.0, high: float = 1.0) -> go.Scatter:
    return go.Scatter(
        x=[low, high], y=[low, high], mode="lines", name=name, line={"dash": "dash"}
    )


def _confusion_matrix_figure(predictions: pd.DataFrame) -> go.Figure:
    labels = sorted(set(predictions["actual"]) | set(predictions["predicted"]))
    counts = confusion_matrix(
        predictions["actual"], predictions["predicted"], labels=labels
    )
    figure = go.Figure(
        go.Heatmap(
            z=counts,
            x=[str(label) for label in labels],
            y=[str(label) for label in labels],
            text=counts,
            texttemplate="%{text}",
            colorscale="Blues",
        )
    )
    return figure.update_layout(
        title="Confusion matrix (test set)",
        xaxis_title="Predicted",
        yaxis_title="Actual",
        yaxis_autorange="reversed",
    )


def _roc_curve_figure(predictions: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for label, is_label, scores in _class_scores(predictions):
        fpr, tpr, _ = roc_curve(is_label, scores)
        name = f"{label} (AUC {roc_auc_score(is_label, scores):.3f})"
        figure.add_trace(go.Scatter(x=fpr, y=tpr, mode="lines", name=name))
    figure.add_trace(_diagonal("chance"))
    return figure.update_layout(
        title=f"ROC curve{_one_vs_rest(predictions)} (test set)",
        xaxis_title="False positive rate",
        yaxis_title="True positive rate",
    )


def _pr_curve_figure(predictions: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    curves = _class_scores(predictions)
    for label, is_label, scores in curves:
        precision, recall, _ = precision_recall_curve(is_label, scores)
        name = f"{label} (AP {average_precision_score(is_label, scores):.3f})"
        figure.add_trace(go.Scatter(x=recall, y=precision, mode="lines", name=name))
    if len(curves) == 1:  # one chance level: the positive class's share of rows
        ((_, is_positive, _),) = curves
        figure.add_hline(
            y=float(is_positive.mean()),
            line_dash="dot",
            annotation_text="share of rows of the class (chance)",
        )
    return figure.update_layout(
        title=f"Precision-recall curve{_one_vs_rest(predictions)} (test set)",
        xaxis_title="Recall",
        yaxis_title="Precision",
    )


CALIBRATION_BINS = 10
"""Bins of the calibration curve, of equal row counts: even on a small test set each
point averages enough rows to be read."""


def _calibration_curve_figure(predictions: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for label, is_label, scores in _class_scores(predictions):
        observed, predicted = calibration_curve(
            is_label, scores, n_bins=CALIBRATION_BINS, strategy="quantile"
        )
        figure.add_trace(
            go.Scatter(x=predicted, y=observed, mode="lines+markers", name=str(label))
        )
    figure.add_trace(_diagonal("perfectly calibrated"))
    return figure.update_layout(
        title=f"Calibration curve{_one_vs_rest(predictions)} "
        f"(test set, {CALIBRATION_BINS} bins of as many rows)",
        xaxis_title="Mean predicted probability",
        yaxis_title="Share of rows of the class",
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
            _diagonal("perfect", low, high),
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
    figure.add_hline(y=0, line_dash="dash")
    return figure.update_layout(
        title="Residuals (test set)",
        xaxis_title="Predicted",
        yaxis_title="Actual - predicted",
    )


_CLASSIFICATION_FIGURES: dict[str, Callable[[pd.DataFrame], go.Figure]] = {
    "confusion_matrix": _confusion_matrix_figure,
    "roc_curve": _roc_curve_figure,
    "pr_curve": _pr_curve_figure,
    "calibration_curve": _calibration_curve_figure,
}
DIAGNOSTIC_FIGURES: dict[str, dict[str, Callable[[pd.DataFrame], go.Figure]]] = {
    "binary": _CLASSIFICATION_FIGURES,
    "multiclass": _CLASSIFICATION_FIGURES,
    "regression": {
        "residuals": _residuals_figure,
        "predicted_vs_actual": _predicted_vs_actual_figure,
    },
}
"""Per task, the figures of the champion's test predictions, by name."""


def diagnostic_figures(predictions: pd.DataFrame, task: str) -> dict[str, go.Figure]:
    """The task's diagnostic figures, named after what they show."""
    return {name: plot(predictions) for name, plot in DIAGNOSTIC_FIGURES[task].items()}


TARGET_RANGES = 4
"""Ranges of the actual value (quartiles) a regression's errors are broken down by."""


def performance_breakdown(predictions: pd.DataFrame, task: str) -> pd.DataFrame:
    """Where the champion errs: precision, recall, F1 and rows per class; for a
    regression, MAE, RMSE and rows per quartile of the actual value."""
    if task == "regression":
        errors = predictions["actual"] - predictions["predicted"]
        ranges = pd.qcut(predictions["actual"], TARGET_RANGES, duplicates="drop")
        grouped = errors.groupby(ranges, observed=True)
        return pd.DataFrame(
            {
                "actual_range": [str(interval) for interval in grouped.groups],
                "rows": grouped.size().to_numpy(),
                "mae": grouped.apply(lambda e: e.abs().mean()).to_numpy(),
                "rmse": grouped.apply(lambda e: np.sqrt((e**2).mean())).to_numpy(),
            }
        )
    report = classification_report(
        predictions["actual"].astype(str),
        predictions["predicted"].astype(str),
        output_dict=True,
        zero_division=0,
    )
    classes = {
        name: scores
        for name, scores in report.items()
        if isinstance(scores, dict) and name not in ("macro avg", "weighted avg")
    }
    table = pd.DataFrame.from_dict(classes, orient="index").rename_axis("class")
    table = table.rename(columns={"f1-score": "f1", "support": "rows"})
    return table.astype({"rows": int}).reset_index()


def cv_spread_figure(candidate_comparison: pd.DataFrame, metric: str) -> go.Figure:
    """Each candidate's cross-validated ``metric``, mean with one standard deviation
    across folds, beside its test score: how far apart the candidates really are."""
    direction = "lower" if metric in LOWER_IS_BETTER else "higher"
    families = candidate_comparison["family"]
    figure = go.Figure(
        [
            go.Scatter(
                x=candidate_comparison[f"cv_{metric}"],
                y=families,
                error_x={"array": candidate_comparison[f"cv_{metric}_std"]},
                mode="markers",
                name="CV mean ± std",
                marker={"size": 10},
            ),
            go.Scatter(
                x=candidate_comparison[f"test_{metric}"],
                y=families,
                mode="markers",
                name="test set",
                marker={"symbol": "diamond-open", "size": 10},
            ),
        ]
    )
    return figure.update_layout(
        title=f"Candidates: {metric} across CV folds ({direction} is better)",
        xaxis_title=metric,
        yaxis={"title": "Candidate", "autorange": "reversed"},
    )


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
    logger.info(
        "Permutation importance: %d shuffles of each of %d columns on %d test rows.",
        repeats,
        min(len(columns), max_features),
        len(rows),
    )
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
        height=160 + 24 * len(top),  # a readable label per bar
        title="Permutation importance of the champion (test set)",
        xaxis_title="Mean drop in score",
        yaxis_title="Feature",
    )
