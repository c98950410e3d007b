"""Forecasting families (statsforecast's statistical models, scikit-learn and
CatBoost regressors on mlforecast's lag features) behind one interface, and how a
forecast is scored.

statsforecast and mlforecast are imported when a forecaster is built, not with this
module: a tabular run never pays for them (numba, statsmodels)."""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from tabular_mlops.core.series import (
    SERIES_ID,
    TIME,
    VALUE,
    backtest_windows,
    frequency_base,
)

logger = logging.getLogger(__name__)

BASELINE_FAMILY = "seasonal_naive"
STATISTICAL = {
    "seasonal_naive": "statsforecast.models:SeasonalNaive",
    "auto_ets": "statsforecast.models:AutoETS",
    "auto_theta": "statsforecast.models:AutoTheta",
    "auto_arima": "statsforecast.models:AutoARIMA",
}
LAG_REGRESSORS = {
    "lag_hist_gradient_boosting": "sklearn.ensemble:HistGradientBoostingRegressor",
    "lag_catboost": "catboost:CatBoostRegressor",
}
FORECASTING_FAMILIES = (*STATISTICAL, *LAG_REGRESSORS)
"""One namespace of the forecasting pipeline each; the seasonal-naive baseline first."""

DATE_FEATURES = {
    "M": ["month"],
    "Q": ["quarter"],
    "W": ["week"],
    "D": ["day_of_week"],
    "B": ["day_of_week"],
    "h": ["hour", "day_of_week"],
    "min": ["minute", "hour"],
}
"""Calendar features of the lag models, by the base of the series' frequency."""

INTERVAL_WINDOWS = 2
"""Backtest windows from which mlforecast's conformal intervals are calibrated."""

FORECAST_METRICS = ("mae", "rmse", "mape", "smape", "mase")
FORECASTER_SETS = frozenset({"season_length", "alias", "random_state", "random_seed"})
"""Arguments the forecaster sets itself (from the frequency and the seed), not a
family's configured hyper-parameters."""


def estimator_class(family: str) -> type:
    """The class a family fits (imported now, see the module's docstring)."""
    module, _, name = {**STATISTICAL, **LAG_REGRESSORS}[family].partition(":")
    return getattr(importlib.import_module(module), name)


class Forecaster:
    """A family's model of every series: fitted on a history, it forecasts the
    ``horizon`` steps after it, with a ``level`` % prediction interval where the
    model gives one (columns ``forecast``, ``lo``, ``hi``).

    Statistical families fit one model per series (statsforecast); lag families fit
    one regressor over all series on lags, a rolling mean, calendar features and the
    seasonal difference of the target (mlforecast), with conformal intervals. Lag
    families also read the ``exogenous`` columns, each as its value ``horizon`` steps
    earlier: known when a forecast is made, so no future values are needed.
    """

    def __init__(
        self,
        family: str,
        hyperparameters: dict[str, Any],
        frequency: str,
        season_length: int,
        horizon: int,
        level: int,
        random_state: int,
        exogenous: tuple[str, ...] = (),
    ) -> None:
        self.family = family
        self.hyperparameters = hyperparameters
        self.frequency = frequency
        self.season_length = season_length
        self.horizon = horizon
        self.level = level
        self.random_state = random_state
        self.exogenous = tuple(exogenous)

    def _statistical_engine(self) -> Any:
        from statsforecast import StatsForecast

        model = estimator_class(self.family)(
            season_length=self.season_length, alias="forecast", **self.hyperparameters
        )
        return StatsForecast(models=[model], freq=self.frequency, n_jobs=1)

    def _lag_engine(self) -> Any:
        from mlforecast import MLForecast
        from mlforecast.lag_transforms import RollingMean
        from mlforecast.target_transforms import Differences

        regressor_class = estimator_class(self.family)
        accepted = inspect.signature(regressor_class).parameters
        seed = "random_state" if "random_state" in accepted else "random_seed"
        seeds = {seed: self.random_state} if seed in accepted else {}
        season = self.season_length
        return MLForecast(
            models={"forecast": regressor_class(**seeds, **self.hyperparameters)},
            freq=self.frequency,
            lags=sorted({1, 2, 3, season}),
            lag_transforms={1: [RollingMean(window_size=max(season, 2))]},
            date_features=DATE_FEATURES.get(frequency_base(self.frequency), []),
            target_transforms=[Differences([season])] if season > 1 else [],
        )

    @property
    def statistical(self) -> bool:
        return self.family in STATISTICAL

    @property
    def used_exogenous(self) -> tuple[str, ...]:
        """The exogenous columns the model reads (lag families only)."""
        return () if self.statistical else self.exogenous

    def _lagged_name(self, column: str) -> str:
        return f"{column}_lag{self.horizon}"

    def _with_lagged_exogenous(self, history: pd.DataFrame) -> pd.DataFrame:
        """``history``'s target and each exogenous column ``horizon`` steps later."""
        lagged = history.groupby(SERIES_ID, sort=False)[list(self.used_exogenous)]
        return history[[SERIES_ID, TIME, VALUE]].join(
            lagged.shift(self.horizon).rename(columns=self._lagged_name)
        )

    def _future_exogenous(self, history: pd.DataFrame) -> pd.DataFrame | None:
        """The lagged exogenous values of the ``horizon`` steps after ``history``:
        its last ``horizon`` values of each column, moved ``horizon`` steps ahead."""
        if not self.used_exogenous:
            return None
        future = history.groupby(SERIES_ID, sort=False).tail(self.horizon)
        future = future[[SERIES_ID, TIME, *self.used_exogenous]].rename(
            columns={name: self._lagged_name(name) for name in self.used_exogenous}
        )
        step = pd.tseries.frequencies.to_offset(self.frequency)
        return future.assign(**{TIME: future[TIME] + self.horizon * step})

    def fit(self, history: pd.DataFrame) -> Forecaster:
        """Fit on ``history`` (``unique_id``, ``ds``, ``y`` and the exogenous
        columns)."""
        if self.statistical:
            self.engine_ = self._statistical_engine().fit(
                history[[SERIES_ID, TIME, VALUE]]
            )
            return self
        from mlforecast.utils import PredictionIntervals

        self.engine_ = self._lag_engine()
        frame = self._with_lagged_exogenous(history)
        self.future_exogenous_ = self._future_exogenous(history)
        # Lagged exogenous values change over time: none is a static feature.
        dynamic: dict[str, list[str]] = {"static_features": []}
        try:
            self.engine_.fit(
                frame,
                prediction_intervals=PredictionIntervals(
                    n_windows=INTERVAL_WINDOWS, h=self.horizon
                ),
                **dynamic,
            )
        except ValueError as error:  # too short to calibrate intervals on
            logger.info("%s: no prediction interval (%s).", self.family, error)
            self.engine_.fit(frame, **dynamic)
        return self

    @property
    def estimators(self) -> tuple[Any, ...]:
        """What a saved forecaster unpickles: its engine and its model's classes."""
        models = getattr(self.engine_, "models", {})
        return (
            self.engine_,
            *(models.values() if isinstance(models, dict) else models),
        )

    def forecast(self, history: pd.DataFrame | None = None) -> pd.DataFrame:
        """The ``horizon`` steps after the fitted history, or after ``history`` (a
        series' recent values): statistical models are fitted on it anew, a lag
        model reads its lags from it (without an interval, which mlforecast only
        calibrates on the history it was fitted on)."""
        level = [self.level]
        if history is None and self.statistical:
            predicted = self.engine_.predict(h=self.horizon, level=level)
        elif history is None:
            predicted = self.engine_.predict(
                h=self.horizon, level=level, X_df=self.future_exogenous_
            )
        elif self.statistical:
            predicted = self._statistical_engine().forecast(
                df=history[[SERIES_ID, TIME, VALUE]], h=self.horizon, level=level
            )
        else:
            predicted = self.engine_.predict(
                h=self.horizon,
                new_df=self._with_lagged_exogenous(history),
                X_df=self._future_exogenous(history),
            )
        predicted = predicted.rename(
            columns={
                f"forecast-lo-{self.level}": "lo",
                f"forecast-hi-{self.level}": "hi",
            }
        )
        columns = [SERIES_ID, TIME, "forecast", "lo", "hi"]
        return predicted.reindex(columns=columns).astype({SERIES_ID: "string"})


def forecast_errors(
    actual: pd.DataFrame,
    forecast: pd.DataFrame,
    history: pd.DataFrame,
    season_length: int,
) -> dict[str, float]:
    """MAE, RMSE, MAPE, sMAPE and MASE of ``forecast`` against ``actual`` (each the
    mean over series), MASE scaled by the seasonal-naive error on ``history``; and
    the share of actual values inside the prediction interval (``coverage``) when
    the forecast has one. MAPE is left out when an actual value is zero.

    sMAPE is utilsforecast's: ``|y - ŷ| / (|y| + |ŷ|)``, between 0 and 1."""
    from utilsforecast import losses

    scored = actual[[SERIES_ID, TIME, VALUE]].merge(
        forecast, on=[SERIES_ID, TIME], validate="one_to_one"
    )
    errors = {
        "mae": losses.mae(scored, ["forecast"]),
        "rmse": losses.rmse(scored, ["forecast"]),
        "smape": losses.smape(scored, ["forecast"]),
        "mase": losses.mase(
            scored, ["forecast"], seasonality=season_length, train_df=history
        ),
    }
    if not (scored[VALUE] == 0).any():
        errors["mape"] = losses.mape(scored, ["forecast"])
    scores = {name: float(frame["forecast"].mean()) for name, frame in errors.items()}
    if scored["lo"].notna().all():
        inside = scored[VALUE].between(scored["lo"], scored["hi"])
        scores["coverage"] = float(inside.mean())
    return {
        name: scores[name] for name in (*FORECAST_METRICS, "coverage") if name in scores
    }


def backtest(
    make_forecaster: Callable[[], Forecaster],
    history: pd.DataFrame,
    horizon: int,
    folds: int,
    season_length: int,
    on_fold: Callable[[int, dict[str, float]], None] = lambda fold, errors: None,
) -> tuple[list[dict[str, float]], pd.DataFrame]:
    """Each fold's errors and forecasts of the expanding-window backtest: a new
    forecaster fitted on all steps before each window (``series.backtest_windows``)."""
    fold_errors, forecasts = [], []
    for fold, (past, window) in enumerate(
        backtest_windows(history, horizon, folds), start=1
    ):
        forecast = make_forecaster().fit(past).forecast()
        errors = forecast_errors(window, forecast, past, season_length)
        on_fold(fold, errors)
        fold_errors.append(errors)
        forecasts.append(window.merge(forecast, on=[SERIES_ID, TIME]).assign(fold=fold))
    return fold_errors, pd.concat(forecasts, ignore_index=True)


def summarise_backtest(fold_errors: list[dict[str, float]]) -> dict[str, float]:
    """``cv_<metric>`` (mean over folds) and ``cv_<metric>_std`` of the backtest,
    named as the tabular tasks' cross-validation scores are."""
    table = pd.DataFrame(fold_errors)
    return {
        **{f"cv_{name}": float(table[name].mean()) for name in table},
        **{f"cv_{name}_std": float(np.std(table[name])) for name in table},
    }
