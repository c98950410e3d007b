import math

import numpy as np
import pandas as pd
import pytest

from tabular_mlops.core.forecasters import (
    Forecaster,
    backtest,
    forecast_errors,
    summarise_backtest,
)
from tabular_mlops.core.model import ForecastModel, estimator_requirements


def frame(rows: dict[str, list[float]], start: str = "2024-01-01") -> pd.DataFrame:
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "unique_id": name,
                    "ds": pd.date_range(start, periods=len(values), freq="D"),
                    "y": values,
                }
            )
            for name, values in rows.items()
        ],
        ignore_index=True,
    ).astype({"unique_id": "string"})


def test_errors_match_hand_computed_values_per_series_then_averaged():
    history = frame({"a": [1.0, 2.0, 4.0, 7.0], "b": [100.0, 110.0, 100.0, 110.0]})
    actual = frame({"a": [10.0, 20.0, 30.0], "b": [100.0] * 3}, start="2024-01-05")
    forecast = actual.drop(columns="y").assign(
        forecast=[12.0, 18.0, 33.0, 110.0, 100.0, 90.0],
        lo=[8.0, 19.0, 28.0, 90.0, 90.0, 90.0],
        hi=[14.0, 25.0, 29.0, 110.0, 110.0, 110.0],
    )
    errors = forecast_errors(actual, forecast, history, season_length=1)
    mae_a, mae_b = 7 / 3, 20 / 3
    assert errors["mae"] == pytest.approx((mae_a + mae_b) / 2)
    assert errors["rmse"] == pytest.approx((math.sqrt(17 / 3) + math.sqrt(200 / 3)) / 2)
    assert errors["mape"] == pytest.approx(((0.2 + 0.1 + 0.1) / 3 + 0.2 / 3) / 2)
    smape_a = (2 / 22 + 2 / 38 + 3 / 63) / 3
    smape_b = (10 / 210 + 0 + 10 / 190) / 3
    assert errors["smape"] == pytest.approx((smape_a + smape_b) / 2)
    # MASE: each series' MAE over its history's mean one-step naive error (2 and 10).
    assert errors["mase"] == pytest.approx((mae_a / 2 + mae_b / 10) / 2)
    assert errors["coverage"] == pytest.approx(5 / 6)  # a's 30 is above 29


def test_mape_is_left_out_when_an_actual_value_is_zero():
    history = frame({"a": [1.0, 2.0, 3.0]})
    actual = frame({"a": [0.0, 1.0]}, start="2024-01-04")
    forecast = actual.drop(columns="y").assign(
        forecast=[1.0, 1.0], lo=np.nan, hi=np.nan
    )
    errors = forecast_errors(actual, forecast, history, season_length=1)
    assert "mape" not in errors and "coverage" not in errors
    assert errors["mae"] == 0.5


def weekly(days: int = 70) -> pd.DataFrame:
    """A weekly pattern on a slow trend, with a little noise."""
    pattern = [10.0, 12.0, 14.0, 16.0, 30.0, 40.0, 20.0]
    noise = np.random.default_rng(0).normal(0, 0.5, days)
    return frame({"shop": [pattern[d % 7] + d * 0.1 + noise[d] for d in range(days)]})


def forecaster(family: str, **hyperparameters) -> Forecaster:
    return Forecaster(
        family,
        hyperparameters,
        frequency="D",
        season_length=7,
        horizon=7,
        level=80,
        random_state=0,
    )


def test_seasonal_naive_repeats_the_last_season_with_an_interval():
    series = weekly()
    forecast = forecaster("seasonal_naive").fit(series).forecast()
    assert forecast["forecast"].tolist() == series["y"].tail(7).tolist()
    assert forecast["ds"].min() == series["ds"].max() + pd.Timedelta(days=1)
    assert (forecast["lo"] <= forecast["forecast"]).all()
    assert (forecast["forecast"] <= forecast["hi"]).all()


@pytest.mark.parametrize(
    "family", ["auto_ets", "auto_arima", "lag_hist_gradient_boosting"]
)
def test_a_forecaster_forecasts_after_the_history_it_is_given(family):
    series = weekly(84)
    model = forecaster(family, **({"max_iter": 50} if "lag" in family else {}))
    model.fit(series.head(70))
    recent = series.head(77)
    forecast = model.forecast(recent)
    assert len(forecast) == 7
    assert forecast["ds"].min() == recent["ds"].max() + pd.Timedelta(days=1)
    errors = forecast_errors(series.tail(7), forecast, recent, season_length=7)
    assert errors["mase"] < 1  # a clean weekly pattern with a trend: better than naive


def test_backtest_fits_a_new_forecaster_per_fold_and_scores_each_window():
    series = weekly(70)
    fitted = []

    def make() -> Forecaster:
        fitted.append(forecaster("seasonal_naive"))
        return fitted[-1]

    fold_errors, forecasts = backtest(make, series, horizon=7, folds=3, season_length=7)
    assert len(fitted) == 3 and len(fold_errors) == 3
    assert forecasts.groupby("fold").size().tolist() == [7, 7, 7]
    assert forecasts["ds"].max() == series["ds"].max()
    summary = summarise_backtest(fold_errors)
    assert summary["cv_mae"] == pytest.approx(np.mean([e["mae"] for e in fold_errors]))
    assert "cv_mase_std" in summary


def test_a_forecaster_asks_for_the_packages_it_unpickles():
    series = weekly()
    statistical = forecaster("auto_theta").fit(series)
    lag = forecaster("lag_catboost", iterations=5, allow_writing_files=False).fit(
        series
    )
    assert [
        r.split("==")[0] for r in estimator_requirements(*statistical.estimators)
    ] == ["statsforecast"]
    assert [r.split("==")[0] for r in estimator_requirements(*lag.estimators)] == [
        "catboost",
        "mlforecast",
    ]


def driven_by_last_fortnight(days: int = 200) -> pd.DataFrame:
    """Sales driven by the promotion of 14 days earlier, and noise."""
    rng = np.random.default_rng(1)
    promo = rng.integers(0, 2, days).astype(float)
    sales = (
        50 + 30 * np.concatenate([np.zeros(14), promo[:-14]]) + rng.normal(0, 1, days)
    )
    return frame({"shop": sales.tolist()}).assign(promo=promo)


def test_lag_models_read_exogenous_columns_horizon_steps_later():
    series = driven_by_last_fortnight()
    history, actual = series.head(186), series.tail(14)

    def test_mase(exogenous: tuple[str, ...]) -> float:
        model = Forecaster(
            "lag_hist_gradient_boosting",
            {"max_iter": 100},
            frequency="D",
            season_length=7,
            horizon=14,
            level=80,
            random_state=0,
            exogenous=exogenous,
        ).fit(history)
        forecast = model.forecast()
        assert forecast["forecast"].tolist() == pytest.approx(
            model.forecast(history)["forecast"].tolist()
        )  # the same from the stored history as from the sent one
        return forecast_errors(actual, forecast, history, season_length=7)["mase"]

    assert test_mase(("promo",)) < 0.8 * test_mase(())


def test_a_request_without_the_exogenous_columns_is_refused_naming_them():
    series = driven_by_last_fortnight(100)
    model = Forecaster(
        "lag_hist_gradient_boosting", {"max_iter": 10}, "D", 7, 14, 80, 0, ("promo",)
    ).fit(series)
    served = ForecastModel(model, {"min_history": 42})
    with pytest.raises(ValueError, match="Send the history's promo too"):
        served.predict(None, series.drop(columns="promo").tail(50))
    assert len(served.predict(None, series.tail(50))) == 14
