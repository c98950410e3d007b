"""A model in the MLflow Model Registry, found by alias or version."""

from __future__ import annotations

from typing import Any

import mlflow
from kedro.io import AbstractDataset
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST, ErrorCode

from tabular_mlops.core.model import RegisteredModel


class MlflowRegisteredModelDataset(
    AbstractDataset[dict[str, Any], RegisteredModel | None]
):
    """Loads the version of ``model_name`` that holds ``alias`` (or ``model_version``;
    not ``version``, a key Kedro removes from dataset configuration); saves a pyfunc
    model as a new version and gives it an alias.

    ``load`` returns ``None`` when no version matches. ``save`` takes a dict with
    ``python_model``, ``input_example`` (MLflow infers the signature from it),
    ``alias`` and ``tags``; it logs to the active run (kedro-mlflow's) and passes
    ``save_args`` (e.g. ``name``, ``pip_requirements``) to ``mlflow.pyfunc.log_model``.

    Example catalog entry::

        champion:
          type: tabular_mlops.datasets.MlflowRegisteredModelDataset
          model_name: tabular_mlops
          alias: champion
    """

    def __init__(
        self,
        model_name: str,
        alias: str | None = "champion",
        model_version: int | str | None = None,
        save_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._model_name = model_name
        self._alias = alias
        self._version = model_version
        self._save_args = save_args or {}
        self.metadata = metadata

    def _find_version(self) -> str | None:
        client = MlflowClient()
        try:
            registered = client.get_registered_model(self._model_name)
        except MlflowException as error:
            if error.error_code == ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
                return None
            raise
        version = self._version or registered.aliases.get(self._alias)
        return None if version is None else str(version)

    def fingerprint(self) -> str:
        """The version this dataset loads, without loading the model: a registered
        version never changes (used for node keys, see ``node_cache``)."""
        return f"{self._model_name} version {self._find_version()}"

    def load(self) -> RegisteredModel | None:
        version = self._find_version()
        if version is None:
            return None
        uri = f"models:/{self._model_name}/{version}"
        return RegisteredModel(version, mlflow.pyfunc.load_model(uri))

    def save(self, data: dict[str, Any]) -> None:
        info = mlflow.pyfunc.log_model(
            python_model=data["python_model"],
            input_example=data["input_example"],
            registered_model_name=self._model_name,
            **self._save_args,
        )
        version = info.registered_model_version
        client = MlflowClient()
        client.set_registered_model_alias(self._model_name, data["alias"], version)
        for key, value in data["tags"].items():
            client.set_model_version_tag(self._model_name, version, key, value)

    def _exists(self) -> bool:
        return self._find_version() is not None

    def _describe(self) -> dict[str, Any]:
        return {
            "model_name": self._model_name,
            "alias": self._alias,
            "version": self._version,
        }
