"""Nodes that backtest, fit and score one forecaster per family, pick and refit the
champion, decide its registry alias and forecast with the registered one; the work
itself is in ``core``."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from tabular_mlops.core import forecast_reports, forecasters, metrics, promotion
from tabular_mlops.core.forecasters import BASELINE_FAMILY, Forecaster
from tabular_mlops.core.model import (
    ForecastModel,
    RegisteredModel,
    forecast_model_card,
    forecast_signature,
)
from tabular_mlops.core.series import SERIES_ID, TIME, VALUE, SeriesSpec
from tabular_mlops.core.sources import source_name
from tabular_mlops.log_console import progress_bar

logger = logging.getLogger(__name__)


def _build(
    forecaster: dict[str, Any], series_spec: SeriesSpec, forecasting: dict[str, Any]
) -> Forecaster:
    return Forecaster(
        forecaster["family"],
        forecaster["hyperparameters"],
        frequency=series_spec["frequency"],
        season_length=series_spec["season_length"],
        horizon=series_spec["horizon"],
        level=forecasting["interval_level"],
        random_state=forecasting["random_state"],
        exogenous=tuple(series_spec["exogenous"]),
    )


def backtest_forecaster(
    history: pd.DataFrame,
    series_spec: SeriesSpec,
    forecaster: dict[str, Any],
    forecasting: dict[str, Any],
) -> tuple[dict[str, float], pd.DataFrame, pd.DataFrame]:
    """Mean and spread of each error over the expanding-window backtest, each
    fold's errors and its forecasts (for the report)."""
    family, folds = forecaster["family"], forecasting["folds"]
    metric = forecasting["champion_metric"]
    with progress_bar(f"{family}: backtest", total=folds) as advance:

        def fold_done(fold: int, errors: dict[str, float]) -> None:
            logger.info(
                "%s: backtest fold %d/%d, %s=%.4f",
                family,
                fold,
                folds,
                metric,
                errors.get(metric, float("nan")),
            )
            advance()

        fold_errors, forecasts = forecasters.backtest(
            lambda: _build(forecaster, series_spec, forecasting),
            history,
            horizon=series_spec["horizon"],
            folds=folds,
            season_length=series_spec["season_length"],
            on_fold=fold_done,
        )
    table = pd.DataFrame(fold_errors).assign(family=family, fold=range(1, folds + 1))
    return forecasters.summarise_backtest(fold_errors), table, forecasts


def fit_forecaster(
    history: pd.DataFrame,
    series_spec: SeriesSpec,
    forecaster: dict[str, Any],
    forecasting: dict[str, Any],
) -> Forecaster:
    """The family fitted on every series' whole history."""
    logger.info("%s: fitting on %d history rows.", forecaster["family"], len(history))
    return _build(forecaster, series_spec, forecasting).fit(history)


def evaluate_forecaster(
    model: Forecaster,
    history: pd.DataFrame,
    test_window: pd.DataFrame,
    series_spec: SeriesSpec,
    cv_scores: dict[str, float],
    backtest_forecasts: pd.DataFrame,
) -> tuple[dict[str, float], pd.DataFrame, pd.DataFrame]:
    """Backtest scores with the errors on the test window (``test_<metric>``, and
    the interval's ``test_coverage``), the test window's forecast, and every
    out-of-sample residual (backtest windows, then the test window) in time order."""
    forecast = model.forecast()
    errors = forecasters.forecast_errors(
        test_window, forecast, history, series_spec["season_length"]
    )
    scored = pd.concat(
        [backtest_forecasts, test_window.merge(forecast, on=[SERIES_ID, TIME])]
    )
    residuals = scored.assign(residual=scored[VALUE] - scored["forecast"])
    return (
        cv_scores | {f"test_{name}": value for name, value in errors.items()},
        forecast,
        residuals.sort_values([SERIES_ID, TIME])[[SERIES_ID, TIME, "residual"]],
    )


def rank_forecasters(
    forecasting: dict[str, Any], **metrics_by_family: dict[str, float]
) -> pd.DataFrame:
    """One row per forecaster, best first by the backtest's mean champion metric;
    the log says whether the champion beats the seasonal-naive baseline."""
    metric = forecasting["champion_metric"]
    comparison = metrics.rank_candidates(metrics_by_family, metric)
    champion = comparison.iloc[0]
    baseline = comparison.set_index("family").loc[BASELINE_FAMILY]
    if champion["family"] == BASELINE_FAMILY:
        logger.warning(
            "No forecaster beats the seasonal-naive baseline on the backtest "
            "(cv_%s=%.4f): the champion is the baseline.",
            metric,
            baseline[f"cv_{metric}"],
        )
    else:
        logger.info(
            "%s beats the seasonal-naive baseline on the backtest: cv_%s %.4f vs %.4f.",
            champion["family"],
            metric,
            champion[f"cv_{metric}"],
            baseline[f"cv_{metric}"],
        )
    return comparison


def refit_champion(
    candidate_comparison: pd.DataFrame,
    history: pd.DataFrame,
    test_window: pd.DataFrame,
    **models: Forecaster,
) -> Forecaster:
    """The best-ranked family refitted on every series' whole history, test window
    included: the forecaster that registers and forecasts what comes next."""
    family = candidate_comparison["family"].iloc[0]
    whole = pd.concat([history, test_window]).sort_values([SERIES_ID, TIME])
    logger.info("Champion %s: refitting on all %d rows.", family, len(whole))
    return copy.copy(models[family]).fit(whole.reset_index(drop=True))


def package_forecaster(
    champion_forecaster: Forecaster, series_spec: SeriesSpec
) -> ForecastModel:
    """The refitted champion as the registered model (``core.model.ForecastModel``)."""
    return ForecastModel(champion_forecaster, series_spec)


def score_forecaster_against_champion(
    candidate_comparison: pd.DataFrame,
    forecast_model: ForecastModel,
    current_forecaster: RegisteredModel | None,
    history: pd.DataFrame,
    test_window: pd.DataFrame,
    series_spec: SeriesSpec,
    forecasting: dict[str, Any],
) -> dict[str, Any]:
    """The new champion's test errors and those of the registered champion's
    family and hyper-parameters, fitted on the same history and scored on the same
    test window (the registered version itself was refitted on that window), when
    they forecast the same series at the same frequency and horizon; in the format
    ``core.promotion.decide_promotion`` reads."""
    new = {
        name.removeprefix("test_"): float(value)
        for name, value in candidate_comparison.iloc[0].items()
        if str(name).startswith("test_") and pd.notna(value)
    }
    scores = {
        "task": "forecasting",
        "metric": forecasting["champion_metric"],
        "new": new,
        "champion": None,
        "champion_version": None,
        "not_comparable": "",
        "same_as_champion": False,
    }
    if current_forecaster is None:
        return scores
    champion = current_forecaster.model.unwrap_python_model()
    scores["champion_version"] = current_forecaster.version
    old = champion.feature_spec
    compared = ("target", "frequency", "horizon", "series")
    if different := [key for key in compared if old.get(key) != series_spec[key]]:
        scores["not_comparable"] = "the forecasters differ in " + ", ".join(
            f"{key} ({old.get(key)} vs {series_spec[key]})" for key in different
        )
        return scores
    refitted = copy.copy(champion.model).fit(history)
    scores["champion"] = forecasters.forecast_errors(
        test_window, refitted.forecast(), history, series_spec["season_length"]
    )
    scores["same_as_champion"] = promotion.same_model(champion, forecast_model)
    return scores


def decide_forecast_promotion(
    champion_scores: dict[str, Any], registry: dict[str, Any], data: dict[str, Any]
) -> dict[str, Any]:
    """The new forecaster's alias and why (``core.promotion``), with its data."""
    decision = promotion.decide_promotion(
        champion_scores,
        model_name=registry["forecasting_model_name"],
        margin=registry["margin"],
    )
    return decision | {"data": source_name(data)}


def prepare_forecaster_registration(
    forecast_model: ForecastModel,
    history: pd.DataFrame,
    promotion_decision: dict[str, Any],
    candidate_comparison: pd.DataFrame,
    data: dict[str, Any],
) -> dict[str, Any]:
    """The forecaster with a request example (the first series' last steps, as many
    as a request needs, dates as text), its signature, the alias it earned, the tags
    that explain it and its card."""
    family = str(candidate_comparison["family"].iloc[0])
    spec = forecast_model.feature_spec
    first_series = history[history[SERIES_ID] == spec["series"][0]]
    example = first_series.tail(spec["min_history"])
    return {
        "python_model": forecast_model,
        "input_example": example.assign(
            **{TIME: example[TIME].dt.strftime("%Y-%m-%d %H:%M:%S")}
        ),
        "signature": forecast_signature(spec["exogenous"]),
        **promotion.registration(promotion_decision, family),
        "model_card": forecast_model_card(
            spec,
            family=family,
            metrics=promotion_decision["new"],
            data_name=source_name(data),
        ),
    }


def forecast_next_steps(scoring_forecaster: RegisteredModel) -> pd.DataFrame:
    """The registered forecaster's ``horizon`` steps after the last observation of
    each series it was refitted on."""
    forecast = scoring_forecaster.model.unwrap_python_model().model.forecast()
    logger.info(
        "Forecast %d steps of %d series with version %s.",
        forecast.groupby(SERIES_ID).size().max(),
        forecast[SERIES_ID].nunique(),
        scoring_forecaster.version,
    )
    return forecast


def collect_test_predictions(
    candidate_comparison: pd.DataFrame,
    test_window: pd.DataFrame,
    **test_forecasts: pd.DataFrame,
) -> pd.DataFrame:
    """The champion's forecast of the test window beside what happened (``y``): the
    run's test predictions, which ``kedro reproduce`` compares with a rebuild's."""
    family = candidate_comparison["family"].iloc[0]
    return test_window[[SERIES_ID, TIME, VALUE]].merge(
        test_forecasts[family], on=[SERIES_ID, TIME], validate="one_to_one"
    )


def plot_forecasts(
    history: pd.DataFrame,
    test_predictions: pd.DataFrame,
    candidate_comparison: pd.DataFrame,
    series_spec: SeriesSpec,
    forecasting: dict[str, Any],
) -> tuple[go.Figure, Any]:
    """The champion's forecast of the test window against what happened, per series
    (the first ``forecasting.plotted_series``): plotly for kedro viz, and a PNG (a
    matplotlib ``Figure``, imported only when drawn)."""
    family = candidate_comparison["family"].iloc[0]
    arguments = (
        history,
        test_predictions,
        family,
        series_spec["season_length"],
        forecasting["plotted_series"],
    )
    return (
        forecast_reports.forecast_figure(*arguments),
        forecast_reports.forecast_picture(*arguments),
    )


def plot_backtest_errors(
    forecasting: dict[str, Any], **fold_errors: pd.DataFrame
) -> go.Figure:
    """Each forecaster's champion metric on each backtest fold."""
    return forecast_reports.backtest_errors_figure(
        pd.concat(fold_errors.values(), ignore_index=True),
        forecasting["champion_metric"],
    )


def plot_residual_autocorrelation(
    candidate_comparison: pd.DataFrame,
    series_spec: SeriesSpec,
    **residuals: pd.DataFrame,
) -> go.Figure:
    """The champion's residual autocorrelation up to two seasons."""
    family = candidate_comparison["family"].iloc[0]
    autocorrelation = forecast_reports.residual_autocorrelation(
        residuals[family], max_lag=max(2 * series_spec["season_length"], 4)
    )
    return forecast_reports.residual_autocorrelation_figure(autocorrelation, family)
