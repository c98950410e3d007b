"""A forecasting run's figures: the forecast against the test window, the backtest
errors per fold, the champion's residual autocorrelation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tabular_mlops.core.series import SERIES_ID, TIME, VALUE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HISTORY_SEASONS_SHOWN = 4
"""The figures show this many seasons of history before the test window."""


def _shown_series(series: pd.DataFrame, count: int) -> list[str]:
    return list(series[SERIES_ID].drop_duplicates().head(count))


def _recent(history: pd.DataFrame, steps: int) -> pd.DataFrame:
    return history.groupby(SERIES_ID, sort=False).tail(steps)


def forecast_figure(
    history: pd.DataFrame,
    test_predictions: pd.DataFrame,
    family: str,
    season_length: int,
    max_series: int,
) -> go.Figure:
    """Per series (the first ``max_series``): recent history, the test window's
    actual values (``y``) and the champion's forecast of it with its interval."""
    shown = _shown_series(test_predictions, max_series)
    recent = _recent(history, max(HISTORY_SEASONS_SHOWN * season_length, 24))
    figure = make_subplots(rows=len(shown), cols=1, subplot_titles=shown)
    for row, name in enumerate(shown, start=1):
        past = recent[recent[SERIES_ID] == name]
        window = test_predictions[test_predictions[SERIES_ID] == name]
        first = row == 1
        if window["lo"].notna().all():
            figure.add_trace(
                go.Scatter(
                    x=[*window[TIME], *window[TIME][::-1]],
                    y=[*window["hi"], *window["lo"][::-1]],
                    fill="toself",
                    line={"width": 0},
                    fillcolor="rgba(99,110,250,0.2)",
                    name="prediction interval",
                    legendgroup="interval",
                    showlegend=first,
                ),
                row=row,
                col=1,
            )
        for frame, column, name_shown, style in (
            (past, VALUE, "history", {"color": "#444"}),
            (window, VALUE, "test window (actual)", {"color": "#2ca02c"}),
            (
                window,
                "forecast",
                f"{family} forecast",
                {"color": "#636efa", "dash": "dash"},
            ),
        ):
            figure.add_trace(
                go.Scatter(
                    x=frame[TIME],
                    y=frame[column],
                    mode="lines",
                    line=style,
                    name=name_shown,
                    legendgroup=name_shown,
                    showlegend=first,
                ),
                row=row,
                col=1,
            )
    return figure.update_layout(
        title=f"Test window: {family}'s forecast against what happened",
        height=max(320, 260 * len(shown)),
    )


def backtest_errors_figure(fold_errors: pd.DataFrame, metric: str) -> go.Figure:
    """Each forecaster's ``metric`` on each backtest fold (lower is better)."""
    figure = go.Figure(
        [
            go.Scatter(
                x=errors["fold"],
                y=errors[metric],
                mode="lines+markers",
                name=family,
            )
            for family, errors in fold_errors.groupby("family", sort=False)
        ]
    )
    return figure.update_layout(
        title=f"Backtest: {metric} per fold (expanding window, lower is better)",
        xaxis={"title": "fold (later folds train on more history)", "dtick": 1},
        yaxis_title=metric,
    )


def residual_autocorrelation(residuals: pd.DataFrame, max_lag: int) -> pd.DataFrame:
    """Autocorrelation of the champion's out-of-sample residuals (``residual``,
    in time order per series) at lags 1..``max_lag``, averaged over series, and the
    95 % band of white noise."""
    from statsmodels.tsa.stattools import acf  # statsforecast's dependency

    per_series = [
        acf(part["residual"].to_numpy(), nlags=min(max_lag, len(part) - 1))[1:]
        for _, part in residuals.groupby(SERIES_ID, sort=False)
        if len(part) > 2
    ]
    lags = min(len(values) for values in per_series)
    mean = np.mean([values[:lags] for values in per_series], axis=0)
    length = residuals.groupby(SERIES_ID).size().min()
    return pd.DataFrame(
        {
            "lag": range(1, lags + 1),
            "autocorrelation": mean,
            "band": 1.96 / np.sqrt(length),
        }
    )


def residual_autocorrelation_figure(
    autocorrelation: pd.DataFrame, family: str
) -> go.Figure:
    """Bars of the residual autocorrelation per lag; beyond the band, the model has
    left a pattern in its errors."""
    band = float(autocorrelation["band"].iloc[0])
    figure = go.Figure(
        go.Bar(
            x=autocorrelation["lag"], y=autocorrelation["autocorrelation"], name="ACF"
        )
    )
    for level in (band, -band):
        figure.add_hline(y=level, line={"dash": "dot", "color": "#d62728"})
    return figure.update_layout(
        title=f"{family}: autocorrelation of out-of-sample residuals (dotted: 95 % band of white noise)",
        xaxis={"title": "lag (steps)", "dtick": 1},
        yaxis_title="autocorrelation",
    )


def forecast_picture(
    history: pd.DataFrame,
    test_predictions: pd.DataFrame,
    family: str,
    season_length: int,
    max_series: int,
) -> Figure:
    """The forecast figure as a static picture (PNG), for pages without plotly:
    a matplotlib ``Figure`` made without pyplot (no backend, no window)."""
    from matplotlib.figure import Figure

    shown = _shown_series(test_predictions, max_series)
    recent = _recent(history, max(HISTORY_SEASONS_SHOWN * season_length, 24))
    picture = Figure(figsize=(10, 3 * len(shown)), layout="constrained")
    axes = picture.subplots(len(shown), 1, squeeze=False)
    for axis, name in zip(axes[:, 0], shown, strict=True):
        past = recent[recent[SERIES_ID] == name]
        window = test_predictions[test_predictions[SERIES_ID] == name]
        axis.plot(past[TIME], past[VALUE], color="#444", label="history")
        axis.plot(
            window[TIME], window[VALUE], color="#2ca02c", label="test window (actual)"
        )
        axis.plot(
            window[TIME],
            window["forecast"],
            "--",
            color="#636efa",
            label=f"{family} forecast",
        )
        if window["lo"].notna().all():
            axis.fill_between(
                window[TIME],
                window["lo"],
                window["hi"],
                alpha=0.2,
                color="#636efa",
                label="prediction interval",
            )
        axis.set_title(name)
    axes[0, 0].legend(loc="upper left")
    picture.suptitle(f"Test window: {family}'s forecast against what happened")
    return picture
