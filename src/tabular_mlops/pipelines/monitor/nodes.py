"""Nodes that compare a batch with the registered model's reference profile, report
it and raise the alarm; the statistics are in ``core.monitoring``."""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from tabular_mlops.core import features, metrics, monitoring
from tabular_mlops.core.contracts import check_features
from tabular_mlops.core.errors import InputError
from tabular_mlops.core.lineage import table_digest
from tabular_mlops.core.model import InferencePipeline, RegisteredModel

logger = logging.getLogger(__name__)


def _inference_pipeline(scoring_model: RegisteredModel) -> InferencePipeline:
    model = scoring_model.model.unwrap_python_model()
    if getattr(model, "reference_profile", None) is None:
        raise InputError(
            f"Version {scoring_model.version} of the registered model has no reference "
            "profile (it was registered before monitoring existed): run `make train` "
            "to register one that has, or monitor another version (--params "
            "inference.version=N)."
        )
    return model


def score_batch(
    monitoring_batch: pd.DataFrame, scoring_model: RegisteredModel
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Refuse a batch the model cannot score (no rows, a missing column, a value of
    the wrong type), naming the column; else its predictions and the contract's
    counts of unseen categories and values outside the training range."""
    model = _inference_pipeline(scoring_model)
    report = check_features(monitoring_batch, model.feature_spec)
    report.raise_for_errors()
    return scoring_model.model.predict(monitoring_batch), report.summary()


def compare_with_reference(
    monitoring_batch: pd.DataFrame,
    monitoring_predictions: pd.DataFrame,
    batch_quality: dict[str, Any],
    scoring_model: RegisteredModel,
    monitor: dict[str, Any],
) -> dict[str, Any]:
    """Drift, data quality and, when the batch carries the target, performance
    against what the model saw at training; with the model version and the batch's
    digest."""
    model = _inference_pipeline(scoring_model)
    spec = model.feature_spec
    labelled = (
        monitoring_batch.dropna(subset=[spec["target"]])
        if spec["target"] in monitoring_batch
        else None
    )
    batch_metrics = (
        metrics.score_model(
            model.model, labelled, labelled[spec["target"]], spec["task"]
        )
        if labelled is not None and len(labelled)
        else None
    )
    report = monitoring.monitoring_report(
        monitoring_batch,
        monitoring_predictions,
        model.reference_profile,  # type: ignore[arg-type]  # checked above
        batch_quality,
        batch_metrics,
        thresholds=monitor,
    )
    logger.info(
        "Batch %s: %d rows, %.0f%% of features drifted, %d alarms (model version %s).",
        monitor["filepath"],
        report["rows"],
        100 * report["drifted_share"],
        len(report["alarms"]),
        scoring_model.version,
    )
    return report | {
        "model_version": scoring_model.version,
        "batch": monitor["filepath"],
        "batch_digest": table_digest(monitoring_batch),
    }


def describe_batch(monitoring_batch: pd.DataFrame, monitor: dict[str, Any]) -> Any:
    """The batch as an MLflow dataset (name, digest, schema, rows): the run's page
    lists what was monitored."""
    return features.as_mlflow_dataset(
        monitoring_batch, name=monitor["filepath"], source=monitor["filepath"]
    )


def plot_drift(monitoring_report: dict[str, Any], monitor: dict[str, Any]) -> go.Figure:
    """Each feature's distance to the training rows, drifted ones in red."""
    return monitoring.drift_figure(monitoring_report, monitor["min_distance"])


def render_monitoring_report(
    monitoring_report: dict[str, Any], monitoring_drift_plot: go.Figure
) -> str:
    """The report as one HTML page that opens offline."""
    title = (
        f"Monitoring: {monitoring_report['batch']} against model version "
        f"{monitoring_report['model_version']}"
    )
    return monitoring.report_html(monitoring_report, monitoring_drift_plot, title)


def publish_batch(
    monitoring_report: dict[str, Any], monitor: dict[str, Any]
) -> tuple[
    dict[str, dict[str, float]],
    dict[str, Any],
    dict[str, str],
    dict[str, Any],
    list[str],
]:
    """What leaves the run: the report's figures as MLflow metrics at the batch's
    step, the same added to the model version's monitoring series (a run whose
    charts draw them over the batches), tags saying which model and batch the run is
    about, the alert to POST (empty, so not sent, without an alarm), and the alarms
    to raise."""
    step = monitor["step"] if monitor["step"] is not None else int(time.time())
    alarms = monitoring_report["alarms"]
    tags = {
        "model_version": str(monitoring_report["model_version"]),
        "batch_digest": monitoring_report["batch_digest"],
        "monitor.alarm": str(bool(alarms)).lower(),
    }
    drifted = [
        name for name, row in monitoring_report["features"].items() if row["drifted"]
    ]
    alert = {
        "text": f"Monitoring alarm on {monitoring_report['batch']}: "
        + "; ".join(alarms),
        "batch": monitoring_report["batch"],
        "model_version": monitoring_report["model_version"],
        "alarms": alarms,
        "drifted_features": drifted,
    }
    figures = monitoring.monitoring_metrics(monitoring_report, step)
    series = {
        "series": f"monitoring · model version {monitoring_report['model_version']}",
        "metrics": figures,
    }
    return (
        figures,
        series,
        tags,
        alert if alarms else {},
        alarms,
    )


def check_monitoring(
    monitoring_alarms: list[str], monitoring_report_html: str, monitor: dict[str, Any]
) -> bool:
    """Raise the alarm (``Error:``, exit 1) when a threshold was crossed, or only log
    it with ``monitor.fail_on_alarm: false``. It reads the report page so that it runs
    once the page the error points at is written. True when the batch may be scored."""
    if not monitoring_alarms:
        return True
    report = {"alarms": monitoring_alarms}
    if monitor["fail_on_alarm"]:
        monitoring.check_alarms(report, monitor["filepath"])
    logger.warning(
        "Monitoring alarm (not failing the run): %s", "; ".join(monitoring_alarms)
    )
    return True
