"""Tags of the active MLflow run, from a node."""

from __future__ import annotations

from typing import Any

import mlflow
from kedro.io import AbstractDataset, DatasetError


class MlflowTagsDataset(AbstractDataset[dict[str, str], None]):
    """Saving a dict sets each item as a tag of the active MLflow run (nothing
    without one): what a run is about, for searches and the runs table. Write-only.

    Example catalog entry::

        monitoring_tags:
          type: tabular_mlops.tracking.datasets.MlflowTagsDataset
    """

    def __init__(self, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata

    def save(self, data: dict[str, str]) -> None:
        if mlflow.active_run() is not None:
            mlflow.set_tags(data)

    def load(self) -> None:
        raise DatasetError("MLflow run tags are write-only here.")

    def _describe(self) -> dict[str, Any]:
        return {}
