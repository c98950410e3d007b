"""Nodes that fit, cross-validate and score one candidate per model family, then
rank them and pick the champion; the work itself is in ``core``."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from sklearn.pipeline import Pipeline

from tabular_mlops.core import estimators, metrics
from tabular_mlops.core.features import FeatureSpec
from tabular_mlops.log_console import progress_bar

logger = logging.getLogger(__name__)


def choose_hyperparameters(
    candidate: dict[str, Any],
    tuned_hyperparameters: dict[str, dict[str, Any]],
    feature_spec: FeatureSpec,
    modelling: dict[str, Any],
) -> dict[str, Any]:
    """The family and the hyper-parameters this run fits for its task: as configured
    (for a large table, with its large-data ones) or, with
    ``modelling.use_tuned_hyperparameters``, as ``tune`` found them."""
    family, task = candidate["family"], feature_spec["task"]
    return {
        "family": family,
        "hyperparameters": estimators.choose_hyperparameters(
            family,
            configured=estimators.configured_hyperparameters(
                candidate, feature_spec, modelling
            ),
            tuned_by_family=tuned_hyperparameters,
            task=task,
            use_tuned=modelling["use_tuned_hyperparameters"],
        ),
    }


def _build(
    candidate_config: dict[str, Any],
    task: str,
    modelling: dict[str, Any],
    data: dict[str, Any],
) -> Pipeline:
    return estimators.build_candidate(
        candidate_config["family"],
        candidate_config["hyperparameters"],
        task,
        random_state=modelling["random_state"],
        min_category_frequency=modelling["preprocessing"]["min_category_frequency"],
        id_unique_share=data["id_unique_share"],
    )


def train_candidate(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    feature_spec: FeatureSpec,
    candidate_config: dict[str, Any],
    modelling: dict[str, Any],
    data: dict[str, Any],
) -> Pipeline:
    """Fit a candidate (from source rows to a prediction) on the whole training set."""
    logger.info(
        "%s: fitting on all %d training rows.", candidate_config["family"], len(X_train)
    )
    model = _build(candidate_config, feature_spec["task"], modelling, data)
    return model.fit(X_train, y_train[feature_spec["target"]])


def cross_validate_candidate(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    feature_spec: FeatureSpec,
    candidate_config: dict[str, Any],
    modelling: dict[str, Any],
    data: dict[str, Any],
) -> dict[str, float]:
    """Mean and spread of each metric over seeded k-fold CV on the training set."""
    task, family = feature_spec["task"], candidate_config["family"]
    metric = metrics.champion_metric(modelling["champion_metric"], task)
    folds = metrics.cv_folds_for(
        feature_spec["rows"], modelling["cv_folds"], modelling["large_data"]
    )
    with progress_bar(f"{family}: cross-validation", total=folds) as advance:

        def fold_done(fold: int, scores: dict[str, float]) -> None:
            logger.info(
                "%s: CV fold %d/%d, %s=%.4f",
                family,
                fold,
                folds,
                metric,
                scores[metric],
            )
            advance()

        scores = metrics.cross_validation_scores(
            _build(candidate_config, task, modelling, data),
            X_train,
            y_train[feature_spec["target"]],
            task,
            cv_folds=folds,
            random_state=modelling["random_state"],
            on_fold=fold_done,
        )
    logger.info(
        "%s: cross-validated %s",
        family,
        ", ".join(
            f"{k[3:]}={v:.4f}" for k, v in scores.items() if not k.endswith("_std")
        ),
    )
    return scores


def evaluate_candidate(
    model: Pipeline,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    feature_spec: FeatureSpec,
    cv_scores: dict[str, float],
) -> dict[str, float]:
    """Cross-validation scores together with scores on the held-out test set."""
    test_scores = metrics.score_model(
        model, X_test, y_test[feature_spec["target"]], feature_spec["task"]
    )
    return cv_scores | {f"test_{name}": value for name, value in test_scores.items()}


def rank_candidates(
    modelling: dict[str, Any],
    feature_spec: FeatureSpec,
    **metrics_by_family: dict[str, float],
) -> pd.DataFrame:
    """One row per candidate, best first by the cross-validated champion metric."""
    metric = metrics.champion_metric(modelling["champion_metric"], feature_spec["task"])
    return metrics.rank_candidates(metrics_by_family, metric)


def select_champion(candidate_comparison: pd.DataFrame, **models: Pipeline) -> Pipeline:
    """The fitted model of the best-ranked candidate."""
    return models[candidate_comparison["family"].iloc[0]]
