"""Log a dictionary of metrics to MLflow in one request."""

from __future__ import annotations

from itertools import chain

from kedro_mlflow.io.metrics import MlflowMetricsHistoryDataset
from kedro_mlflow.io.metrics.mlflow_metrics_history_dataset import Metricsdict
from mlflow import MlflowClient
from mlflow.entities import Metric
from mlflow.utils.time import get_current_time_millis


class MlflowMetricsBatchDataset(MlflowMetricsHistoryDataset):
    """``MlflowMetricsHistoryDataset`` that logs all its metrics in one MLflow batch,
    where kedro-mlflow sends a request (a database transaction) per metric and step.
    Same data format, loading and run selection."""

    def _save(self, data: Metricsdict) -> None:
        if not self._logging_activated:
            return
        timestamp = get_current_time_millis()
        MlflowClient().log_batch(
            self.run_id,
            metrics=[
                Metric(key, value, timestamp, step)
                for key, value, step in chain.from_iterable(
                    self._build_args_list_from_metric_item(key, item)
                    for key, item in data.items()
                )
            ],
        )
