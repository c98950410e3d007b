import logging

import numpy as np
import pandas as pd
import pytest

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.series import (
    backtest_windows,
    infer_frequency,
    keep_long_enough,
    regularise,
    season_length,
    split_last_steps,
    to_long_series,
)


def long_table(lengths: dict[str, int], frequency: str = "D") -> pd.DataFrame:
    """Series of the given lengths, each ending on a different day."""
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "unique_id": name,
                    "ds": pd.date_range("2024-01-01", periods=length, freq=frequency)
                    + pd.Timedelta(days=offset),
                    "y": np.arange(length, dtype=float),
                }
            )
            for offset, (name, length) in enumerate(lengths.items())
        ],
        ignore_index=True,
    ).astype({"unique_id": "string"})


def test_a_table_becomes_typed_sorted_long_series():
    table = pd.DataFrame(
        {
            "when": ["2024-01-03", "2024-01-01", "2024-01-02"] * 2,
            "shop": ["b"] * 3 + ["a"] * 3,
            "sales": ["3", "1", "2", "30", "10", "20"],
        }
    )
    long = to_long_series(table, "sales", "when", "shop")
    assert list(long.columns) == ["unique_id", "ds", "y"]
    assert long["unique_id"].tolist() == ["a"] * 3 + ["b"] * 3
    assert long["y"].tolist() == [10.0, 20.0, 30.0, 1.0, 2.0, 3.0]
    assert long.groupby("unique_id")["ds"].is_monotonic_increasing.all()


@pytest.mark.parametrize(
    ("table", "series_column", "message"),
    [
        (
            pd.DataFrame({"day": ["2024-01-01"], "y": [1.0]}),
            None,
            r"data.time_column 'date' is not a column of the table \(columns: day, y\)",
        ),
        (
            pd.DataFrame({"date": ["2024-01-01", "yesterday"], "y": [1.0, 2.0]}),
            None,
            r"data.time_column 'date' is not parseable as dates \(1 values such as "
            r"'yesterday'\)",
        ),
        (
            pd.DataFrame({"date": ["2024-01-01", "2024-01-02"], "y": ["low", "high"]}),
            None,
            r"data.target 'y' is not numeric \(values such as 'low'\)",
        ),
        (
            pd.DataFrame({"date": ["2024-01-01"] * 2, "y": [1.0, 2.0]}),
            None,
            r"2 rows share a time step \(e.g. 2024-01-01 00:00\).*set "
            r"data.series_column",
        ),
        (
            pd.DataFrame(
                {"date": ["2024-01-01"] * 2, "shop": ["a", "a"], "y": [1.0, 2.0]}
            ),
            "shop",
            r"2 rows share a time step of series 'a'",
        ),
    ],
)
def test_bad_tables_are_refused_naming_the_column_and_the_fix(
    table, series_column, message
):
    with pytest.raises(InputError, match=message):
        to_long_series(table, "y", "date", series_column)


@pytest.mark.parametrize(
    ("frequency", "inferred"),
    [("ME", "ME"), ("MS", "MS"), ("D", "D"), ("W-MON", "W-MON"), ("h", "h")],
)
def test_the_frequency_is_the_coarsest_grid_even_with_gaps(frequency, inferred):
    series = long_table({"a": 30}, frequency).drop(index=[3, 10])
    assert infer_frequency(series, None) == inferred


def test_irregular_timestamps_ask_for_data_frequency():
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.cumsum(np.random.default_rng(0).integers(1, 400, 50)), unit="min"
    )
    series = pd.DataFrame({"unique_id": "a", "ds": times, "y": 1.0})
    with pytest.raises(InputError, match="irregular.*Set data.frequency"):
        infer_frequency(series, None)
    assert infer_frequency(series, "min") == "min"
    with pytest.raises(InputError, match="data.frequency 'often' is not a pandas"):
        infer_frequency(series, "often")


@pytest.mark.parametrize(
    ("frequency", "configured", "length"),
    [
        ("ME", None, 12),
        ("QS", None, 4),
        ("D", None, 7),
        ("W-MON", None, 52),
        ("h", None, 24),
        ("D", 365, 365),
    ],
)
def test_season_length_follows_the_frequency_unless_configured(
    frequency, configured, length
):
    assert season_length(frequency, configured) == length


@pytest.mark.parametrize(
    ("fill", "filled"),
    [("interpolate", [2.0, 3.0]), ("forward_fill", [1.0, 1.0]), ("zero", [0.0, 0.0])],
)
def test_gaps_are_filled_by_the_configured_rule_and_counted(fill, filled):
    series = long_table({"a": 6}).drop(index=[2, 3])
    series.loc[1, "y"], series.loc[4, "y"] = 1.0, 4.0
    regular, count = regularise(series, "D", fill)
    assert count == 2
    assert regular["y"].tolist()[2:4] == filled
    assert regular["ds"].diff().dropna().eq(pd.Timedelta(days=1)).all()


def test_a_short_series_is_named_or_dropped_with_a_warning(caplog):
    series = long_table({"long": 40, "short": 10})
    with pytest.raises(InputError, match=r"Series 'short' \(10 steps\) is shorter"):
        keep_long_enough(series, 24, "error")
    with caplog.at_level(logging.WARNING):
        kept, dropped = keep_long_enough(series, 24, "drop")
    assert dropped == ["short"] and set(kept["unique_id"]) == {"long"}
    assert "Leaving out 1 series shorter than 24 steps" in caplog.text
    with pytest.raises(InputError, match="'long' .* are shorter"):
        keep_long_enough(series, 100, "drop")  # nothing would be left


def test_no_test_step_comes_before_a_history_step_of_its_series():
    series = long_table({"a": 30, "b": 45, "c": 20})
    history, test = split_last_steps(series, 7)
    assert test.groupby("unique_id").size().eq(7).all()
    for name, part in test.groupby("unique_id"):
        assert history[history["unique_id"] == name]["ds"].max() < part["ds"].min()
    assert len(history) + len(test) == len(series)


def test_backtest_windows_expand_and_end_where_the_history_ends():
    history = long_table({"a": 40, "b": 50})
    windows = backtest_windows(history, horizon=5, folds=3)
    assert len(windows) == 3
    sizes = [len(past) for past, _ in windows]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]  # expanding
    for past, window in windows:
        assert window.groupby("unique_id").size().eq(5).all()
        for name, part in window.groupby("unique_id"):
            assert past[past["unique_id"] == name]["ds"].max() < part["ds"].min()
            steps = part["ds"].min() - past[past["unique_id"] == name]["ds"].max()
            assert steps == pd.Timedelta(days=1)  # the window starts right after
    last_window = windows[-1][1]
    for name, part in history.groupby("unique_id"):
        assert (
            last_window[last_window["unique_id"] == name]["ds"].max()
            == part["ds"].max()
        )
