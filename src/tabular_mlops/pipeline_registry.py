"""Project pipelines: the stages, ``train`` (which runs them all), ``tune``,
``gate``, ``baseline``, ``inference`` and ``monitor``; for ``data.task=forecasting``,
``train_forecasting`` and ``inference_forecasting`` (which ``kedro run`` runs for
``train`` and ``inference``, see ``cli.task_pipelines``). Start reading here: each
stage is a folder of ``pipelines/`` with its ``pipeline.py`` and thin ``nodes.py``
over ``core``."""

from __future__ import annotations

from kedro.pipeline import Pipeline, pipeline

from tabular_mlops.core.estimators import MODEL_FAMILIES
from tabular_mlops.pipelines import (
    data_processing,
    forecasting,
    gate,
    inference,
    modelling,
    monitor,
    promotion,
    reporting,
    series_processing,
    tuning,
)


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    stages = {
        "data_processing": data_processing.create_pipeline(),
        "modelling": modelling.create_pipeline(),
        "reporting": reporting.create_pipeline(),
        "promotion": promotion.create_pipeline(),
    }
    train = sum(stages.values(), Pipeline([])) + reporting.create_report_pipeline()
    # One model family, not registered: e.g. `kedro run --pipelines=train_linear`.
    single_family = {
        f"train_{family}": stages["data_processing"]
        + modelling.create_pipeline(families=[family])
        + stages["reporting"]
        for family in MODEL_FAMILIES
    }
    # The forecasting registry stage, which `kedro reproduce` leaves out as it does
    # `promotion`.
    forecast_registration = forecasting.create_registration_pipeline()
    train_forecasting = (
        series_processing.create_pipeline()
        # The source table as the run's MLflow input and data snapshot, as for `train`.
        + stages["data_processing"].only_nodes(
            "describe_source_data", "snapshot_source_table"
        )
        + forecasting.create_pipeline()
        + stages["reporting"].only_nodes("collect_tracked_metrics")
        + forecasting.create_report_pipeline()
        + forecast_registration
    )
    return {
        **stages,
        "train": train,
        "__default__": train,
        **single_family,
        "train_forecasting": train_forecasting,
        "forecast_registration": forecast_registration,
        "inference_forecasting": forecasting.create_inference_pipeline(),
        "tune": stages["data_processing"] + tuning.create_pipeline(),
        "gate": gate.create_pipeline(),
        "baseline": gate.create_baseline_pipeline(),
        "monitor": monitor.create_pipeline(),
        # Monitoring checks each batch inference scores, before its predictions.
        "inference": inference.create_pipeline()
        + pipeline(
            monitor.create_pipeline(), inputs={"monitoring_batch": "scoring_table"}
        ),
    }
