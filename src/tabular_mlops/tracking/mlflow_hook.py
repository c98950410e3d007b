"""kedro-mlflow's hook, with a node's parameters logged in one request."""

from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

import mlflow
from kedro.framework.hooks import hook_impl
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline
from kedro.pipeline.node import Node
from kedro_mlflow.framework.hooks import MlflowHook
from mlflow.utils.validation import MAX_PARAM_VAL_LENGTH

from tabular_mlops.core.secrets import mask_tree, mask_value

KEDRO_MLFLOW_METRIC_DATASETS = frozenset(
    {"MlflowMetricDataset", "MlflowMetricHistoryDataset", "MlflowMetricsHistoryDataset"}
)


def _is_kedro_mlflow_metric(entry: Any) -> bool:
    """Whether a catalog entry (or dataset factory) configures a kedro-mlflow metric."""
    kind = str(entry.get("type", "")) if isinstance(entry, dict) else ""
    return kind.rpartition(".")[2] in KEDRO_MLFLOW_METRIC_DATASETS


class BatchedMlflowHook(MlflowHook):
    """kedro-mlflow's hook, registered in its place (``settings.py``), that logs a
    node's parameters in one MLflow request where kedro-mlflow sends one per
    parameter (a database transaction each), and never logs a credential: URL
    passwords and parameters named like secrets are masked in parameters and in the
    run tags kedro-mlflow writes from ``run_params`` (e.g. ``runtime_params``).
    Parameters too long for MLflow still follow kedro-mlflow's
    ``long_params_strategy``; those matching an ``untracked_parameters`` pattern
    (``fnmatch``, on the flattened name) are not logged."""

    def __init__(self, untracked_parameters: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._untracked_parameters = untracked_parameters

    @hook_impl
    def after_catalog_created(
        self,
        catalog: DataCatalog,
        conf_catalog: dict[str, Any],
        conf_creds: dict[str, Any],
        parameters: dict[str, Any],
        save_version: str,
        load_versions: dict[str, str],
    ) -> None:
        """kedro-mlflow names its metric datasets after their catalog entries here, and
        builds every dataset of the catalog to find them: a second of imports
        (matplotlib, plotly, ...) before the first node. Only a catalog configuring one
        of them needs it."""
        if any(_is_kedro_mlflow_metric(entry) for entry in conf_catalog.values()):
            super().after_catalog_created(
                catalog=catalog,
                conf_catalog=conf_catalog,
                conf_creds=conf_creds,
                parameters=parameters,
                save_version=save_version,
                load_versions=load_versions,
            )

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: DataCatalog
    ) -> None:
        super().before_pipeline_run(
            run_params=mask_tree(run_params), pipeline=pipeline, catalog=catalog
        )

    @hook_impl
    def before_node_run(
        self, node: Node, catalog: DataCatalog, inputs: dict[str, Any], is_async: bool
    ) -> None:
        self._pending_params: dict[str, Any] = {}
        super().before_node_run(
            node=node, catalog=catalog, inputs=inputs, is_async=is_async
        )
        if self._pending_params:
            mlflow.log_params(self._pending_params)

    def _log_param(self, name: str, value: Any) -> None:
        if any(fnmatch(name, pattern) for pattern in self._untracked_parameters):
            return
        value = mask_value(name, value)
        if len(str(value)) <= MAX_PARAM_VAL_LENGTH:
            self._pending_params[name] = value
        else:
            super()._log_param(name, value)
