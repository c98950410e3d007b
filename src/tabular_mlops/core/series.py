"""Time series as forecasting reads them: one row per series and time step, in the
long format statsforecast and mlforecast share (``unique_id``, ``ds``, ``y``), split
in time, never shuffled."""

from __future__ import annotations

import logging
from typing import Any, TypeAlias

import pandas as pd

from tabular_mlops.core.errors import InputError

logger = logging.getLogger(__name__)

SeriesSpec: TypeAlias = dict[str, Any]
"""How a run reads its series: target, time and series columns, frequency, season
length, horizon, the shortest series it accepts (``min_history``, also what a
request to the registered forecaster must send), the series kept and what
regularising them changed."""

SERIES_ID, TIME, VALUE = "unique_id", "ds", "y"
SINGLE_SERIES = "series"
"""The ``unique_id`` of a table that holds one series (no ``data.series_column``)."""

# Coarsest first: the first grid every timestamp lies on is the series' frequency
# (weeks anchored on the first timestamp's weekday).
CANDIDATE_FREQUENCIES = (
    "YS",
    "YE",
    "QS",
    "QE",
    "MS",
    "ME",
    "W-{weekday}",
    "D",
    "h",
    "min",
)
SEASON_LENGTHS = {
    "Y": 1,
    "Q": 4,
    "M": 12,
    "W": 52,
    "D": 7,
    "B": 5,
    "h": 24,
    "min": 60,
}
"""Steps per seasonal cycle by frequency: a year of quarters or months, a week of
days, a day of hours; override with ``forecasting.season_length``."""

FILL_RULES = ("interpolate", "forward_fill", "zero")


def to_long_series(
    table: pd.DataFrame,
    target: str,
    time_column: str,
    series_column: str | None,
) -> pd.DataFrame:
    """``unique_id``, ``ds``, ``y`` and the table's other numeric columns (exogenous
    variables) from a user's table, typed and sorted, or an ``InputError`` naming the
    column and the fix. Text columns are left out."""
    for role, column in (
        ("data.time_column", time_column),
        ("data.target", target),
        ("data.series_column", series_column),
    ):
        if column is not None and column not in table.columns:
            raise InputError(
                f"{role} '{column}' is not a column of the table (columns: "
                f"{', '.join(map(str, table.columns))}). Set {role} to one of them."
            )
    times = pd.to_datetime(table[time_column], errors="coerce", format="mixed")
    unparsed = table[time_column][times.isna() & table[time_column].notna()]
    if len(unparsed) or times.isna().all():
        example = unparsed.iloc[0] if len(unparsed) else "(empty)"
        raise InputError(
            f"data.time_column '{time_column}' is not parseable as dates "
            f"({len(unparsed)} values such as {example!r}). Point it at a column of "
            "dates or timestamps, e.g. 2024-01-31."
        )
    values = pd.to_numeric(table[target], errors="coerce")
    if values.notna().sum() == 0 or (values.isna() & table[target].notna()).any():
        raise InputError(
            f"data.target '{target}' is not numeric (values such as "
            f"{table[target].dropna().iloc[0]!r}): forecasting predicts numbers. "
            "Choose a numeric column."
        )
    ids = (
        table[series_column].astype("string")
        if series_column
        else pd.Series(SINGLE_SERIES, index=table.index, dtype="string")
    )
    long = pd.DataFrame({SERIES_ID: ids, TIME: times, VALUE: values.astype("float64")})
    roles = {target, time_column, series_column}
    for column in table.columns.drop([c for c in roles if c is not None]):
        numbers = pd.to_numeric(table[column], errors="coerce")
        if numbers.notna().any() and not (numbers.isna() & table[column].notna()).any():
            long[str(column)] = numbers.astype("float64")
    long = long.dropna(subset=[TIME]).sort_values([SERIES_ID, TIME], kind="stable")
    duplicated = long[long.duplicated([SERIES_ID, TIME], keep=False)]
    if len(duplicated):
        first = duplicated.iloc[0]
        where = "" if series_column is None else f" of series '{first[SERIES_ID]}'"
        raise InputError(
            f"{len(duplicated)} rows share a time step{where} (e.g. "
            f"{first[TIME]:%Y-%m-%d %H:%M}): each series needs one value per time "
            "step. Aggregate them first"
            + (
                ", or set data.series_column to the column that tells the series apart."
                if series_column is None
                else "."
            )
        )
    return long.reset_index(drop=True)


def _on_grid(times: pd.Series, frequency: str) -> float:
    """Share of the grid from the first to the last timestamp that ``times`` fill,
    or 0 when some timestamp lies off that grid."""
    grid = pd.date_range(times.iloc[0], times.iloc[-1], freq=frequency)
    if len(grid) == 0 or not times.isin(grid).all():
        return 0.0
    return len(times) / len(grid)


def infer_frequency(series: pd.DataFrame, forced: str | None) -> str:
    """The step between observations: ``forced`` (``data.frequency``) when given,
    else the coarsest calendar grid every series lies on, gaps allowed (up to half
    the steps)."""
    if forced:
        try:
            pd.tseries.frequencies.to_offset(forced)
        except ValueError as error:
            raise InputError(
                f"data.frequency '{forced}' is not a pandas frequency ({error}); "
                "use e.g. D, W, MS, ME, h."
            ) from None
        return forced
    groups = [times for _, times in series.groupby(SERIES_ID)[TIME]]
    weekday = f"{series[TIME].iloc[0]:%a}".upper()
    for candidate in CANDIDATE_FREQUENCIES:
        frequency = candidate.format(weekday=weekday)
        filled = [_on_grid(times.reset_index(drop=True), frequency) for times in groups]
        if min(filled) >= 0.5:
            return frequency
    raise InputError(
        "The timestamps are irregular: no daily, weekly, monthly, quarterly or yearly "
        "grid fits them. Set data.frequency (e.g. D, W-MON, MS, h) to the step they "
        "should be on."
    )


def frequency_base(frequency: str) -> str:
    """The unit of a pandas frequency, without anchor or start/end: ``M`` for
    ``MS`` and ``ME``, ``W`` for ``W-MON``, ``h`` for ``h``."""
    code = pd.tseries.frequencies.to_offset(frequency).rule_code
    return code.split("-")[0].rstrip("SE") or code


def season_length(frequency: str, configured: int | None) -> int:
    """Steps per seasonal cycle: ``configured`` when set, else by ``frequency``."""
    return configured or SEASON_LENGTHS.get(frequency_base(frequency), 1)


def regularise(
    series: pd.DataFrame, frequency: str, fill: str
) -> tuple[pd.DataFrame, int]:
    """Every series on its full grid of ``frequency`` steps, the missing ones (target
    and exogenous values) filled by ``fill`` (``interpolate``, ``forward_fill`` or
    ``zero``); and how many steps were."""
    if fill not in FILL_RULES:
        raise InputError(
            f"forecasting.fill_gaps '{fill}' is unknown; use one of {', '.join(FILL_RULES)}."
        )
    parts = []
    for series_id, part in series.groupby(SERIES_ID, sort=False):
        grid = pd.date_range(part[TIME].iloc[0], part[TIME].iloc[-1], freq=frequency)
        if not part[TIME].isin(grid).all():
            raise InputError(
                f"Series '{series_id}' has timestamps off the data.frequency "
                f"'{frequency}' grid (e.g. {part[TIME][~part[TIME].isin(grid)].iloc[0]}). "
                "Set data.frequency to the step the data is on."
            )
        regular = part.set_index(TIME).reindex(grid).rename_axis(TIME)
        regular[SERIES_ID] = series_id
        numbers = regular.drop(columns=SERIES_ID)
        regular[numbers.columns] = {
            "interpolate": lambda: numbers.interpolate(limit_direction="both"),
            "forward_fill": lambda: numbers.ffill().bfill(),
            "zero": lambda: numbers.fillna(0.0),
        }[fill]()
        parts.append(regular.reset_index()[series.columns])
    regular = pd.concat(parts, ignore_index=True)
    return regular, len(regular) - series[VALUE].notna().sum()


def keep_long_enough(
    series: pd.DataFrame, min_length: int, short_series: str
) -> tuple[pd.DataFrame, list[str]]:
    """The series with at least ``min_length`` steps, and the names of those dropped.

    A shorter series is an ``InputError`` naming it, unless ``short_series`` is
    ``drop`` and some series are long enough: then it is left out with a warning."""
    lengths = series.groupby(SERIES_ID, sort=False).size()
    short = lengths[lengths < min_length]
    if short.empty:
        return series, []
    named = ", ".join(
        f"'{name}' ({length} steps)" for name, length in short.head(5).items()
    )
    if short_series != "drop" or len(short) == len(lengths):
        raise InputError(
            f"Series {named} {'is' if len(short) == 1 else 'are'} shorter than "
            f"data.horizon x (forecasting.folds + 1) = {min_length} steps. Lower "
            "data.horizon or forecasting.folds"
            + (
                ", or set forecasting.short_series=drop to leave short series out."
                if short_series != "drop"
                else "."
            )
        )
    logger.warning(
        "Leaving out %d series shorter than %d steps (forecasting.short_series=drop): %s.",
        len(short),
        min_length,
        named,
    )
    dropped = [str(name) for name in short.index]
    return series[~series[SERIES_ID].isin(dropped)].reset_index(drop=True), dropped


def split_last_steps(
    series: pd.DataFrame, steps: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each series' history and its last ``steps`` steps: everything in the second
    part comes after everything of the same series in the first."""
    from_end = series.groupby(SERIES_ID, sort=False).cumcount(ascending=False)
    return (
        series[from_end >= steps].reset_index(drop=True),
        series[from_end < steps].reset_index(drop=True),
    )


def backtest_windows(
    history: pd.DataFrame, horizon: int, folds: int
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """The expanding-window backtest on ``history``: fold ``k`` of ``folds`` trains on
    every step before its window of ``horizon`` steps, the last window ending where
    the history ends (the next ``horizon`` steps are the test window)."""
    windows = []
    for fold in range(folds):
        steps_after = (folds - fold) * horizon
        past, rest = split_last_steps(history, steps_after)
        windows.append((past, split_last_steps(rest, steps_after - horizon)[0]))
    return windows


def regular_series(
    long: pd.DataFrame,
    data: dict[str, Any],
    forecasting: dict[str, Any],
) -> tuple[pd.DataFrame, SeriesSpec]:
    """The long series on their frequency's grid, gaps filled, short series refused
    or dropped; and the spec that says how (``data`` and ``forecasting`` are the
    parameter blocks)."""
    frequency = infer_frequency(long, data["frequency"])
    regular, filled = regularise(long, frequency, forecasting["fill_gaps"])
    horizon = data["horizon"]
    min_history = horizon * (forecasting["folds"] + 1)
    regular, dropped = keep_long_enough(
        regular, min_history, forecasting["short_series"]
    )
    zero = regular[VALUE] == 0
    if forecasting["champion_metric"] == "mape" and zero.any():
        zeros = regular.loc[zero, SERIES_ID].unique()
        raise InputError(
            "forecasting.champion_metric 'mape' cannot rank the forecasters: series "
            f"{', '.join(repr(str(name)) for name in zeros[:5])} "
            f"{'has' if len(zeros) == 1 else 'have'} zeros (gaps filled included), "
            "where MAPE is undefined. Choose mase, smape, mae or rmse."
        )
    spec: SeriesSpec = {
        "task": "forecasting",
        "target": str(data["target"]),
        "time_column": data["time_column"],
        "series_column": data["series_column"],
        "frequency": frequency,
        "season_length": season_length(frequency, forecasting["season_length"]),
        "horizon": horizon,
        "min_history": min_history,
        "exogenous": [c for c in regular.columns if c not in (SERIES_ID, TIME, VALUE)],
        "series": sorted(regular[SERIES_ID].unique().tolist()),
        "rows": len(regular),
        "gaps_filled": int(filled),
        "dropped_series": dropped,
    }
    return regular, spec
