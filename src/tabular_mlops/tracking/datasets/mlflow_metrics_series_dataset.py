"""Metrics that accumulate across runs in one MLflow run, so the UI draws lines."""

from __future__ import annotations

from typing import Any

import mlflow
from kedro.io import AbstractDataset, DatasetError
from mlflow import MlflowClient
from mlflow.entities import Metric
from mlflow.utils.time import get_current_time_millis

SERIES_TAG = "monitor.series"
"""Marks the run that holds a series, by its name."""
LINK_TAG = "monitor.series_run"
"""The id of the series run, on each run that adds to it."""


class MlflowMetricsSeriesDataset(AbstractDataset[dict[str, Any], None]):
    """Saving ``{"series": name, "metrics": {key: {"value": v, "step": s}}}`` logs the
    metrics at their steps to the run named ``name`` in the active run's experiment
    (created, finished, the first time), and tags the active run with its id
    (``monitor.series_run``). One
    point per run cannot make a line in MLflow's charts; a series run, whose metric
    history grows by a step per batch, does. Write-only.

    Example catalog entry::

        monitoring_history:
          type: tabular_mlops.tracking.datasets.MlflowMetricsSeriesDataset
    """

    def __init__(self, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata

    def save(self, data: dict[str, Any]) -> None:
        active = mlflow.active_run()
        if active is None:
            return
        client, name = MlflowClient(), data["series"]
        experiment = active.info.experiment_id
        found = client.search_runs(
            [experiment], f"tags.`{SERIES_TAG}` = '{name}'", max_results=1
        )
        if found:
            series = found[0].info.run_id
        else:
            series = client.create_run(
                experiment, run_name=name, tags={SERIES_TAG: name}
            ).info.run_id
            client.set_terminated(series)
        timestamp = get_current_time_millis()
        client.log_batch(
            series,
            metrics=[
                Metric(key, item["value"], timestamp, item["step"])
                for key, item in data["metrics"].items()
            ],
        )
        mlflow.set_tag(LINK_TAG, series)

    def load(self) -> None:
        raise DatasetError("A metrics series is write-only here: read it in MLflow.")

    def _describe(self) -> dict[str, Any]:
        return {}
