"""Model families: the registry of estimators, and candidate pipelines built from it."""

from __future__ import annotations

import inspect
import logging
from typing import Any

import numpy as np
import pandas as pd
from catboost import CatBoostClassifier, CatBoostRegressor
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.features import (
    FeatureBuilder,
    FeatureSpec,
    feature_columns,
    task_kind,
)
from tabular_mlops.core.metrics import reaches

logger = logging.getLogger(__name__)


class _CategoricalFeaturesByType:
    """CatBoost fitted on a table whose text columns are its categorical features:
    it encodes them itself (ordered target statistics), so they are not one-hot
    encoded first. The columns are only known once the features are built, hence
    here rather than in the estimator's parameters."""

    def fit(self, X: pd.DataFrame, y: Any = None, **fit_params: Any) -> Any:
        fit_params.setdefault(
            "cat_features", list(X.select_dtypes(exclude="number").columns)
        )
        return super().fit(X, y, **fit_params)  # type: ignore[misc]

    def predict(self, X: pd.DataFrame, **kwargs: Any) -> np.ndarray:
        """One label per row, as scikit-learn gives (CatBoost's multiclass
        prediction is a one-column matrix)."""
        predicted = super().predict(X, **kwargs)  # type: ignore[misc]
        return (
            predicted.ravel()
            if predicted.ndim == 2 and predicted.shape[1] == 1
            else predicted
        )


class CatBoostTableClassifier(_CategoricalFeaturesByType, CatBoostClassifier):
    """``CatBoostClassifier`` with the table's text columns as categorical features."""


class CatBoostTableRegressor(_CategoricalFeaturesByType, CatBoostRegressor):
    """``CatBoostRegressor`` with the table's text columns as categorical features."""


ESTIMATORS: dict[str, dict[str, type]] = {
    "linear": {"classification": LogisticRegression, "regression": Ridge},
    "random_forest": {
        "classification": RandomForestClassifier,
        "regression": RandomForestRegressor,
    },
    "hist_gradient_boosting": {
        "classification": HistGradientBoostingClassifier,
        "regression": HistGradientBoostingRegressor,
    },
    "catboost": {
        "classification": CatBoostTableClassifier,
        "regression": CatBoostTableRegressor,
    },
}
"""The one registry of model families: the estimator used for each kind of task.
A family also needs a parameter block of its name (``parameters_modelling.yml``) and
a search space (``parameters_tuning.yml``); parameter validation checks both."""

MODEL_FAMILIES = tuple(ESTIMATORS)
"""Family names: the namespaces of the modelling and tuning pipelines."""

NATIVE_CATEGORICAL_FAMILIES = frozenset({"catboost"})
"""Families whose estimator encodes categories and handles missing numbers itself."""

MISSING_CATEGORY = "missing"
"""The category level a missing value becomes."""


def keep_categories() -> ColumnTransformer:
    """Numbers as they are (gaps included); categories as text, a missing one as the
    level ``missing``; a table out, so the estimator sees which columns are text."""
    return ColumnTransformer(
        [
            ("numeric", "passthrough", make_column_selector(dtype_include="number")),
            (
                "categorical",
                SimpleImputer(  # FeatureBuilder gives a missing category as None
                    missing_values=None,
                    strategy="constant",
                    fill_value=MISSING_CATEGORY,
                ),
                make_column_selector(dtype_exclude="number"),
            ),
        ],
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")


def one_hot_encode(min_category_frequency: int) -> ColumnTransformer:
    """Impute and scale numeric columns; impute and one-hot encode the others."""
    numeric = Pipeline(
        [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )
    categorical = Pipeline(
        [
            (
                "impute",
                SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY),
            ),
            (
                "encode",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    min_frequency=min_category_frequency,
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
    family: str,
    hyperparameters: dict[str, Any],
    task: str,
    random_state: int,
    min_category_frequency: int,
    id_unique_share: float,
) -> Pipeline:
    """An unfitted pipeline of ``family`` for ``task``, from source-table rows to a
    prediction: feature building, preprocessing, the estimator."""
    estimator_class = ESTIMATORS[family][task_kind(task)]
    seeded = "random_state" in inspect.signature(estimator_class).parameters
    estimator = estimator_class(
        **hyperparameters | ({"random_state": random_state} if seeded else {})
    )
    preprocess = (
        keep_categories()
        if family in NATIVE_CATEGORICAL_FAMILIES
        else one_hot_encode(min_category_frequency)
    )
    return Pipeline(
        [
            ("features", FeatureBuilder(id_unique_share)),
            ("preprocess", preprocess),
            ("estimator", estimator),
        ]
    )


SIZE_RULES = {
    "large_data": ("min_rows", "labelled rows"),
    "wide_data": ("min_columns", "input columns"),
}
"""Blocks of ``modelling`` that set a table-size threshold: the threshold's key and
what it counts. A family's ``<block>_hyperparameters`` apply from that size on."""


def table_size(feature_spec: FeatureSpec) -> dict[str, int]:
    """What each size rule counts in the table ``feature_spec`` describes."""
    return {
        "large_data": feature_spec["rows"],
        "wide_data": len(feature_columns(feature_spec)),
    }


def configured_hyperparameters(
    candidate: dict[str, Any], feature_spec: FeatureSpec, modelling: dict[str, Any]
) -> dict[str, Any]:
    """A candidate block's hyper-parameters for the task and, on a large or wide
    table, its ``large_data_hyperparameters`` / ``wide_data_hyperparameters`` on top,
    each logged with the threshold that called for it."""
    kind = task_kind(feature_spec["task"])
    chosen = candidate["hyperparameters"][kind]
    for rule, count in table_size(feature_spec).items():
        extra = (candidate.get(f"{rule}_hyperparameters") or {}).get(kind)
        key, counted = SIZE_RULES[rule]
        if extra and reaches(count, modelling[rule][key]):
            logger.info(
                "%s: %d %s, at least modelling.%s.%s=%d: %s hyper-parameters %s",
                candidate["family"],
                count,
                counted,
                rule,
                key,
                modelling[rule][key],
                rule.replace("_", "-"),
                extra,
            )
            chosen = chosen | extra
    return chosen


def choose_hyperparameters(
    family: str,
    configured: dict[str, Any],
    tuned_by_family: dict[str, dict[str, Any]],
    task: str,
    use_tuned: bool,
) -> dict[str, Any]:
    """The family's configured hyper-parameters for ``task`` or, with ``use_tuned``,
    those the ``tune`` pipeline found for this kind of task on top of them."""
    kind = task_kind(task)
    if not use_tuned:
        return configured
    tuned = tuned_by_family.get(family, {}).get("hyperparameters", {})
    if kind not in tuned:
        raise InputError(
            f"No tuned {kind} hyper-parameters for '{family}': run "
            "`kedro run --pipelines=tune` first, or set "
            "modelling.use_tuned_hyperparameters=false."
        )
    logger.info("%s: using the tuned hyper-parameters %s", family, tuned[kind])
    return configured | tuned[kind]
