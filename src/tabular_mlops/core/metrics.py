"""Metrics: what each task reports, which way is better, cross-validation and ranking."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import KFold, StratifiedKFold

from tabular_mlops.core.features import task_kind

logger = logging.getLogger(__name__)

SCORERS: dict[str, dict[str, str]] = {
    "binary": {
        "accuracy": "accuracy",
        "balanced_accuracy": "balanced_accuracy",
        "f1_macro": "f1_macro",
        "roc_auc": "roc_auc",
        "log_loss": "neg_log_loss",
    },
    "multiclass": {
        "accuracy": "accuracy",
        "balanced_accuracy": "balanced_accuracy",
        "f1_macro": "f1_macro",
        "roc_auc": "roc_auc_ovr",
        "log_loss": "neg_log_loss",
    },
    "regression": {
        "rmse": "neg_root_mean_squared_error",
        "mae": "neg_mean_absolute_error",
        "r2": "r2",
    },
}
"""Reported metrics per task, as scikit-learn scorer names."""

LOWER_IS_BETTER = frozenset({"log_loss", "rmse", "mae", "mape", "smape", "mase"})


def champion_metric(champion_metrics: Mapping[str, str], task: str) -> str:
    """The metric that ranks candidates for ``task``, from the configured metric per
    kind of task (``modelling.champion_metric``)."""
    return champion_metrics[task_kind(task)]


def improvement(metric: str, new: float, old: float) -> float:
    """How much better ``new`` is than ``old`` on ``metric`` (negative: worse)."""
    return old - new if metric in LOWER_IS_BETTER else new - old


def score_model(
    model: BaseEstimator, X: pd.DataFrame, y: pd.Series, task: str
) -> dict[str, float]:
    """Each of the task's metrics for ``model`` on one labelled table; each kind of
    prediction (labels, probabilities) is made once and shared by the metrics."""
    scorers = SCORERS[task]
    values = check_scoring(model, scoring=scorers)(model, X, y)
    return {
        metric: float(-values[metric] if scorer.startswith("neg_") else values[metric])
        for metric, scorer in scorers.items()
    }


def reaches(count: int, threshold: int | None) -> bool:
    """Whether a table's size reaches a size rule's threshold (null: never)."""
    return threshold is not None and count >= threshold


def cv_folds_for(rows: int, cv_folds: int, large_data: Mapping[str, Any]) -> int:
    """The folds to cross-validate a table of ``rows`` labelled rows with:
    ``cv_folds``, or ``large_data.cv_folds`` for a large table, since each fold is a
    whole fit and a large table's estimate is stable with fewer."""
    if not reaches(rows, large_data["min_rows"]):
        return cv_folds
    logger.info(
        "%d labelled rows, at least modelling.large_data.min_rows=%d: "
        "%d-fold cross-validation (modelling.large_data.cv_folds) instead of %d.",
        rows,
        large_data["min_rows"],
        large_data["cv_folds"],
        cv_folds,
    )
    return int(large_data["cv_folds"])


def cross_validation_scores(
    model: BaseEstimator,
    X: pd.DataFrame,
    y: pd.Series,
    task: str,
    cv_folds: int,
    random_state: int,
    on_fold: Callable[[int, dict[str, float]], None] | None = None,
) -> dict[str, float]:
    """Mean and spread of each metric over seeded k-fold CV of ``model``.

    ``on_fold`` is called with each fold's number and scores when it is done, so
    that long runs can show progress.
    """
    folds = (KFold if task == "regression" else StratifiedKFold)(
        n_splits=cv_folds, shuffle=True, random_state=random_state
    )
    fold_scores = []
    for fold, (fit_rows, score_rows) in enumerate(folds.split(X, y), 1):
        fitted = clone(model).fit(X.iloc[fit_rows], y.iloc[fit_rows])
        fold_scores.append(
            score_model(fitted, X.iloc[score_rows], y.iloc[score_rows], task)
        )
        if on_fold:
            on_fold(fold, fold_scores[-1])
    scores = {}
    for name, values in pd.DataFrame(fold_scores).items():
        scores[f"cv_{name}"] = float(values.mean())
        scores[f"cv_{name}_std"] = float(values.std(ddof=0))
    return scores


def predict_with_probabilities(
    model: BaseEstimator, X: pd.DataFrame, task: str
) -> pd.DataFrame:
    """The predicted target per row and, for classification, ``proba_<class>``."""
    predictions = pd.DataFrame({"predicted": model.predict(X)}, index=X.index)
    if task != "regression":
        probabilities = model.predict_proba(X)
        for position, label in enumerate(model.classes_):
            predictions[f"proba_{label}"] = probabilities[:, position]
    return predictions


def rank_candidates(
    metrics_by_family: Mapping[str, Mapping[str, float]], metric: str
) -> pd.DataFrame:
    """One row per candidate, best first by the cross-validated ``metric``; scores
    rounded to 6 decimals, far finer than cross-validation can tell apart, so that
    the table and the metrics logged from it read easily."""
    comparison = pd.DataFrame.from_dict(dict(metrics_by_family), orient="index")
    comparison = comparison.rename_axis("family").reset_index()
    comparison = comparison.sort_values(
        f"cv_{metric}", ascending=metric in LOWER_IS_BETTER, kind="stable"
    ).reset_index(drop=True)
    comparison = comparison.round(6)
    comparison.insert(1, "rank", range(1, len(comparison) + 1))
    best = comparison.iloc[0]
    logger.info(
        "Champion: %s (cv_%s=%.4f, test_%s=%.4f) among %d candidates.",
        best["family"],
        metric,
        best[f"cv_{metric}"],
        metric,
        best[f"test_{metric}"],
        len(comparison),
    )
    return comparison


def tracked_scores(
    candidate_comparison: pd.DataFrame,
) -> dict[str, dict[str, float | int]]:
    """Every candidate's scores keyed ``<family>.<score>``, plus ``champion.<score>``,
    in the format of kedro-mlflow's metrics datasets (gaps, e.g. a MAPE left out,
    are not logged)."""
    scores = candidate_comparison.set_index("family").drop(columns="rank")
    named = {"champion": scores.iloc[0], **dict(scores.iterrows())}
    return {
        f"{name}.{score}": {"value": float(value), "step": 0}
        for name, row in named.items()
        for score, value in row.dropna().items()
    }
