"""Nodes that turn a source table into typed, cleaned and split model input."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import pandas as pd
from pandas.api import types as ptypes
from sklearn.model_selection import train_test_split

from tabular_mlops.contracts import labels_schema, source_table_schema, validate
from tabular_mlops.errors import InputError

logger = logging.getLogger(__name__)

PARSE_SHARE = 0.95
"""Share of a text column's values that must parse as numbers (or dates) to retype it."""

DATE_PARTS = ("year", "month", "day", "day_of_week")


def ingest_source_table(
    source_table: pd.DataFrame,
    data: dict[str, Any],
    split: dict[str, Any],
    modelling: dict[str, Any],
) -> pd.DataFrame:
    """Snapshot the source table as the raw layer, with plain string column names,
    once it meets its data contract (so a bad table overwrites nothing)."""
    raw_table = source_table.rename(columns=lambda column: str(column).strip())
    check_source_contract(raw_table, data, split, modelling)
    logger.info("Ingested source table: %d rows x %d columns.", *raw_table.shape)
    return raw_table


def check_source_contract(
    raw_table: pd.DataFrame,
    data: dict[str, Any],
    split: dict[str, Any],
    modelling: dict[str, Any],
) -> None:
    """Raise ``InputError`` unless the table can train a model for its task: unique
    column names, rows, a target with values that suit the task, the split and CV."""
    source = data["filepath"] or f"data set {data['dataset']}"
    what = f"The table from {source}"
    target = data["target"]
    validate(source_table_schema(target), raw_table, what)
    labels = _typed_column(raw_table[target]).dropna()
    task = infer_task(labels, data["task"])
    if task != "regression":
        labels = labels.astype(str)
    schema = labels_schema(target, task, split["test_size"], modelling["cv_folds"])
    validate(schema, labels.to_frame(target), what)


def fingerprint_table(raw_table: pd.DataFrame) -> dict[str, str]:
    """MLflow tags identifying the data a run trained on: content hash and shape."""
    row_hashes = pd.util.hash_pandas_object(raw_table, index=False).to_numpy()
    content = hashlib.sha256(row_hashes.tobytes())
    content.update("\x1f".join(raw_table.columns).encode())
    return {
        "data.sha256": content.hexdigest(),
        "data.rows": str(len(raw_table)),
        "data.columns": str(raw_table.shape[1]),
    }


def _parses_as(values: pd.Series, parser: Any) -> pd.Series | None:
    """``values`` converted by ``parser`` if nearly all non-missing values parse."""
    present = values.dropna()
    if present.empty:
        return None
    parsed = parser(values)
    if parsed[present.index].notna().mean() >= PARSE_SHARE:
        return parsed
    return None


def _to_number(values: pd.Series) -> pd.Series:
    """Numbers as plain numpy dtypes: int64 when whole and complete, else float64."""
    numbers = pd.to_numeric(values, errors="coerce")
    whole = ptypes.is_integer_dtype(numbers) and not numbers.hasnans
    return numbers.astype("int64" if whole else "float64")


def _to_datetime(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce", format="mixed")


def _typed_column(values: pd.Series) -> pd.Series:
    """A text column as numbers or dates when its values say so, else unchanged."""
    if not (ptypes.is_object_dtype(values) or ptypes.is_string_dtype(values)):
        return values
    stripped = values.astype("string").str.strip().replace("", pd.NA)
    for parser in (_to_number, _to_datetime):
        parsed = _parses_as(stripped, parser)
        if parsed is not None:
            return parsed
    return stripped.astype(object).where(stripped.notna(), None)


def clean_table(raw_table: pd.DataFrame, data: dict[str, Any]) -> pd.DataFrame:
    """Type every column from its values and drop the rows that have no target."""
    typed_table = raw_table.apply(_typed_column)
    has_target = typed_table[data["target"]].notna()
    dropped = int((~has_target).sum())
    if dropped:
        logger.warning(
            "Dropped %d of %d rows without a value in target column '%s'.",
            dropped,
            len(typed_table),
            data["target"],
        )
    return typed_table[has_target].reset_index(drop=True)


def infer_task(target: pd.Series, requested: str) -> str:
    """``binary``, ``multiclass`` or ``regression``, from the target unless requested.

    A numeric target with few distinct whole values is taken for class labels.
    """
    looks_like_labels = not ptypes.is_numeric_dtype(target) or (
        target.nunique() <= 10 and bool((target.dropna() % 1 == 0).all())
    )
    if requested == "regression" or (requested == "auto" and not looks_like_labels):
        return "regression"
    return "binary" if target.nunique() == 2 else "multiclass"


def _drop_reason(values: pd.Series, id_unique_share: float) -> str | None:
    """Why a feature column cannot help a model, or ``None`` when it may."""
    present = values.dropna()
    if present.empty:
        return "entirely empty"
    if present.nunique() == 1:
        return "constant"
    if (
        ptypes.is_integer_dtype(values)
        and present.is_unique
        and present.is_monotonic_increasing
    ):
        return "identifier (unique, increasing integers)"
    unique_share = present.nunique() / len(present)
    if (
        _column_kind(values) == "categorical"
        and len(present) >= 20
        and unique_share > id_unique_share
    ):
        return "identifier (almost every value unique)"
    return None


def _column_kind(values: pd.Series) -> str:
    """``datetime``, ``numeric`` or ``categorical`` (text, booleans, anything else)."""
    if ptypes.is_datetime64_any_dtype(values):
        return "datetime"
    if ptypes.is_numeric_dtype(values) and not ptypes.is_bool_dtype(values):
        return "numeric"
    return "categorical"


def build_feature_spec(
    intermediate_table: pd.DataFrame, data: dict[str, Any]
) -> dict[str, Any]:
    """Decide the task and how each feature column is used; log what is dropped."""
    target = data["target"]
    features = intermediate_table.drop(columns=target)
    dropped = {
        column: reason
        for column in features.columns
        if (reason := _drop_reason(features[column], data["id_unique_share"]))
    }
    for column, reason in dropped.items():
        logger.warning("Dropped feature '%s': %s.", column, reason)
    kinds = {
        column: _column_kind(features[column])
        for column in features.columns
        if column not in dropped
    }
    if not kinds:
        reasons = [f"'{column}' is {reason}" for column, reason in dropped.items()]
        raise InputError(
            f"No usable feature to predict '{target}': "
            + ("; ".join(reasons) or "the table has no other column")
            + ". Add informative columns to the table."
        )
    task = infer_task(intermediate_table[target], data["task"])
    spec = {
        "target": target,
        "task": task,
        **{
            kind: [
                column for column, column_kind in kinds.items() if column_kind == kind
            ]
            for kind in ("numeric", "categorical", "datetime")
        },
        "categories": {
            column: sorted(features[column].dropna().astype(str).unique())
            for column, kind in kinds.items()
            if kind == "categorical"
        },
        "dropped": dropped,
        "rows": len(intermediate_table),
    }
    if task != "regression":
        spec["classes"] = sorted(intermediate_table[target].astype(str).unique())
    logger.info(
        "Task: %s on target '%s' with %d numeric, %d categorical and %d date features.",
        task,
        target,
        len(spec["numeric"]),
        len(spec["categorical"]),
        len(spec["datetime"]),
    )
    return spec


def build_features(table: pd.DataFrame, feature_spec: dict[str, Any]) -> pd.DataFrame:
    """Model features in the spec's types; each date becomes numeric date parts.

    Used on training data and on any table scored later, so both agree.
    """
    numeric = table[feature_spec["numeric"]].apply(_to_number).astype("float64")
    categorical = (
        table[feature_spec["categorical"]]
        .astype("string")
        .astype(object)
        .where(lambda frame: frame.notna(), None)
    )
    date_parts = {
        f"{column}_{part}": getattr(_to_datetime(table[column]).dt, part).astype(float)
        for column in feature_spec["datetime"]
        for part in DATE_PARTS
    }
    return pd.concat(
        [numeric, categorical, pd.DataFrame(date_parts, index=table.index)], axis=1
    )


def build_primary_table(
    intermediate_table: pd.DataFrame, feature_spec: dict[str, Any]
) -> pd.DataFrame:
    """Features plus target, one row per labelled example."""
    target = feature_spec["target"]
    primary_table = build_features(intermediate_table, feature_spec)
    labels = intermediate_table[target]
    primary_table[target] = (
        labels if feature_spec["task"] == "regression" else labels.astype(str)
    )
    return primary_table


def split_train_test(
    primary_table: pd.DataFrame, feature_spec: dict[str, Any], split: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Seeded hold-out split, stratified on the target for classification."""
    target = feature_spec["target"]
    features = primary_table.drop(columns=target)
    labels = primary_table[[target]]
    stratify = None if feature_spec["task"] == "regression" else labels[target]
    X_train, X_test, y_train, y_test = train_test_split(
        features,
        labels,
        test_size=split["test_size"],
        random_state=split["random_state"],
        stratify=stratify,
    )
    logger.info("Split %d training and %d test rows.", len(X_train), len(X_test))
    return X_train, X_test, y_train, y_test
