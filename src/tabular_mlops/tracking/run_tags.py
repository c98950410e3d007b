"""Tags that make a run findable: the git commit and the task."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import mlflow
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline

from tabular_mlops.catalog_names import FEATURE_SPEC
from tabular_mlops.core.secrets import mask_text

COMMIT_TAG = "git.commit"
COMMAND_TAG = "kedro_command"
"""kedro-mlflow's tag, rebuilt from a subset of the options (``--pipeline=``, no
``--env``, ``--params`` or ``--runner-params``); set here to the command as typed."""
PIPELINE_TAG = "kedro.pipeline"
"""The pipelines a run ran (``train``, ``monitor``, ...): what finds a pipeline's runs,
whatever name the run was given."""


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


def pipeline_tag(pipeline_names: list[str] | None) -> str:
    """The ``kedro.pipeline`` tag of a run of ``pipeline_names``."""
    return "+".join(pipeline_names or ["__default__"])


def typed_command() -> str | None:
    """The ``kedro`` command line that started this process, URL passwords masked;
    ``None`` outside a command (a notebook, an Airflow task)."""
    if click.get_current_context(silent=True) is None:
        return None
    return mask_text(shlex.join(["kedro", *sys.argv[1:]]))


class RunTagsHook:
    """Tags the MLflow run with its pipelines, the command, the git commit and, for pipelines
    that decide it, the task (read back from the feature spec, so a run that skipped
    the node that wrote it is tagged too)."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        self._project_path = context.project_path

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        if mlflow.active_run() is not None:
            command = typed_command()
            mlflow.set_tags(
                {
                    COMMIT_TAG: git_commit(self._project_path),
                    PIPELINE_TAG: pipeline_tag(run_params.get("pipeline_names")),
                    **({COMMAND_TAG: command} if command else {}),
                }
            )

    @hook_impl(tryfirst=True)  # before kedro-mlflow's hook ends the run
    def after_pipeline_run(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        if mlflow.active_run() is not None and FEATURE_SPEC in pipeline.all_outputs():
            mlflow.set_tag("task", catalog[FEATURE_SPEC].load()["task"])
