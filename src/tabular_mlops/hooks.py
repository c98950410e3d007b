"""Project hooks: MLflow run tags, bad-input checks, nested tuning-trial runs, closing the run."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import mlflow
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.framework.project import pipelines
from kedro.pipeline.node import Node

from tabular_mlops.parameters import validate_parameters
from tabular_mlops.tracking import check_tracking_uri


def git_commit(repository: Path) -> str:
    """The checked-out commit, with ``-dirty`` if tracked files changed; else ``unknown``."""
    try:
        commit, changes = (
            subprocess.run(
                ["git", *args],
                cwd=repository,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            for args in (
                ["rev-parse", "HEAD"],
                ["status", "--porcelain", "--untracked-files=no"],
            )
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}-dirty" if changes else commit


class RunTagsHook:
    """Tags the MLflow run with the data fingerprint, the git commit and the task."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        self._project_path = context.project_path

    @hook_impl
    def after_node_run(self, node: Node, outputs: dict[str, Any]) -> None:
        if mlflow.active_run() is None:
            return
        if "data_fingerprint" in outputs:
            mlflow.set_tags(
                outputs["data_fingerprint"]
                | {"git.commit": git_commit(self._project_path)}
            )
        if "feature_spec" in outputs:
            mlflow.set_tag("task", outputs["feature_spec"]["task"])


class CloseMlflowRunHook:
    """Ends the MLflow run completely once a successful pipeline has finished.

    kedro-mlflow re-enters its run before every node but ends it only once, so a later
    session in the same process (a notebook, a test) would log into the old run.
    A run that was already active before the session (an orchestrator's) is left open.
    """

    @hook_impl
    def after_context_created(self) -> None:
        self._outer_run_active = mlflow.active_run() is not None

    @hook_impl
    def after_pipeline_run(self) -> None:
        if not self._outer_run_active:
            while mlflow.active_run() is not None:
                mlflow.end_run()


class InputValidationHook:
    """Refuses bad parameters and an unusable MLflow tracking store before any node
    runs, and before kedro-mlflow opens a run (so no MLflow run is left behind)."""

    @hook_impl(tryfirst=True)
    def after_context_created(self, context: KedroContext) -> None:
        used_blocks = {
            name.removeprefix("params:").split(".")[0]
            for pipeline in pipelines.values()
            for name in pipeline.inputs()
            if name.startswith("params:")
        }
        validate_parameters(context.params, used_blocks)
        if mlflow.active_run() is None:  # else an orchestrator set up tracking
            server = context.config_loader["mlflow"].get("server", {})
            check_tracking_uri(
                server.get("mlflow_tracking_uri"),
                context.env or context.config_loader.default_run_env,
            )


class TuningTrialRunsHook:
    """Logs each Optuna trial of the ``tune`` pipeline as a nested MLflow run (its
    hyper-parameters and CV score) under the pipeline's run.

    The tuning node stays free of MLflow: it returns its trials as a table,
    ``<family>.tuning_trials``, with ``params.<name>`` and ``metrics.<name>`` columns.
    """

    @hook_impl
    def after_node_run(self, outputs: dict[str, Any]) -> None:
        if mlflow.active_run() is None:
            return
        for name, trials in outputs.items():
            if not name.endswith(".tuning_trials"):
                continue
            family = name.removesuffix(".tuning_trials")
            for trial in trials.to_dict("records"):
                with mlflow.start_run(
                    run_name=f"{family}.trial_{trial['number']}",
                    nested=True,
                    tags={"family": family, "trial": str(trial["number"])},
                ):
                    mlflow.log_params(_with_prefix(trial, "params."))
                    mlflow.log_metrics(_with_prefix(trial, "metrics."))


def _with_prefix(record: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The entries of ``record`` whose key starts with ``prefix``, without it."""
    return {
        key.removeprefix(prefix): value
        for key, value in record.items()
        if key.startswith(prefix)
    }
