import logging

import pandas as pd

from tabular_mlops.core.forecasters import FORECASTING_FAMILIES, Forecaster
from tabular_mlops.pipelines.forecasting import create_pipeline
from tabular_mlops.pipelines.forecasting.nodes import (
    rank_forecasters,
    refit_champion,
    score_forecaster_against_champion,
)


def scores(cv_mase: float, **more: float) -> dict[str, float]:
    return {"cv_mase": cv_mase, "cv_mase_std": 0.1, "test_mase": cv_mase, **more}


def test_every_family_is_a_namespace_of_the_pipeline():
    namespaces = {node.namespace for node in create_pipeline().nodes} - {None}
    assert namespaces == set(FORECASTING_FAMILIES)


def test_the_log_says_whether_the_champion_beats_seasonal_naive(caplog):
    with caplog.at_level(logging.INFO):
        table = rank_forecasters(
            {"champion_metric": "mase"},
            seasonal_naive=scores(1.2),
            auto_ets=scores(0.8),
        )
    assert table["family"].tolist() == ["auto_ets", "seasonal_naive"]
    assert "auto_ets beats the seasonal-naive baseline on the backtest" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        rank_forecasters(
            {"champion_metric": "mase"},
            seasonal_naive=scores(0.7),
            auto_ets=scores(0.8),
        )
    assert "No forecaster beats the seasonal-naive baseline" in caplog.text


def daily(days: int, start: str = "2024-01-01") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id": pd.Series(["a"] * days, dtype="string"),
            "ds": pd.date_range(start, periods=days, freq="D"),
            "y": [float(day % 7) for day in range(days)],
        }
    )


def naive() -> Forecaster:
    return Forecaster("seasonal_naive", {}, "D", 7, 7, 80, 0)


def test_the_champion_is_refitted_on_history_and_test_window():
    history, test = daily(28), daily(7, start="2024-01-29")
    comparison = pd.DataFrame({"family": ["seasonal_naive"]})
    model = naive().fit(history)
    refitted = refit_champion(comparison, history, test, seasonal_naive=model)
    assert refitted is not model
    assert refitted.forecast()["ds"].min() == pd.Timestamp("2024-02-05")
    assert model.forecast()["ds"].min() == pd.Timestamp("2024-01-29")  # untouched


def test_a_registered_forecaster_of_other_series_is_not_compared():
    class Registered:
        version = "3"

        class model:  # noqa: N801 - stands for mlflow's PyFuncModel
            @staticmethod
            def unwrap_python_model():
                return type("Champion", (), {"feature_spec": spec | {"horizon": 14}})

    spec = {"target": "y", "frequency": "D", "horizon": 7, "series": ["a"]}
    result = score_forecaster_against_champion(
        pd.DataFrame({"family": ["auto_ets"], "test_mase": [0.5]}),
        forecast_model=None,
        current_forecaster=Registered(),
        history=daily(28),
        test_window=daily(7, start="2024-01-29"),
        series_spec=spec | {"season_length": 7},
        forecasting={"champion_metric": "mase"},
    )
    assert result["not_comparable"] == "the forecasters differ in horizon (14 vs 7)"
    assert result["new"] == {"mase": 0.5} and result["champion"] is None
