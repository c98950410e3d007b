"""A model in the MLflow Model Registry, found by alias or version."""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path
from typing import Any

import mlflow
from kedro.io import AbstractDataset
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST, ErrorCode

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.model import (
    RegisteredModel,
    stage_model_code,
    with_estimator_requirements,
)
from tabular_mlops.tracking.run_lookup import run_page

MODEL_CARD = "model_card.md"
REGISTERED_MODEL_TAG = "registry.model"
REGISTERED_VERSION_TAG = "registry.version"
"""Run tags naming the version a training run registered, or found already registered."""
REFERENCE_PROFILE = "reference_profile.json"


class MlflowRegisteredModelDataset(
    AbstractDataset[dict[str, Any], RegisteredModel | None]
):
    """Loads the version of ``model_name`` that holds ``alias`` (or ``model_version``;
    not ``version``, a key Kedro removes from dataset configuration); saves a pyfunc
    model as a new version, self-contained, with an alias, tags and a model card.

    ``load`` returns ``None`` when no version matches, or, with ``required: true``,
    raises an ``InputError`` saying what is missing and what exists. ``save`` takes a
    dict with
    ``python_model``, ``input_example`` (MLflow infers the signature from it, unless
    a ``signature`` is given), ``alias``, ``tags``, ``model_card`` (Markdown) and
    ``reference_profile`` (what monitoring compares batches with, also
    ``artifacts/reference_profile.json``; forecasters have none), or
    only ``existing_version``: the version that already holds this model, which the
    run is then linked to (tags ``registry.model``, ``registry.version``, set for a
    new version too). It logs to the active run
    (kedro-mlflow's) with the project's ``core`` code inside the model
    (``code_paths``), so the version loads where only its own requirements are
    installed, and passes ``save_args`` (e.g. ``name``, ``pip_requirements``, to which
    the packages of the model's ``estimators`` are added, e.g. CatBoost) to ``mlflow.pyfunc.log_model``. The card is an artefact of the model
    (``artifacts/model_card.md``) and, with links to the run that registered the
    version and to its ``report_artifact``, its description in the registry.

    Example catalog entry::

        champion:
          type: tabular_mlops.tracking.datasets.MlflowRegisteredModelDataset
          model_name: tabular_mlops
          alias: champion
    """

    def __init__(
        self,
        model_name: str,
        alias: str | None = "champion",
        model_version: int | str | None = None,
        required: bool = False,
        report_artifact: str | None = None,
        save_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._model_name = model_name
        self._alias = alias
        self._version = model_version
        self._required = required
        self._report_artifact = report_artifact
        self._save_args = save_args or {}
        self.metadata = metadata

    def _find_version(self) -> str | None:
        client = MlflowClient()
        try:
            registered = client.get_registered_model(self._model_name)
        except MlflowException as error:
            if error.error_code != ErrorCode.Name(RESOURCE_DOES_NOT_EXIST):
                raise
            self._refuse_if_required(
                f"No model is registered as '{self._model_name}' in this tracking "
                "store: run `kedro run --pipelines=train` first, or set "
                "registry.model_name."
            )
            return None
        if self._version is not None:
            versions = client.search_model_versions(f"name = '{self._model_name}'")
            if str(self._version) in {str(found.version) for found in versions}:
                return str(self._version)
            self._refuse_if_required(
                f"Registered model '{self._model_name}' has no version "
                f"{self._version} (versions: "
                f"{', '.join(sorted((str(v.version) for v in versions), key=int))})."
            )
            return None
        version = registered.aliases.get(self._alias)
        if version is None:
            self._refuse_if_required(
                f"Registered model '{self._model_name}' has no version with the alias "
                f"'{self._alias}' (aliases: {', '.join(sorted(registered.aliases)) or 'none'}). "
                "Name one of them, or a version number."
            )
        return None if version is None else str(version)

    def _refuse_if_required(self, problem: str) -> None:
        if self._required:
            raise InputError(problem)

    def fingerprint(self) -> str:
        """The version this dataset loads, without loading the model: a registered
        version never changes (used for node keys, see ``skip_unchanged``)."""
        return f"{self._model_name} version {self._find_version()}"

    def load(self) -> RegisteredModel | None:
        version = self._find_version()
        if version is None:
            return None
        uri = f"models:/{self._model_name}/{version}"
        try:
            return RegisteredModel(version, mlflow.pyfunc.load_model(uri))
        except (ModuleNotFoundError, AttributeError) as error:
            raise InputError(
                f"Version {version} of registered model '{self._model_name}' cannot "
                f"be loaded ({error}): an earlier version of this project registered "
                "it. Register new models under another name (--params "
                "registry.model_name=...) or delete that version in the MLflow UI."
            ) from error

    def save(self, data: dict[str, Any]) -> None:
        version = data.get("existing_version") or self._register(data)
        mlflow.set_tags(
            {
                REGISTERED_MODEL_TAG: self._model_name,
                REGISTERED_VERSION_TAG: str(version),
            }
        )

    def _register(self, data: dict[str, Any]) -> int:
        with tempfile.TemporaryDirectory() as folder:
            card = Path(folder, MODEL_CARD)
            card.write_text(data["model_card"])
            artifacts = {"model_card": str(card)}
            if data.get("reference_profile") is not None:
                profile = Path(folder, REFERENCE_PROFILE)
                profile.write_text(json.dumps(data["reference_profile"], indent=1))
                artifacts["reference_profile"] = str(profile)
            info = mlflow.pyfunc.log_model(
                python_model=data["python_model"],
                input_example=data["input_example"],
                signature=data.get("signature"),
                registered_model_name=self._model_name,
                code_paths=[str(stage_model_code(Path(folder)))],
                artifacts=artifacts,
                **with_estimator_requirements(
                    self._save_args, *data["python_model"].estimators
                ),
            )
        version = info.registered_model_version
        client = MlflowClient()
        client.set_registered_model_alias(self._model_name, data["alias"], version)
        for key, value in data["tags"].items():
            client.set_model_version_tag(self._model_name, version, key, value)
        today = datetime.date.today().isoformat()
        run = run_page(mlflow.get_run(info.run_id).info.experiment_id, info.run_id)
        report = (
            f" Its report: [{self._report_artifact}]({run}/artifacts/"
            f"{self._report_artifact})."
            if self._report_artifact
            else ""
        )
        client.update_model_version(
            self._model_name,
            version,
            description=f"{data['model_card']}\nRegistered as version {version} of "
            f"`{self._model_name}` on {today} by MLflow run [`{info.run_id}`]({run})."
            f"{report}\n",
        )
        return version

    def _exists(self) -> bool:
        return self._find_version() is not None

    def _describe(self) -> dict[str, Any]:
        return {
            "model_name": self._model_name,
            "alias": self._alias,
            "version": self._version,
        }
