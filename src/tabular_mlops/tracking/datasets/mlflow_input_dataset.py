"""Record a table as an input of the MLflow run."""

from __future__ import annotations

from typing import Any

import mlflow
from kedro.io import AbstractDataset, DatasetError
from mlflow.data.dataset import Dataset
from mlflow.exceptions import MlflowException


class MlflowInputDataset(AbstractDataset[Dataset, None]):
    """Saving an ``mlflow.data`` dataset logs it as an input of the active run
    (``mlflow.log_input``): the run's page lists its name, digest, schema and
    source, and searches can filter runs by it. Write-only.

    Example catalog entry::

        source_data_input:
          type: tabular_mlops.tracking.datasets.MlflowInputDataset
          context: training
    """

    def __init__(self, context: str, metadata: dict[str, Any] | None = None) -> None:
        self._context = context
        self.metadata = metadata

    def save(self, data: Dataset) -> None:
        if mlflow.active_run() is None:
            return
        try:
            mlflow.log_input(data, context=self._context)
        except MlflowException as error:
            # Two runs logging the same table at once race in MLflow's store (its
            # get-or-create of the dataset is not atomic: a unique-key violation on a
            # tracking server). The dataset exists now: linking it again succeeds.
            message = str(error).lower()
            if "duplicate" not in message and "unique" not in message:
                raise
            mlflow.log_input(data, context=self._context)

    def load(self) -> None:
        raise DatasetError("An MLflow run input is write-only.")

    def _describe(self) -> dict[str, Any]:
        return {"context": self._context}
