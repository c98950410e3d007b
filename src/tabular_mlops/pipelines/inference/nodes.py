"""Nodes that check a table against a registered model's training contract, then
score it with that model."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from tabular_mlops.core.contracts import check_features
from tabular_mlops.core.model import RegisteredModel

logger = logging.getLogger(__name__)


def check_scoring_table(
    scoring_table: pd.DataFrame, scoring_model: RegisteredModel
) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """Refuse a table the model cannot score (no rows, a missing column, a value of
    the wrong type), naming the column; count, log and return the values it never
    saw (unseen categories, numbers outside the training range). Extra columns are
    ignored. Returns the counts and the same as MLflow metrics."""
    feature_spec = scoring_model.model.unwrap_python_model().feature_spec
    report = check_features(scoring_table, feature_spec)
    report.raise_for_errors()
    for warning in report.warnings:
        logger.warning("Scoring table: %s.", warning)
    summary = report.summary()
    metrics = {
        "scoring.rows": summary["rows"],
        "scoring.unseen_category_rows": sum(summary["unseen_category_rows"].values()),
        "scoring.out_of_range_rows": sum(summary["out_of_range_rows"].values()),
    }
    return summary, {
        name: {"value": value, "step": 0} for name, value in metrics.items()
    }


def predict(
    scoring_table: pd.DataFrame,
    scoring_model: RegisteredModel,
    scoring_checks: dict[str, Any],
    monitoring_passed: bool,
) -> pd.DataFrame:
    """Predictions (and class probabilities) per row, with the model version used,
    for a table that passed its checks and monitoring."""
    predictions = scoring_model.model.predict(scoring_table)
    predictions["model_version"] = scoring_model.version
    logger.info(
        "Scored %d rows with version %s of the registered model.",
        scoring_checks["rows"],
        scoring_model.version,
    )
    return predictions
