"""Nodes that turn a source table into regular time series, split in time; the work
itself is in ``core.series``."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from tabular_mlops.core import series
from tabular_mlops.core.series import SeriesSpec

logger = logging.getLogger(__name__)


def _long_series(table: pd.DataFrame, data: dict[str, Any]) -> pd.DataFrame:
    return series.to_long_series(
        table,
        target=str(data["target"]),
        time_column=data["time_column"],
        series_column=data["series_column"],
    )


def ingest_series_table(
    source_table: pd.DataFrame, data: dict[str, Any], forecasting: dict[str, Any]
) -> pd.DataFrame:
    """Snapshot the source table as the raw layer, with plain string column names,
    once it can be read as regular series long enough to backtest (so a bad table
    overwrites nothing)."""
    raw_table = source_table.rename(columns=lambda column: str(column).strip())
    _, spec = series.regular_series(_long_series(raw_table, data), data, forecasting)
    logger.info(
        "Ingested %d series (%s steps, %d rows), forecasting %d steps.",
        len(spec["series"]),
        spec["frequency"],
        spec["rows"],
        spec["horizon"],
    )
    return raw_table


def type_series(raw_table: pd.DataFrame, data: dict[str, Any]) -> pd.DataFrame:
    """``unique_id``, ``ds``, ``y``: typed, one row per series and time step, sorted."""
    return _long_series(raw_table, data)


def regularise_series(
    intermediate_series: pd.DataFrame,
    data: dict[str, Any],
    forecasting: dict[str, Any],
) -> tuple[pd.DataFrame, SeriesSpec]:
    """Every series on its frequency's grid (gaps filled and counted in the log),
    and the spec that says how."""
    primary_series, series_spec = series.regular_series(
        intermediate_series, data, forecasting
    )
    if series_spec["exogenous"]:
        logger.info(
            "Exogenous columns, read by the lag models %d steps later: %s.",
            series_spec["horizon"],
            ", ".join(series_spec["exogenous"]),
        )
    if series_spec["gaps_filled"]:
        logger.warning(
            "Filled %d missing time steps (%s, forecasting.fill_gaps).",
            series_spec["gaps_filled"],
            forecasting["fill_gaps"],
        )
    return primary_series, series_spec


def split_history_test(
    primary_series: pd.DataFrame, series_spec: SeriesSpec
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each series' history, and its last ``horizon`` steps as the test window:
    never shuffled, no test step before a history step of its series."""
    history, test_window = series.split_last_steps(
        primary_series, series_spec["horizon"]
    )
    logger.info(
        "History: %d rows; test window: the last %d steps of each of %d series.",
        len(history),
        series_spec["horizon"],
        len(series_spec["series"]),
    )
    return history, test_window
