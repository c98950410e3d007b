"""Nodes that build, fit and score candidate models and pick the champion."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import check_scoring
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

logger = logging.getLogger(__name__)

ESTIMATORS: dict[str, dict[str, type[BaseEstimator]]] = {
    "linear": {"classification": LogisticRegression, "regression": Ridge},
    "random_forest": {
        "classification": RandomForestClassifier,
        "regression": RandomForestRegressor,
    },
    "hist_gradient_boosting": {
        "classification": HistGradientBoostingClassifier,
        "regression": HistGradientBoostingRegressor,
    },
}
"""Model families: the estimator used for each kind of task."""

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

LOWER_IS_BETTER = frozenset({"log_loss", "rmse", "mae"})


def task_kind(task: str) -> str:
    """``classification`` for binary and multiclass tasks, else ``regression``."""
    return "regression" if task == "regression" else "classification"


def build_preprocessor(preprocessing: dict[str, Any]) -> ColumnTransformer:
    """Impute and scale numeric columns; impute and one-hot encode the others."""
    numeric = Pipeline(
        [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            (
                "encode",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    min_frequency=preprocessing["min_category_frequency"],
                    sparse_output=False,
                ),
            ),
        ]
    )
    return ColumnTransformer(
        [
            ("numeric", numeric, make_column_selector(dtype_include="number")),
            ("categorical", categorical, make_column_selector(dtype_exclude="number")),
        ],
        verbose_feature_names_out=False,
    )


def build_candidate(
    candidate: dict[str, Any], modelling: dict[str, Any], task: str
) -> Pipeline:
    """An unfitted preprocessing + estimator pipeline for one model family."""
    kind = task_kind(task)
    estimator = ESTIMATORS[candidate["family"]][kind](
        **candidate["hyperparameters"][kind]
    )
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=modelling["random_state"])
    return Pipeline(
        [
            ("preprocess", build_preprocessor(modelling["preprocessing"])),
            ("estimator", estimator),
        ]
    )


def choose_hyperparameters(
    candidate: dict[str, Any],
    tuned_hyperparameters: dict[str, dict[str, Any]],
    feature_spec: dict[str, Any],
    modelling: dict[str, Any],
) -> dict[str, Any]:
    """The candidate as configured or, when ``modelling.use_tuned_hyperparameters``
    is on, with the hyper-parameters the ``tune`` pipeline found for this task."""
    if not modelling["use_tuned_hyperparameters"]:
        return candidate
    family, kind = candidate["family"], task_kind(feature_spec["task"])
    tuned = tuned_hyperparameters.get(family, {}).get("hyperparameters", {})
    if kind not in tuned:
        raise ValueError(
            f"No tuned {kind} hyper-parameters for '{family}': run "
            "`kedro run --pipeline=tune` first, or set "
            "modelling.use_tuned_hyperparameters=false."
        )
    logger.info("%s: using the tuned hyper-parameters %s", family, tuned[kind])
    return {**candidate, "hyperparameters": {**candidate["hyperparameters"], **tuned}}


def _labels(y: pd.DataFrame, feature_spec: dict[str, Any]) -> pd.Series:
    return y[feature_spec["target"]]


def train_candidate(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    feature_spec: dict[str, Any],
    candidate: dict[str, Any],
    modelling: dict[str, Any],
) -> Pipeline:
    """Fit a candidate on the whole training set."""
    model = build_candidate(candidate, modelling, feature_spec["task"])
    return model.fit(X_train, _labels(y_train, feature_spec))


def cross_validation_scores(
    model: Pipeline,
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    feature_spec: dict[str, Any],
    modelling: dict[str, Any],
    progress: str | None = None,
) -> dict[str, float]:
    """Mean and spread of each metric over seeded k-fold CV of ``model``.

    With ``progress`` (a name for the model), each fold logs its champion metric when
    it is done, so long runs show progress.
    """
    task = feature_spec["task"]
    labels = _labels(y_train, feature_spec)
    folds = (KFold if task == "regression" else StratifiedKFold)(
        n_splits=modelling["cv_folds"],
        shuffle=True,
        random_state=modelling["random_state"],
    )
    metric = champion_metric(modelling, task)
    fold_scores = []
    for fold, (fit_rows, score_rows) in enumerate(folds.split(X_train, labels), 1):
        fitted = clone(model).fit(X_train.iloc[fit_rows], labels.iloc[fit_rows])
        fold_scores.append(
            score_model(
                fitted, X_train.iloc[score_rows], y_train.iloc[score_rows], feature_spec
            )
        )
        if progress:
            logger.info(
                "%s: CV fold %d/%d, %s=%.4f",
                progress,
                fold,
                folds.get_n_splits(),
                metric,
                fold_scores[-1][metric],
            )
    scores = {}
    for name, values in pd.DataFrame(fold_scores).items():
        scores[f"cv_{name}"] = float(values.mean())
        scores[f"cv_{name}_std"] = float(values.std(ddof=0))
    return scores


def cross_validate_candidate(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    feature_spec: dict[str, Any],
    candidate: dict[str, Any],
    modelling: dict[str, Any],
) -> dict[str, float]:
    """Mean and spread of each metric over seeded k-fold CV on the training set."""
    model = build_candidate(candidate, modelling, feature_spec["task"])
    scores = cross_validation_scores(
        model, X_train, y_train, feature_spec, modelling, progress=candidate["family"]
    )
    logger.info(
        "%s: cross-validated %s",
        candidate["family"],
        ", ".join(
            f"{k[3:]}={v:.4f}" for k, v in scores.items() if not k.endswith("_std")
        ),
    )
    return scores


def score_model(
    model: Pipeline,
    X: pd.DataFrame,
    y: pd.DataFrame,
    feature_spec: dict[str, Any],
) -> dict[str, float]:
    """Each of the task's metrics for ``model`` on one labelled table; each kind of
    prediction (labels, probabilities) is made once and shared by the metrics."""
    scorers = SCORERS[feature_spec["task"]]
    values = check_scoring(model, scoring=scorers)(model, X, _labels(y, feature_spec))
    return {
        metric: float(-values[metric] if scorer.startswith("neg_") else values[metric])
        for metric, scorer in scorers.items()
    }


def evaluate_candidate(
    model: Pipeline,
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    feature_spec: dict[str, Any],
    cv_scores: dict[str, float],
) -> dict[str, float]:
    """Cross-validation scores together with scores on the held-out test set."""
    test_scores = {
        f"test_{metric}": value
        for metric, value in score_model(model, X_test, y_test, feature_spec).items()
    }
    return cv_scores | test_scores


def predict_with_probabilities(
    model: Pipeline, X: pd.DataFrame, task: str
) -> pd.DataFrame:
    """The predicted target per row and, for classification, ``proba_<class>``."""
    predictions = pd.DataFrame({"predicted": model.predict(X)}, index=X.index)
    if task != "regression":
        probabilities = model.predict_proba(X)
        for position, label in enumerate(model.classes_):
            predictions[f"proba_{label}"] = probabilities[:, position]
    return predictions


def champion_metric(modelling: dict[str, Any], task: str) -> str:
    """The metric that ranks candidates for this task."""
    return modelling["champion_metric"][task_kind(task)]


def rank_candidates(
    modelling: dict[str, Any],
    feature_spec: dict[str, Any],
    **metrics_by_family: dict[str, float],
) -> pd.DataFrame:
    """One row per candidate, best first by the cross-validated champion metric."""
    metric = champion_metric(modelling, feature_spec["task"])
    comparison = pd.DataFrame.from_dict(metrics_by_family, orient="index")
    comparison = comparison.rename_axis("family").reset_index()
    comparison = comparison.sort_values(
        f"cv_{metric}", ascending=metric in LOWER_IS_BETTER, kind="stable"
    ).reset_index(drop=True)
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


def select_champion(candidate_comparison: pd.DataFrame, **models: Pipeline) -> Pipeline:
    """The fitted model of the best-ranked candidate."""
    return models[candidate_comparison["family"].iloc[0]]
