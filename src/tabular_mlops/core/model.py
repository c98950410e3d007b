"""The model that gets registered: raw rows in, predictions out."""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd
from mlflow.pyfunc import PythonModel
from sklearn.pipeline import Pipeline

from tabular_mlops.core.features import FeatureSpec, build_features, feature_columns
from tabular_mlops.core.metrics import predict_with_probabilities


class InferencePipeline(PythonModel):
    """The registered model: rows in the raw table's format in, predictions out.

    Builds the features exactly as training did (``build_features``), then predicts
    with the fitted candidate: ``predicted`` and, for classification, ``proba_<class>``.
    """

    def __init__(self, model: Pipeline, feature_spec: FeatureSpec) -> None:
        self.model = model
        self.feature_spec = feature_spec

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict | None = None
    ) -> pd.DataFrame:
        """``predicted`` (and ``proba_<class>``) per row of ``model_input``."""
        features = build_features(model_input, self.feature_spec)
        return predict_with_probabilities(
            self.model, features, self.feature_spec["task"]
        )


class RegisteredModel(NamedTuple):
    """A model version loaded from the MLflow Model Registry, and its number."""

    version: str
    model: Any  # an mlflow.pyfunc.PyFuncModel


def input_example(
    rows: pd.DataFrame, feature_spec: FeatureSpec, size: int
) -> pd.DataFrame:
    """The first ``size`` rows of the model's input columns, typed as JSON sends
    them (numbers as float, as they may have gaps; the rest as text): MLflow infers
    the model's signature, the training schema, from it."""
    example = rows[feature_columns(feature_spec)].head(size)
    numeric = feature_spec["numeric"]
    text = example.drop(columns=numeric).astype("string").astype(object)
    return pd.concat(
        [example[numeric].astype("float64"), text.where(text.notna(), None)], axis=1
    )
