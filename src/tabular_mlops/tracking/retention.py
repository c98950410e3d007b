"""Retention: which runs and data snapshots ``kedro prune`` deletes."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import fsspec
from mlflow import MlflowClient
from mlflow.entities import Run

from tabular_mlops.tracking.datasets.table_snapshot_dataset import DIGEST_TAG
from tabular_mlops.tracking.run_tags import PIPELINE_TAG

PARENT_TAG = "mlflow.parentRunId"


class Pruning(NamedTuple):
    """What to delete: runs (with their nested runs) and unreferenced snapshot files."""

    runs: list[Run]
    snapshots: list[str]


def _registered_run_ids(client: MlflowClient) -> set[str]:
    """The runs behind every registered model version, of every model."""
    return {
        str(version.run_id)
        for version in client.search_model_versions(max_results=100_000)
        if version.run_id
    }


def runs_beyond(client: MlflowClient, experiment_id: str, keep: int) -> list[Run]:
    """Per pipeline (tag ``kedro.pipeline``, else the run's name), the runs older than its last
    ``keep``, with their nested runs; never a run that backs a registered model
    version, nor one of its nested runs. Oldest first."""
    runs = client.search_runs(
        [experiment_id], order_by=["attributes.start_time DESC"], max_results=50_000
    )
    children: dict[str, list[Run]] = defaultdict(list)
    by_pipeline: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        parent = run.data.tags.get(PARENT_TAG)
        if parent:
            children[parent].append(run)
        else:
            by_pipeline[run.data.tags.get(PIPELINE_TAG, run.info.run_name)].append(run)
    registered = _registered_run_ids(client)
    old = [
        run
        for newest_first in by_pipeline.values()
        for run in newest_first[keep:]
        if run.info.run_id not in registered
    ]
    return sorted(
        (member for run in old for member in [run, *children[run.info.run_id]]),
        key=lambda run: run.info.start_time,
    )


def unreferenced_snapshots(
    client: MlflowClient, store: str, deleted: list[Run]
) -> list[str]:
    """The snapshot files in ``store`` that no run of the tracking store (in any
    experiment) refers to once ``deleted`` are gone."""
    filesystem, folder = fsspec.core.url_to_fs(store)
    if not filesystem.exists(folder):
        return []
    gone = {run.info.run_id for run in deleted}
    experiments = [
        experiment.experiment_id for experiment in client.search_experiments()
    ]
    referenced = {
        run.data.tags[DIGEST_TAG]
        for run in client.search_runs(experiments, max_results=50_000)
        if run.info.run_id not in gone and DIGEST_TAG in run.data.tags
    }
    return sorted(
        f"{store.rstrip('/')}/{path.rsplit('/', 1)[-1]}"
        for path in filesystem.glob(f"{folder}/*.parquet")
        if path.rsplit("/", 1)[-1].removesuffix(".parquet") not in referenced
    )


def plan_pruning(
    client: MlflowClient, experiment_id: str, store: str, keep: int
) -> Pruning:
    runs = runs_beyond(client, experiment_id, keep)
    return Pruning(runs, unreferenced_snapshots(client, store, runs))


def prune_runs(client: MlflowClient, pruning: Pruning) -> None:
    """Delete the runs (MLflow marks them deleted; `mlflow gc` frees their
    artefacts) and the snapshot files."""
    for run in pruning.runs:
        client.delete_run(run.info.run_id)
    for snapshot in pruning.snapshots:
        filesystem, path = fsspec.core.url_to_fs(snapshot)
        filesystem.rm(path)
