"""Nodes that score a table with a model from the registry."""

from __future__ import annotations

import logging

import pandas as pd

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.model import RegisteredModel

logger = logging.getLogger(__name__)


def predict(
    scoring_table: pd.DataFrame, scoring_model: RegisteredModel | None
) -> pd.DataFrame:
    """Predictions (and class probabilities) per row, with the model version used.

    MLflow checks the table against the model's signature (the training schema) first.
    """
    if scoring_model is None:
        raise InputError(
            "No registered model matches inference.alias / inference.version: run "
            "`kedro run --pipelines=train` first, or name an alias or version that "
            "exists."
        )
    predictions = scoring_model.model.predict(scoring_table)
    predictions["model_version"] = scoring_model.version
    logger.info(
        "Scored %d rows with version %s of the registered model.",
        len(predictions),
        scoring_model.version,
    )
    return predictions
