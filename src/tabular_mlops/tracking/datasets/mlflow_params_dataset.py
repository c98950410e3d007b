"""A dict saved through another dataset and logged as MLflow run parameters."""

from __future__ import annotations

from typing import Any

import mlflow
import pandas as pd
from kedro.io import AbstractDataset


class MlflowParamsDataset(AbstractDataset[dict[str, Any], dict[str, Any]]):
    """Saves a dict with ``dataset`` and logs its leaves as parameters of the active
    MLflow run, named ``<prefix>.<key>.<key>``; loads it back from ``dataset``.

    For values a node decides (e.g. the hyper-parameters of the run's task, out of
    those configured for every task): kedro-mlflow logs only ``params:`` inputs, as
    configured.

    Example catalog entry::

        "{family}.candidate_config":
          type: tabular_mlops.tracking.datasets.MlflowParamsDataset
          prefix: "{family}"
          dataset:
            type: json.JSONDataset
            filepath: data/06_models/candidates/{family}_config.json
    """

    def __init__(
        self,
        prefix: str,
        dataset: dict[str, Any],
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._prefix = prefix
        self.wrapped = AbstractDataset.from_config(f"{prefix}.params", dataset)
        self.metadata = metadata

    def log_params(self, data: dict[str, Any]) -> None:
        """Log ``data``'s leaves to the active run (nothing without one)."""
        if mlflow.active_run() is None:
            return
        leaves = pd.json_normalize(data, sep=".").iloc[0].to_dict()
        mlflow.log_params({f"{self._prefix}.{key}": v for key, v in leaves.items()})

    def save(self, data: dict[str, Any]) -> None:
        self.wrapped.save(data)
        self.log_params(data)

    def load(self) -> dict[str, Any]:
        return self.wrapped.load()

    def _exists(self) -> bool:
        return self.wrapped.exists()

    def _describe(self) -> dict[str, Any]:
        return {"prefix": self._prefix, "dataset": repr(self.wrapped)}
