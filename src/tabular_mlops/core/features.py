"""From a source table to model features: column typing, the task, the feature spec
and the train/test split. Training and scoring build features here, so both agree."""

from __future__ import annotations

import logging
import warnings
from typing import Any, Literal, NotRequired, TypedDict

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from tabular_mlops.core.errors import InputError

logger = logging.getLogger(__name__)

PARSE_SHARE = 0.95
"""Share of a text column's values that must parse as numbers (or dates) to retype it."""

DATE_PARTS = ("year", "month", "day", "day_of_week")

Task = Literal["binary", "multiclass", "regression"]
TaskKind = Literal["classification", "regression"]
ColumnKind = Literal["numeric", "categorical", "datetime"]


def task_kind(task: str) -> TaskKind:
    """``classification`` for binary and multiclass tasks, else ``regression``."""
    return "regression" if task == "regression" else "classification"


def _parses_as(values: pd.Series, parser: Any) -> pd.Series | None:
    """``values`` converted by ``parser`` if nearly all non-missing values parse."""
    present = values.dropna()
    if present.empty:
        return None
    parsed = parser(values)
    if parsed[present.index].notna().mean() >= PARSE_SHARE:
        return parsed
    return None


def to_number(values: pd.Series) -> pd.Series:
    """Numbers as plain numpy dtypes: int64 when whole and complete, else float64."""
    numbers = pd.to_numeric(values, errors="coerce")
    whole = ptypes.is_integer_dtype(numbers) and not numbers.hasnans
    return numbers.astype("int64" if whole else "float64")


def to_datetime(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce", format="mixed")


def typed_column(values: pd.Series) -> pd.Series:
    """A text column as numbers or dates when its values say so, else unchanged."""
    if not (ptypes.is_object_dtype(values) or ptypes.is_string_dtype(values)):
        return values
    stripped = values.astype("string").str.strip().replace("", pd.NA)
    for parser in (to_number, to_datetime):
        parsed = _parses_as(stripped, parser)
        if parsed is not None:
            return parsed
    return stripped.astype(object).where(stripped.notna(), None)


def clean_table(raw_table: pd.DataFrame, target: str) -> pd.DataFrame:
    """Type every column from its values and drop the rows that have no target."""
    typed_table = raw_table.apply(typed_column)
    has_target = typed_table[target].notna()
    dropped = int((~has_target).sum())
    if dropped:
        logger.warning(
            "Dropped %d of %d rows without a value in target column '%s'.",
            dropped,
            len(typed_table),
            target,
        )
    return typed_table[has_target].reset_index(drop=True)


def infer_task(target: pd.Series, requested: str) -> Task:
    """``binary``, ``multiclass`` or ``regression``, from the target unless requested.

    A numeric target with few distinct whole values is taken for class labels.
    """
    looks_like_labels = not ptypes.is_numeric_dtype(target) or (
        target.nunique() <= 10 and bool((target.dropna() % 1 == 0).all())
    )
    if requested == "regression" or (requested == "auto" and not looks_like_labels):
        return "regression"
    return "binary" if target.nunique() == 2 else "multiclass"


def column_kind(values: pd.Series) -> ColumnKind:
    """``datetime``, ``numeric`` or ``categorical`` (text, booleans, anything else)."""
    if ptypes.is_datetime64_any_dtype(values):
        return "datetime"
    if ptypes.is_numeric_dtype(values) and not ptypes.is_bool_dtype(values):
        return "numeric"
    return "categorical"


def drop_reason(values: pd.Series, id_unique_share: float) -> str | None:
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
        column_kind(values) == "categorical"
        and len(present) >= 20
        and unique_share > id_unique_share
    ):
        return "identifier (almost every value unique)"
    return None


class ColumnSpec(TypedDict):
    """How each input column is used, learnt from the rows a model is fitted on."""

    numeric: list[str]
    categorical: list[str]
    datetime: list[str]
    categories: dict[str, list[str]]  # known values of each categorical column
    ranges: dict[str, list[float]]  # [min, max] of each numeric column
    dropped: dict[str, str]  # column -> why it is not a feature


class FeatureSpec(ColumnSpec):
    """The column spec of the whole table with the target and the task: decided once
    per run, saved with the model."""

    target: str
    task: Task
    rows: int
    classes: NotRequired[list[str]]  # classification only


def column_spec(features: pd.DataFrame, id_unique_share: float) -> ColumnSpec:
    """Decide how each column of ``features`` (typed, without the target) is used."""
    dropped = {
        column: reason
        for column in features.columns
        if (reason := drop_reason(features[column], id_unique_share))
    }
    kinds = {
        column: column_kind(features[column])
        for column in features.columns
        if column not in dropped
    }

    def of_kind(kind: ColumnKind) -> list[str]:
        return [column for column, found in kinds.items() if found == kind]

    return ColumnSpec(
        numeric=of_kind("numeric"),
        categorical=of_kind("categorical"),
        datetime=of_kind("datetime"),
        categories={
            column: sorted(features[column].dropna().astype(str).unique())
            for column in of_kind("categorical")
        },
        ranges={
            column: [float(features[column].min()), float(features[column].max())]
            for column in of_kind("numeric")
        },
        dropped=dropped,
    )


def build_feature_spec(
    table: pd.DataFrame, target: str, requested_task: str, id_unique_share: float
) -> FeatureSpec:
    """Decide the task and how each feature column is used; log what is dropped."""
    columns = column_spec(table.drop(columns=target), id_unique_share)
    for column, reason in columns["dropped"].items():
        logger.warning("Dropped feature '%s': %s.", column, reason)
    if not feature_columns(columns):
        reasons = [
            f"'{column}' is {reason}" for column, reason in columns["dropped"].items()
        ]
        raise InputError(
            f"No usable feature to predict '{target}': "
            + ("; ".join(reasons) or "the table has no other column")
            + ". Add informative columns to the table."
        )
    task = infer_task(table[target], requested_task)
    spec = FeatureSpec(**columns, target=target, task=task, rows=len(table))
    if task != "regression":
        spec["classes"] = sorted(table[target].astype(str).unique())
    logger.info(
        "Task: %s on target '%s' with %d numeric, %d categorical and %d date features.",
        task,
        target,
        len(spec["numeric"]),
        len(spec["categorical"]),
        len(spec["datetime"]),
    )
    return spec


def feature_columns(feature_spec: ColumnSpec) -> list[str]:
    """The raw columns the model reads, in the spec's order."""
    return [
        *feature_spec["numeric"],
        *feature_spec["categorical"],
        *feature_spec["datetime"],
    ]


def build_features(table: pd.DataFrame, feature_spec: ColumnSpec) -> pd.DataFrame:
    """Model features in the spec's types; each date becomes numeric date parts.

    Used on training data and on any table scored later, so both agree. Columns
    already typed (the usual case: every prediction of permutation importance) are
    only cast, so building features stays cheap next to the model.
    """
    numeric = table[feature_spec["numeric"]]
    as_text = [
        column for column in numeric if not ptypes.is_numeric_dtype(numeric[column])
    ]
    if as_text:
        numeric = numeric.assign(
            **{
                column: pd.to_numeric(numeric[column], errors="coerce")
                for column in as_text
            }
        )
    parts = [numeric.astype("float64")]
    if feature_spec["categorical"]:
        categorical = table[feature_spec["categorical"]].astype("string").astype(object)
        parts.append(categorical.where(categorical.notna(), None))
    if feature_spec["datetime"]:
        parts.append(
            pd.DataFrame(
                {
                    f"{column}_{part}": getattr(
                        to_datetime(table[column]).dt, part
                    ).astype(float)
                    for column in feature_spec["datetime"]
                    for part in DATE_PARTS
                },
                index=table.index,
            )
        )
    return pd.concat(parts, axis=1) if len(parts) > 1 else parts[0]


def labels(table: pd.DataFrame, feature_spec: FeatureSpec) -> pd.Series:
    """The target column, as text class labels for classification."""
    values = table[feature_spec["target"]]
    return values if feature_spec["task"] == "regression" else values.astype(str)


def build_primary_table(table: pd.DataFrame, feature_spec: FeatureSpec) -> pd.DataFrame:
    """One row per labelled example: the typed source columns (a model builds its
    features from them) and the target, as text class labels for classification."""
    return table.assign(**{feature_spec["target"]: labels(table, feature_spec)})


def split_train_test(
    primary_table: pd.DataFrame,
    feature_spec: FeatureSpec,
    test_size: float,
    random_state: int,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Seeded hold-out split, stratified on the target for classification."""
    target = feature_spec["target"]
    features = primary_table.drop(columns=target)
    targets = primary_table[[target]]
    stratify = None if feature_spec["task"] == "regression" else targets[target]
    X_train, X_test, y_train, y_test = train_test_split(
        features,
        targets,
        test_size=test_size,
        random_state=random_state,
        stratify=stratify,
    )
    logger.info("Split %d training and %d test rows.", len(X_train), len(X_test))
    return X_train, X_test, y_train, y_test


def as_mlflow_dataset(
    table: pd.DataFrame, name: str, source: str, targets: str | None = None
) -> Any:
    """``table`` as an ``mlflow.data`` dataset: MLflow computes its digest, schema
    and profile, and the run's page lists it with its source (and its target
    column, when ``targets`` names one)."""
    from mlflow.data.pandas_dataset import from_pandas  # noqa: PLC0415 - MLflow only where a run records its data

    with warnings.catch_warnings():  # a plain path or name fits several source kinds
        warnings.filterwarnings("ignore", "The specified dataset source")
        return from_pandas(table, source=source, name=name, targets=targets)


class FeatureBuilder(TransformerMixin, BaseEstimator):
    """The first step of every candidate: source-table rows in, model features out.

    ``fit`` learns the column spec from the training rows (which columns are numbers,
    categories or dates, which are dropped and why); ``transform`` types any rows the
    same way, turning each date into numeric parts. So cross-validation, tuning,
    the champion comparison and serving all build features in this one place.
    """

    def __init__(self, id_unique_share: float = 0.9) -> None:
        self.id_unique_share = id_unique_share

    def fit(self, X: pd.DataFrame, y: Any = None) -> FeatureBuilder:
        self.spec_ = column_spec(X.apply(typed_column), self.id_unique_share)
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        check_is_fitted(self, "spec_")
        return build_features(X, self.spec_)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "spec_")
        names = [*self.spec_["numeric"], *self.spec_["categorical"]]
        names += [
            f"{column}_{part}"
            for column in self.spec_["datetime"]
            for part in DATE_PARTS
        ]
        return np.asarray(names, dtype=object)
