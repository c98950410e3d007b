"""Project hooks: MLflow run tags, bad-input checks, nested tuning-trial runs, closing
the run, and a short summary at the end of training."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.framework.project import pipelines
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline
from kedro.pipeline.node import Node
from kedro_mlflow.framework.hooks import MlflowHook
from mlflow.utils.validation import MAX_PARAM_VAL_LENGTH

from tabular_mlops.parameters import validate_parameters
from tabular_mlops.pipelines.modelling.nodes import LOWER_IS_BETTER, champion_metric
from tabular_mlops.tracking import check_tracking_uri

logger = logging.getLogger(__name__)


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


class BatchedMlflowHook(MlflowHook):
    """kedro-mlflow's hook, registered in its place (``settings.py``), that logs a
    node's parameters in one MLflow request where kedro-mlflow sends one per
    parameter (a database transaction each). Parameters too long for MLflow still
    follow kedro-mlflow's ``long_params_strategy``."""

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
        if len(str(value)) <= MAX_PARAM_VAL_LENGTH:
            self._pending_params[name] = value
        else:
            super()._log_param(name, value)


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
                context.env or context.config_loader.default_run_env,  # type: ignore[attr-defined]
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


def training_summary(
    data: dict[str, Any],
    feature_spec: dict[str, Any],
    candidate_comparison: pd.DataFrame,
    metric: str,
) -> list[str]:
    """What a training run did, one sentence a line: data, task, candidates, champion."""
    source = data["filepath"] or f"{data['dataset']} (bundled)"
    direction = "lower" if metric in LOWER_IS_BETTER else "higher"
    champion = candidate_comparison.iloc[0]
    return [
        f"Trained on {source}: {feature_spec['rows']} rows, "
        f"{feature_spec['task']} task on '{feature_spec['target']}'.",
        f"Candidates by mean CV {metric} ({direction} is better): "
        + ", ".join(
            f"{row['family']} {row[f'cv_{metric}']:.4f}"
            for _, row in candidate_comparison.iterrows()
        )
        + ".",
        f"Champion: {champion['family']}, test {metric} "
        f"{champion[f'test_{metric}']:.4f}.",
    ]


class TrainingSummaryHook:
    """Logs a short summary at the end of every run that chose a champion, and where
    to look next."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        ui = context.mlflow.ui  # type: ignore[attr-defined]  # set by kedro-mlflow
        self._mlflow_ui = f"http://{ui.host}:{ui.port}"

    @hook_impl
    def before_pipeline_run(self) -> None:
        run = mlflow.active_run()
        self._run_id = run.info.run_id if run else None

    @hook_impl
    def after_pipeline_run(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        if "candidate_comparison" not in pipeline.all_outputs():
            return
        # Read the datasets directly: the catalog would log each load.
        feature_spec = catalog["feature_spec"].load()
        summary = training_summary(
            data=catalog["params:data"].load(),
            feature_spec=feature_spec,
            candidate_comparison=catalog["candidate_comparison"].load(),
            metric=champion_metric(
                catalog["params:modelling"].load(), feature_spec["task"]
            ),
        )
        comparison_file = Path(catalog["candidate_comparison"]._describe()["filepath"])
        run = f" (run {self._run_id})" if self._run_id else ""
        summary += [
            f"MLflow{run}: `kedro mlflow ui`, then {self._mlflow_ui}.",
            f"Reports and plots: {_relative(comparison_file.parent)}/",
        ]
        for line in summary:
            logger.info(line)


def _relative(path: Path) -> str:
    """``path`` relative to the working directory when inside it, for shorter logs."""
    return str(
        path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    )
