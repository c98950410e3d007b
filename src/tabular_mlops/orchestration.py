"""Run a pipeline as separate tasks of an orchestrator (Airflow), tracked as one MLflow run.

Each task is its own process: it opens a ``KedroSession`` at the project path, whatever
the working directory, and joins the MLflow run that the first task created for the
orchestrator's run (kedro-mlflow resumes the run named by ``MLFLOW_RUN_ID``). The last
task marks that run FINISHED or FAILED. Used by the DAG template in ``airflow/``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import mlflow
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from mlflow import MlflowClient
from mlflow.entities import RunStatus

from tabular_mlops.tracking.run_lookup import tracking_experiment_id
from tabular_mlops.tracking.run_tags import PIPELINE_TAG


@contextlib.contextmanager
def _session(
    project_path: str | Path,
    env: str,
    runtime_params: Mapping[str, Any] | None = None,
) -> Iterator[KedroSession]:
    """A session of the project, run from its folder (``${project_root:}``, git tags)."""
    project_path = Path(project_path)
    with contextlib.chdir(project_path):
        bootstrap_project(project_path)
        session = KedroSession.create(
            project_path=project_path,
            env=env,
            runtime_params=nested_params(runtime_params or {}) or None,
        )
        with session:
            yield session


def nested_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``{"data.dataset": "wine"}`` as Kedro's runtime params: ``{"data": {"dataset": ...}}``."""
    nested: dict[str, Any] = {}
    for dotted, value in params.items():
        *parents, leaf = dotted.split(".")
        level = nested
        for key in parents:
            level = level.setdefault(key, {})
        level[leaf] = value
    return nested


def start_tracking(
    project_path: str | Path, env: str, pipeline_name: str, tags: Mapping[str, str]
) -> str:
    """The id of the MLflow run with these tags (the orchestrator's run), created if new.

    Looking it up first makes a retried or re-run first task join the same MLflow run.
    """
    with _session(project_path, env) as session:
        experiment_id = tracking_experiment_id(session.load_context())
        matching = " and ".join(
            f"tags.`{key}` = '{value}'" for key, value in tags.items()
        )
        existing = mlflow.search_runs(
            [experiment_id], filter_string=matching, output_format="list"
        )
        if existing:
            return existing[0].info.run_id
        run = MlflowClient().create_run(
            experiment_id,
            run_name=pipeline_name,
            tags={**tags, PIPELINE_TAG: pipeline_name},
        )
        return run.info.run_id


def run_nodes(  # noqa: PLR0913
    project_path: str | Path,
    env: str,
    pipeline_name: str,
    mlflow_run_id: str,
    runtime_params: Mapping[str, Any] | None = None,
    node_names: list[str] | None = None,
    namespaces: list[str] | None = None,
) -> None:
    """Run some nodes of a pipeline (one task), logging into the given MLflow run."""
    os.environ["MLFLOW_RUN_ID"] = mlflow_run_id  # mlflow.start_run consumes it
    try:
        with _session(project_path, env, runtime_params) as session:
            session.run(
                pipeline_names=[pipeline_name],
                node_names=node_names,
                namespaces=namespaces,
            )
    finally:
        os.environ.pop("MLFLOW_RUN_ID", None)


def end_tracking(
    project_path: str | Path, env: str, mlflow_run_id: str, succeeded: bool
) -> None:
    """Mark the orchestrator's MLflow run FINISHED, or FAILED if a task failed."""
    with _session(project_path, env) as session:
        tracking_experiment_id(session.load_context())
        status = RunStatus.FINISHED if succeeded else RunStatus.FAILED
        MlflowClient().set_terminated(mlflow_run_id, RunStatus.to_string(status))
