"""Nodes that turn a source table into typed, cleaned and split model input.

Each node maps its catalog inputs and parameter blocks onto ``core`` functions."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from tabular_mlops.core import features
from tabular_mlops.core.contracts import check_source_contract
from tabular_mlops.core.features import FeatureSpec
from tabular_mlops.core.sources import bundled_source

logger = logging.getLogger(__name__)


def _target(data: dict[str, Any]) -> str:
    """The target column's name: text, like every column name of the raw table, also
    when given as a number (``--params data.target=10``)."""
    return str(data["target"])


def ingest_source_table(
    source_table: pd.DataFrame,
    data: dict[str, Any],
    split: dict[str, Any],
    modelling: dict[str, Any],
) -> pd.DataFrame:
    """Snapshot the source table as the raw layer, with plain string column names,
    once it meets its data contract (so a bad table overwrites nothing)."""
    raw_table = source_table.rename(columns=lambda column: str(column).strip())
    check_source_contract(
        raw_table,
        target=_target(data),
        requested_task=data["task"],
        test_size=split["test_size"],
        cv_folds=modelling["cv_folds"],
        source=data["filepath"] or f"data set {data['dataset']}",
    )
    logger.info("Ingested source table: %d rows x %d columns.", *raw_table.shape)
    return raw_table


def clean_table(raw_table: pd.DataFrame, data: dict[str, Any]) -> pd.DataFrame:
    """Type every column from its values and drop the rows that have no target."""
    return features.clean_table(raw_table, _target(data))


def build_feature_spec(
    intermediate_table: pd.DataFrame, data: dict[str, Any]
) -> FeatureSpec:
    """Decide the task and how each feature column is used."""
    return features.build_feature_spec(
        intermediate_table,
        target=_target(data),
        requested_task=data["task"],
        id_unique_share=data["id_unique_share"],
    )


def build_primary_table(
    intermediate_table: pd.DataFrame, feature_spec: FeatureSpec
) -> pd.DataFrame:
    """Features plus target, one row per labelled example."""
    return features.build_primary_table(intermediate_table, feature_spec)


def split_train_test(
    primary_table: pd.DataFrame, feature_spec: FeatureSpec, split: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Seeded hold-out split, stratified on the target for classification."""
    return features.split_train_test(
        primary_table,
        feature_spec,
        test_size=split["test_size"],
        random_state=split["random_state"],
    )


def _source(data: dict[str, Any]) -> tuple[str, str]:
    """The source table's name and where it comes from, as MLflow lists them."""
    if data["filepath"]:
        return data["filepath"], data["filepath"]
    return data["dataset"], bundled_source(data["dataset"])


def describe_source_data(raw_table: pd.DataFrame, data: dict[str, Any]) -> Any:
    """The raw table as an MLflow dataset (name, digest, schema, source): the MLflow
    run lists it as the data it started from."""
    name, source = _source(data)
    return features.as_mlflow_dataset(raw_table, name=name, source=source)


def snapshot_source_table(raw_table: pd.DataFrame) -> pd.DataFrame:
    """The raw table, for the run's data snapshot: the catalog's snapshot store keeps
    one copy per distinct content, from which `kedro reproduce` rebuilds the run."""
    return raw_table


def describe_split(
    X_train: pd.DataFrame,
    X_test: pd.DataFrame,
    y_train: pd.DataFrame,
    y_test: pd.DataFrame,
    data: dict[str, Any],
) -> tuple[Any, Any]:
    """The training and held-out rows, with their target, as MLflow datasets: the run
    lists exactly what the model was fitted and scored on."""
    name, source = _source(data)
    return tuple(
        features.as_mlflow_dataset(
            pd.concat([X, y], axis=1),
            name=f"{name} ({part})",
            source=source,
            targets=str(y.columns[0]),
        )
        for part, X, y in (("train", X_train, y_train), ("test", X_test, y_test))
    )
