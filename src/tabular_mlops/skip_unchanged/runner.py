"""A runner that skips the nodes whose inputs, parameters and code did not change.

``kedro run`` uses it by default (see ``cli.py``); ``--runner-params force=true`` runs
every node. Hooks cannot leave nodes out of a run in Kedro, so the choice is made
here, from the node keys (``keys``) and their record (``manifest``);
``ForgetRerunNodesHook`` keeps the record right when another runner rewrites outputs.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kedro.io import AbstractDataset, CatalogProtocol
from kedro.pipeline import Pipeline
from kedro.pipeline.node import Node
from kedro.runner import SequentialRunner
from pluggy import PluginManager

from tabular_mlops.skip_unchanged.keys import node_keys
from tabular_mlops.skip_unchanged.manifest import read_manifest, update_manifest
from tabular_mlops.tracking.skipped import log_skipped_tracking


def nodes_to_run(
    pipeline: Pipeline,
    catalog: CatalogProtocol,
    keys: dict[str, str],
    recorded: dict[str, str],
) -> set[Node]:
    """Nodes without outputs, nodes whose key differs from the recorded one, and
    nodes one of whose outputs is needed: a persisted output that is missing (files, or MLflow metrics and models,
    which a new MLflow run does not hold yet), a memory output read by a node that
    runs, or a memory output no node reads (a result of the run itself)."""
    readers: dict[str, set[Node]] = defaultdict(set)
    for node in pipeline.nodes:
        for name in node.inputs:
            readers[name].add(node)
    running: set[Node] = set()

    def needed(name: str) -> bool:
        dataset = catalog.get(name, fallback_to_runtime_pattern=True)
        if getattr(dataset, "_EPHEMERAL", False):
            return not readers[name] or bool(readers[name] & running)
        if getattr(type(dataset), "_exists", None) is AbstractDataset._exists:
            return True  # cannot tell, e.g. a model logged to each MLflow run
        return not catalog.exists(name)

    for node in reversed(pipeline.nodes):  # readers are decided before producers
        if (
            not node.outputs  # its effect is all it does, e.g. a check
            or recorded.get(node.name) != keys[node.name]
            or any(needed(name) for name in node.outputs)
        ):
            running.add(node)
    return running


class SkipUnchangedRunner(SequentialRunner):
    """``SequentialRunner`` that skips a node when its key (code, parameters, input
    content) matches the key recorded at its last successful run and its outputs
    exist, with a log line per skipped node. The MLflow run still receives the
    parameters and artefacts of skipped nodes; metrics and the champion model, which
    live only in MLflow, always go through their (quick) nodes again.

    Args:
        is_async: load and save node data in threads.
        force: run every node, as ``SequentialRunner`` does, and record their keys.
    """

    def __init__(self, is_async: bool = False, force: bool = False):
        super().__init__(is_async=is_async)
        self._force = force
        # What Kedro records as the run's runner (run_params, kedro-mlflow's tag):
        # a readable name, which also tells kedro-viz's run-status view that this
        # is a sequential runner.
        self.__name__ = (
            f"{type(self).__module__}.{type(self).__name__}(force={force}), a "
            "kedro.runner.sequential_runner.SequentialRunner object"
        )

    def run(
        self,
        pipeline: Pipeline,
        catalog: CatalogProtocol,
        hook_manager: PluginManager | None = None,
        run_id: str | None = None,
        only_missing_outputs: bool = False,
    ) -> dict[str, Any]:
        keys = node_keys(pipeline, catalog)
        running = (
            set(pipeline.nodes)
            if self._force
            else nodes_to_run(pipeline, catalog, keys, read_manifest())
        )
        skipped = [node for node in pipeline.nodes if node not in running]
        if skipped:
            self._logger.info(
                "%d of %d nodes are up to date and will be skipped; "
                "--runner-params force=true runs them all.",
                len(skipped),
                len(pipeline.nodes),
            )
        for node in skipped:
            self._logger.info(
                "Skipped node: %s (code, parameters and inputs unchanged, outputs "
                "present)",
                node.name,
            )
        if skipped and hook_manager is not None:
            log_skipped_tracking(skipped, catalog, hook_manager)
        to_run = Pipeline(running)
        if only_missing_outputs:
            to_run = self._filter_pipeline_for_missing_outputs(to_run, catalog)
        result = super().run(to_run, catalog, hook_manager, run_id)
        update_manifest(
            lambda recorded: recorded.update(
                {node.name: keys[node.name] for node in to_run.nodes}
            )
        )
        return result
