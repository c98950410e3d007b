import logging

import pandas as pd
import pytest

from tabular_mlops.core.errors import InputError
from tabular_mlops.pipelines.series_processing.nodes import (
    ingest_series_table,
    regularise_series,
    split_history_test,
    type_series,
)

DATA = {
    "target": "sales",
    "time_column": "date",
    "series_column": "shop",
    "horizon": 3,
    "frequency": None,
}
FORECASTING = {
    "folds": 2,
    "season_length": None,
    "fill_gaps": "interpolate",
    "short_series": "error",
    "champion_metric": "mase",
}


def shops(days: int = 12) -> pd.DataFrame:
    dates = pd.date_range("2024-03-01", periods=days, freq="D").strftime("%Y-%m-%d")
    return pd.concat(
        [
            pd.DataFrame({" date ": dates, "shop": shop, "sales": range(days)})
            for shop in ("a", "b")
        ],
        ignore_index=True,
    )


def test_ingest_keeps_the_table_as_read_once_it_reads_as_series():
    raw = ingest_series_table(shops(), DATA, FORECASTING)
    assert list(raw.columns) == [
        "date",
        "shop",
        "sales",
    ]  # names stripped, nothing else


def test_ingest_refuses_a_table_too_short_to_backtest_before_anything_is_written():
    with pytest.raises(InputError, match="shorter than data.horizon x"):
        ingest_series_table(shops(days=8), DATA, FORECASTING)


def test_ingest_refuses_mape_on_series_with_zeros_before_anything_is_written():
    with pytest.raises(InputError, match="series 'a', 'b' have zeros"):
        ingest_series_table(shops(), DATA, FORECASTING | {"champion_metric": "mape"})
    ingest_series_table(
        shops().assign(sales=lambda t: t["sales"] + 1),
        DATA,
        FORECASTING | {"champion_metric": "mape"},
    )


def test_the_layers_fill_gaps_say_so_and_split_in_time(caplog):
    raw = ingest_series_table(shops(), DATA, FORECASTING).drop(index=[4])
    intermediate = type_series(raw, DATA)
    with caplog.at_level(logging.WARNING):
        primary, spec = regularise_series(intermediate, DATA, FORECASTING)
    assert "Filled 1 missing time steps (interpolate" in caplog.text
    assert len(primary) == 24 and spec["gaps_filled"] == 1
    assert spec["frequency"] == "D" and spec["min_history"] == 9
    history, test = split_history_test(primary, spec)
    assert len(test) == 6 and len(history) == 18
    assert test.groupby("unique_id")["ds"].min().min() == pd.Timestamp("2024-03-10")
