"""What a node skipped by ``SkipUnchangedRunner`` would have logged to MLflow."""

from __future__ import annotations

from pathlib import Path

import mlflow
from kedro.io import CatalogProtocol
from kedro.pipeline.node import Node
from kedro_mlflow.framework.hooks import MlflowHook
from pluggy import PluginManager

from tabular_mlops.tracking.datasets.mlflow_params_dataset import MlflowParamsDataset


def log_skipped_tracking(
    skipped: list[Node], catalog: CatalogProtocol, hook_manager: PluginManager
) -> None:
    """Log to the active MLflow run what the skipped nodes would have logged: their
    parameters (through kedro-mlflow's hook, as for a node that runs), their MLflow
    artefacts and the parameters their outputs log, from the local copies their
    datasets keep."""
    mlflow_hooks = [
        hook for hook in hook_manager.get_plugins() if isinstance(hook, MlflowHook)
    ]
    if not mlflow_hooks or mlflow.active_run() is None:
        return
    parameters = {
        name: catalog.load(name)
        for node in skipped
        for name in node.inputs
        if name.startswith("params:")
    }
    for hook in mlflow_hooks:
        hook.before_node_run(
            node=skipped[0], catalog=catalog, inputs=parameters, is_async=False
        )
    for name in (name for node in skipped for name in node.outputs):
        dataset = catalog.get(name)
        if isinstance(dataset, MlflowParamsDataset):
            dataset.log_params(dataset.load())
            dataset = dataset.wrapped
        # kedro-mlflow's artifact datasets log the file they save at `_filepath`.
        if getattr(dataset, "_logging_activated", False):
            mlflow.log_artifact(
                Path(getattr(dataset, "_filepath")).as_posix(),
                getattr(dataset, "artifact_path"),
            )
    mlflow.set_tag("kedro.skipped_nodes", ",".join(node.name for node in skipped))
