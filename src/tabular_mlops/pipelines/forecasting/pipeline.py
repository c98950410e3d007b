"""One forecaster template per family (Kedro namespaces): backtest, fit, score; then
the champion's choice and refit, its registration, its figures, and inference."""

from kedro.pipeline import Node, Pipeline

from tabular_mlops.core.forecasters import FORECASTING_FAMILIES

from .nodes import (
    backtest_forecaster,
    collect_test_predictions,
    decide_forecast_promotion,
    evaluate_forecaster,
    fit_forecaster,
    forecast_next_steps,
    package_forecaster,
    plot_backtest_errors,
    plot_forecasts,
    plot_residual_autocorrelation,
    prepare_forecaster_registration,
    rank_forecasters,
    refit_champion,
    score_forecaster_against_champion,
)

SHARED_INPUTS = {"history", "test_window", "series_spec"}


def create_forecaster_pipeline() -> Pipeline:
    """Backtest, fit and score the forecaster ``params:forecaster`` configures."""
    inputs = ["history", "series_spec", "params:forecaster", "params:forecasting"]
    return Pipeline(
        [
            Node(
                func=backtest_forecaster,
                inputs=inputs,
                outputs=["cv_scores", "fold_errors", "backtest_forecasts"],
                name="backtest_forecaster",
            ),
            Node(
                func=fit_forecaster,
                inputs=inputs,
                outputs="model",
                name="fit_forecaster",
            ),
            Node(
                func=evaluate_forecaster,
                inputs=[
                    "model",
                    "history",
                    "test_window",
                    "series_spec",
                    "cv_scores",
                    "backtest_forecasts",
                ],
                outputs=["metrics", "test_forecast", "residuals"],
                name="evaluate_forecaster",
            ),
        ]
    )


def _by_family(dataset: str) -> dict[str, str]:
    return {family: f"{family}.{dataset}" for family in FORECASTING_FAMILIES}


def create_pipeline(**kwargs) -> Pipeline:
    """Every family's forecaster, their ranking and the champion refitted."""
    candidates = sum(
        (
            Pipeline(
                create_forecaster_pipeline(),
                namespace=family,
                inputs=SHARED_INPUTS,
                parameters={"params:forecasting"},
            )
            for family in FORECASTING_FAMILIES
        ),
        Pipeline([]),
    )
    selection = Pipeline(
        [
            Node(
                func=rank_forecasters,
                inputs={"forecasting": "params:forecasting", **_by_family("metrics")},
                outputs="candidate_comparison",
                name="rank_forecasters",
            ),
            Node(
                func=refit_champion,
                inputs={
                    "candidate_comparison": "candidate_comparison",
                    "history": "history",
                    "test_window": "test_window",
                    **_by_family("model"),
                },
                outputs="champion_forecaster",
                name="refit_champion",
            ),
        ]
    )
    return candidates + selection


def create_report_pipeline(**kwargs) -> Pipeline:
    """The champion's forecast of the test window (``test_predictions``, also in
    MLflow), the backtest errors per fold and the residual autocorrelation: plotly
    figures for kedro viz (and a PNG)."""
    return Pipeline(
        [
            Node(
                func=collect_test_predictions,
                inputs={
                    "candidate_comparison": "candidate_comparison",
                    "test_window": "test_window",
                    **_by_family("test_forecast"),
                },
                outputs="test_predictions",
                name="collect_test_predictions",
            ),
            Node(
                func=plot_forecasts,
                inputs=[
                    "history",
                    "test_predictions",
                    "candidate_comparison",
                    "series_spec",
                    "params:forecasting",
                ],
                outputs=["test_forecast_plot", "test_forecast_picture"],
                name="plot_forecasts",
            ),
            Node(
                func=plot_backtest_errors,
                inputs={
                    "forecasting": "params:forecasting",
                    **_by_family("fold_errors"),
                },
                outputs="backtest_errors_plot",
                name="plot_backtest_errors",
            ),
            Node(
                func=plot_residual_autocorrelation,
                inputs={
                    "candidate_comparison": "candidate_comparison",
                    "series_spec": "series_spec",
                    **_by_family("residuals"),
                },
                outputs="residual_autocorrelation_plot",
                name="plot_residual_autocorrelation",
            ),
        ]
    )


def create_registration_pipeline(**kwargs) -> Pipeline:
    """The refitted champion -> registered forecaster with the alias it earned."""
    return Pipeline(
        [
            Node(
                func=package_forecaster,
                inputs=["champion_forecaster", "series_spec"],
                outputs="forecast_model",
                name="package_forecaster",
            ),
            Node(
                func=score_forecaster_against_champion,
                inputs=[
                    "candidate_comparison",
                    "forecast_model",
                    "current_forecaster",
                    "history",
                    "test_window",
                    "series_spec",
                    "params:forecasting",
                ],
                outputs="champion_scores",
                name="score_forecaster_against_champion",
            ),
            Node(
                func=decide_forecast_promotion,
                inputs=["champion_scores", "params:registry", "params:data"],
                outputs="promotion_decision",
                name="decide_forecast_promotion",
            ),
            Node(
                func=prepare_forecaster_registration,
                inputs=[
                    "forecast_model",
                    "history",
                    "promotion_decision",
                    "candidate_comparison",
                    "params:data",
                ],
                outputs="registered_forecaster",
                name="prepare_forecaster_registration",
            ),
        ]
    )


def create_inference_pipeline(**kwargs) -> Pipeline:
    """The registered champion's forecast of the steps after each series."""
    return Pipeline(
        [
            Node(
                func=forecast_next_steps,
                inputs="scoring_forecaster",
                outputs="forecasts",
                name="forecast_next_steps",
            )
        ]
    )
