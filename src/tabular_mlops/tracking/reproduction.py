"""Rebuilding a past run from what it recorded: its data snapshot and its resolved
configuration (``kedro reproduce``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import fsspec
import mlflow
import pandas as pd
import yaml
from kedro.framework.project import pipelines
from kedro.pipeline import Pipeline
from mlflow import MlflowClient
from mlflow.entities import Run
from mlflow.environment_variables import MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR
from mlflow.exceptions import MlflowException

from tabular_mlops.core.comparison import differences
from tabular_mlops.core.errors import InputError
from tabular_mlops.core.lineage import prediction_differences
from tabular_mlops.tracking.datasets.table_snapshot_dataset import SNAPSHOT_TAG
from tabular_mlops.tracking.lineage import CONFIGURATION

REPRODUCES_TAG = "reproduces"
TEST_PREDICTIONS = "predictions/test_predictions.parquet"
REGISTRY_STAGES = ("promotion", "forecast_registration")
"""Left out of a rebuild: it would move the registry's aliases, today's champion."""


def _artifact(run: Run, path: str, folder: str) -> Path | None:
    """A run's artefact, downloaded to ``folder`` (without a progress bar: these
    are small files); None when the run has none."""
    MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR.set(False)
    try:
        return Path(
            mlflow.artifacts.download_artifacts(
                run_id=run.info.run_id, artifact_path=path, dst_path=folder
            )
        )
    except (MlflowException, OSError):
        return None


def recorded_inputs(run: Run) -> tuple[dict[str, Any], str]:
    """The run's resolved configuration and its data snapshot's location; an
    ``InputError`` when either is missing, before anything is run or written."""
    run_id = run.info.run_id
    with tempfile.TemporaryDirectory() as folder:
        path = _artifact(run, CONFIGURATION, folder)
        configuration = yaml.safe_load(path.read_text()) if path else None
    if configuration is None:
        raise InputError(
            f"run {run_id} has no {CONFIGURATION} artefact (it did not run the "
            "pipelines through this project's hooks, or predates them): nothing to "
            "rebuild it from"
        )
    snapshot = run.data.tags.get(SNAPSHOT_TAG)
    if snapshot is None:
        raise InputError(
            f"run {run_id} has no data snapshot (its table was above the catalog's "
            "source_snapshot max_size_mb, or it read no source table): it cannot be "
            "rebuilt"
        )
    filesystem, path_in_store = fsspec.core.url_to_fs(snapshot)
    if not filesystem.exists(path_in_store):
        raise InputError(
            f"the data snapshot of run {run_id}, {snapshot}, no longer exists (pruned "
            "or deleted): the run cannot be rebuilt"
        )
    return configuration, snapshot


def rebuild_parameters(configuration: dict[str, Any], snapshot: str) -> dict[str, Any]:
    """The run's parameters, reading its snapshot in place of its source table."""
    parameters = configuration["parameters"]
    return {
        **parameters,
        "data": {**parameters["data"], "filepath": snapshot, "separator": None},
    }


def rebuild_node_names(configuration: dict[str, Any]) -> list[str]:
    """The nodes of the pipelines the run ran, without the registry stages."""
    ran = sum(
        (pipelines[name] for name in configuration["pipelines"]), start=Pipeline([])
    )
    left_out = {
        node.name for stage in REGISTRY_STAGES for node in pipelines[stage].nodes
    }
    return [node.name for node in ran.nodes if node.name not in left_out]


def _test_predictions(run: Run, folder: str) -> pd.DataFrame | None:
    path = _artifact(run, TEST_PREDICTIONS, folder)
    return pd.read_parquet(path) if path else None


def rebuild_differences(
    client: MlflowClient, original: Run, rebuild: Run
) -> tuple[list[str], int]:
    """What differs between a run and its rebuild (metrics, test predictions), as
    lines; and how many metrics were compared."""
    rebuild = client.get_run(rebuild.info.run_id)  # with the metrics logged since
    metrics = {
        "original": {"params": {}, "metrics": dict(original.data.metrics)},
        "rebuild": {"params": {}, "metrics": dict(rebuild.data.metrics)},
    }
    lines = [
        f"metric {name}: {before} -> {after}"
        for _, name, before, after, _ in differences(metrics)  # type: ignore[arg-type]
    ]
    with tempfile.TemporaryDirectory() as folder:
        old, new = (
            _test_predictions(original, folder),
            _test_predictions(rebuild, folder),
        )
        if old is None or new is None:
            lines.append("test predictions: not logged by both runs, not compared")
        else:
            lines += prediction_differences(old, new)
    return lines, len(original.data.metrics)
