"""Data contracts (pandera schemas) for the tables a run trains on or scores.

A broken contract becomes one ``InputError`` that lists every problem, each naming
the column and the values at fault.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandas.api import types as ptypes
from pandera.errors import SchemaErrors

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.features import ColumnSpec, infer_task, typed_column

MAX_EXAMPLES = 8
"""Values (or column names) quoted per problem."""

NESTED = (list, tuple, dict, np.ndarray)


def _examples(values: pd.Series) -> str:
    unique = list(dict.fromkeys(map(str, values.dropna())))
    shown = ", ".join(map(repr, unique[:MAX_EXAMPLES]))
    more = len(unique) - MAX_EXAMPLES
    return f"{shown} (+{more} more)" if more > 0 else shown


def _failures(error: SchemaErrors) -> Iterator[tuple[str, str, pd.Series]]:
    """The failing values of a lazy validation, per column ('' = table) and check."""
    cases = error.failure_cases
    for (column, check), failures in cases.groupby(
        [cases["column"].fillna(""), "check"], sort=False
    ):
        yield str(column), check, failures["failure_case"]


def _problems(
    error: SchemaErrors, schema: pa.DataFrameSchema, table: pd.DataFrame
) -> dict[str, list[str]]:
    """Failure cases grouped by check, as readable lines keyed by column ('' = table)."""
    problems: dict[str, list[str]] = {}
    for column, check, values in _failures(error):
        if check == "column_in_dataframe":
            columns = list(map(str, table.columns))
            for missing in values:
                close = difflib.get_close_matches(str(missing), columns, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                role = schema.columns[missing].description
                problems.setdefault(str(missing), []).append(
                    f"column '{missing}'{f' ({role})' if role else ''} is missing{hint} "
                    f"(columns: {_examples(pd.Series(columns))})"
                )
        elif check == "dataframe_column_labels_unique":
            duplicated = table.columns[table.columns.duplicated()].unique()
            problems.setdefault("", []).append(
                f"duplicate column names: {', '.join(map(repr, duplicated))}; "
                "rename them so that each name is unique"
            )
        else:
            # Table-level checks report their result (False), not values.
            shown = values[values.map(lambda value: not isinstance(value, bool))]
            where = f"column '{column}' " if column else ""
            examples = f" (values: {_examples(shown)})" if len(shown) else ""
            problems.setdefault(column, []).append(f"{where}{check}{examples}")
    return problems


def validate(schema: pa.DataFrameSchema, table: pd.DataFrame, what: str) -> None:
    """Raise ``InputError`` listing every broken rule of ``schema`` in ``table``."""
    try:
        schema.validate(table, lazy=True)
    except SchemaErrors as error:
        problems = _problems(error, schema, table)
        lines = [line for found in problems.values() for line in found]
        raise InputError(
            f"{what} breaks its data contract:\n"
            + "\n".join(f"  - {line}" for line in lines)
        ) from error


def source_table_schema(target: str) -> pa.DataFrameSchema:
    """Any table to train on: unique column names, rows, and a filled target column."""
    return pa.DataFrameSchema(
        {
            target: pa.Column(
                nullable=True,
                description="data.target",
                checks=pa.Check(
                    lambda values: bool(values.notna().any()),
                    error="(data.target) has no value in any row",
                ),
            )
        },
        checks=pa.Check(lambda table: len(table) > 0, error="the table has no rows"),
        unique_column_names=True,
    )


def min_rows_per_class(test_size: float, cv_folds: int) -> int:
    """Rows each class needs so that every CV fold of the training split holds it.

    One row more than the exact share, as the stratified split rounds per class.
    """
    return math.ceil(cv_folds / (1 - test_size)) + 1


def labels_schema(
    target: str, task: str, test_size: float, cv_folds: int
) -> pa.DataFrameSchema:
    """The labelled rows (target present, typed) fit the task, the split and the CV."""
    min_rows = min_rows_per_class(test_size, cv_folds)
    enough = (
        f"needs at least {min_rows} rows for {cv_folds}-fold cross-validation on "
        f"the {1 - test_size:.0%} training split (modelling.cv_folds, split.test_size)"
    )
    if task == "regression":
        checks = [
            pa.Check(
                lambda values: pd.to_numeric(values, errors="coerce").notna(),
                error="must hold numbers for regression (data.task); "
                "these are not numbers",
            ),
            pa.Check(
                lambda values: ~np.isinf(pd.to_numeric(values, errors="coerce")),
                error="must hold finite numbers for regression; remove or replace "
                "the infinite values",
            ),
            pa.Check(
                lambda values: len(values) >= min_rows, error=f"{enough}, has fewer"
            ),
        ]
    else:
        checks = [
            pa.Check(
                lambda values: values.nunique() >= 2,
                error="holds a single class: a classifier needs at least 2",
            ),
            pa.Check(
                lambda values: values.map(values.value_counts()) >= min_rows,
                error=f"has too few rows of some classes: each class {enough}; "
                "add rows or merge rare classes",
            ),
            pa.Check(
                lambda values: math.ceil(test_size * len(values)) >= values.nunique(),
                error=f"has more classes than the test split (split.test_size="
                f"{test_size}) has rows; raise split.test_size",
            ),
        ]
    return pa.DataFrameSchema({target: pa.Column(checks=checks)})


def nested_columns(table: pd.DataFrame) -> list[str]:
    """Columns holding lists, arrays or dictionaries (Parquet lists and structs)."""
    return [
        str(column)
        for column in table.columns
        if ptypes.is_object_dtype(table[column])
        and table[column].map(lambda value: isinstance(value, NESTED)).any()
    ]


def check_source_contract(
    raw_table: pd.DataFrame,
    target: str,
    requested_task: str,
    test_size: float,
    cv_folds: int,
    source: str,
) -> None:
    """Raise ``InputError`` unless the table can train a model for its task: unique
    column names, rows, a target with values that suit the task, the split and CV."""
    what = f"The table from {source}"
    nested = nested_columns(raw_table)
    if nested:
        raise InputError(
            f"{what} has nested values (lists, arrays or structs) in the columns "
            f"{', '.join(map(repr, nested))}. Flatten them into plain columns, or "
            "drop them."
        )
    validate(source_table_schema(target), raw_table, what)
    labels = typed_column(raw_table[target]).dropna()
    if ptypes.is_datetime64_any_dtype(labels):
        raise InputError(
            f"{what}: the target column '{target}' (data.target) holds dates, which "
            "are neither class labels nor numbers to regress. Predicting values over "
            "time is forecasting, which this project does not do yet: choose another "
            "data.target."
        )
    task = infer_task(labels, requested_task)
    if task != "regression":
        labels = labels.astype(str)
    validate(
        labels_schema(target, task, test_size, cv_folds), labels.to_frame(target), what
    )


@dataclass
class FeatureReport:
    """How a table to score differs from the features a model was trained on."""

    rows: int = 0
    missing_columns: list[str] = field(default_factory=list)
    wrong_types: dict[str, list[str]] = field(default_factory=dict)
    unseen_categories: dict[str, list[str]] = field(default_factory=dict)
    unseen_category_rows: dict[str, int] = field(default_factory=dict)
    out_of_range_rows: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        """Problems that make predictions meaningless."""
        empty = ["the table has no rows"] if not self.rows else []
        return (
            empty
            + [f"column '{column}' is missing" for column in self.missing_columns]
            + [
                f"column '{column}' has values of the wrong type: {', '.join(values)}"
                for column, values in self.wrong_types.items()
            ]
        )

    @property
    def warnings(self) -> list[str]:
        """Values the model never saw: it scores them, but with less certainty."""
        return [
            f"column '{column}' has categories unseen in training in "
            f"{self.unseen_category_rows[column]} rows: {', '.join(values)}"
            for column, values in self.unseen_categories.items()
        ] + [
            f"column '{column}' has {count} values outside the training range"
            for column, count in self.out_of_range_rows.items()
        ]

    def summary(self) -> dict[str, Any]:
        """Counts for the run's record: rows scored, and rows per column with unseen
        categories or values outside the training range."""
        return {
            "rows": self.rows,
            "unseen_category_rows": self.unseen_category_rows,
            "out_of_range_rows": self.out_of_range_rows,
        }

    def raise_for_errors(self) -> None:
        """Raise ``InputError`` when the table cannot be scored."""
        if self.errors:
            raise InputError(
                "The table to score does not match the model's features:\n"
                + "\n".join(f"  - {line}" for line in self.errors)
                + "\nScore a table with the columns of the training table "
                "(extra columns are ignored)."
            )


def _parses(parser: Any) -> pa.Check:
    return pa.Check(
        lambda values: values.isna() | parser(values).notna(), error="wrong type"
    )


def feature_schema(feature_spec: ColumnSpec) -> pa.DataFrameSchema:
    """The input columns a model expects and their types, from its column spec."""
    numbers = _parses(lambda values: pd.to_numeric(values, errors="coerce"))
    dates = _parses(
        lambda values: pd.to_datetime(values, errors="coerce", format="mixed")
    )
    checks = dict.fromkeys(feature_spec["numeric"], numbers)
    checks |= dict.fromkeys(feature_spec["datetime"], dates)
    columns = {
        column: pa.Column(nullable=True, checks=check)
        for column, check in checks.items()
    }
    columns |= {
        column: pa.Column(nullable=True) for column in feature_spec["categorical"]
    }
    return pa.DataFrameSchema(columns)


def _unseen(values: pd.Series, known: list[str]) -> pd.Series:
    return values.notna() & ~values.astype(str).isin(known)


def _out_of_range(values: pd.Series, bounds: list[float]) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return (numbers < bounds[0]) | (numbers > bounds[1])


def check_features(table: pd.DataFrame, feature_spec: ColumnSpec) -> FeatureReport:
    """Compare a table to score with the training features, without raising.

    No rows, missing columns and values of the wrong type are errors; categories not
    seen in training and numbers outside the training range are warnings, counted.
    """
    report = FeatureReport(rows=len(table))
    try:
        feature_schema(feature_spec).validate(table, lazy=True)
    except SchemaErrors as error:
        for column, check, failures in _failures(error):
            values = list(dict.fromkeys(map(str, failures)))
            if check == "column_in_dataframe":
                report.missing_columns += values
            else:
                report.wrong_types[column] = values[:MAX_EXAMPLES]
    for column, known in feature_spec["categories"].items():
        if column in table and (unseen := _unseen(table[column], known)).any():
            report.unseen_category_rows[column] = int(unseen.sum())
            values = table[column][unseen].astype(str).unique()
            report.unseen_categories[column] = list(values[:MAX_EXAMPLES])
    for column, bounds in feature_spec.get("ranges", {}).items():
        if column in table and column not in report.wrong_types:
            if count := int(_out_of_range(table[column], bounds).sum()):
                report.out_of_range_rows[column] = count
    return report
