"""Tags that make a run findable: the git commit and the task."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import mlflow
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline

from tabular_mlops.catalog_names import FEATURE_SPEC

COMMIT_TAG = "git.commit"
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


class RunTagsHook:
    """Tags the MLflow run with its pipelines, the git commit and, for pipelines
    that decide it, the task (read back from the feature spec, so a run that skipped
    the node that wrote it is tagged too)."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        self._project_path = context.project_path

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        if mlflow.active_run() is not None:
            mlflow.set_tags(
                {
                    COMMIT_TAG: git_commit(self._project_path),
                    PIPELINE_TAG: pipeline_tag(run_params.get("pipeline_names")),
                }
            )

    @hook_impl(tryfirst=True)  # before kedro-mlflow's hook ends the run
    def after_pipeline_run(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        if mlflow.active_run() is not None and FEATURE_SPEC in pipeline.all_outputs():
            mlflow.set_tag("task", catalog[FEATURE_SPEC].load()["task"])
