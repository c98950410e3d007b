"""What a run ran with, as artefacts of its MLflow run: the resolved configuration
(what ``kedro reproduce`` runs again) and the runtime environment."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import mlflow
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline

from tabular_mlops.core.lineage import DIRTY
from tabular_mlops.core.secrets import mask_tree
from tabular_mlops.tracking.run_tags import git_commit

CONFIGURATION = "lineage/configuration.yml"
ENVIRONMENT = "lineage/environment.yml"
PACKAGES = (
    "kedro",
    "kedro-datasets",
    "kedro-mlflow",
    "mlflow",
    "scikit-learn",
    "pandas",
    "numpy",
    "scipy",
    "pyarrow",
    "optuna",
)
"""The libraries whose versions decide a run's results."""


def run_configuration(
    context: KedroContext,
    run_params: dict[str, Any],
    pipeline: Pipeline,
    catalog: DataCatalog,
) -> dict[str, Any]:
    """The Kedro environment, pipelines, ``--params``, every parameter as resolved
    (after environments and ``--params``) and the catalog entries of the pipeline's
    inputs; secrets masked (credentials stay out: entries name them, never hold
    them), as in every other record of a run."""
    inputs = {name for name in pipeline.inputs() if not name.startswith("params:")}
    entries = catalog.to_config()[0]
    return mask_tree(
        {
            "env": run_params.get("env") or context.env,
            "pipelines": run_params.get("pipeline_names") or ["__default__"],
            "runtime_params": run_params.get("runtime_params") or {},
            "parameters": context.params,
            "catalog": {
                name: entries[name] for name in sorted(inputs & entries.keys())
            },
        }
    )


def run_environment(project_path: Path) -> dict[str, Any]:
    """Python, the git commit (and whether the checkout had uncommitted changes), the
    lock files' SHA-256 and the installed versions of ``PACKAGES``."""
    commit = git_commit(project_path)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git": {"commit": commit.removesuffix(DIRTY), "dirty": commit.endswith(DIRTY)},
        "lock_files": {
            path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(project_path.glob("requirements*.lock"))
        },
        "packages": {name: metadata.version(name) for name in PACKAGES},
    }


class LineageHook:
    """Logs ``lineage/configuration.yml`` and ``lineage/environment.yml`` to each
    MLflow run, before its first node."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        self._context = context

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: DataCatalog
    ) -> None:
        if mlflow.active_run() is None:
            return
        mlflow.log_dict(
            run_configuration(self._context, run_params, pipeline, catalog),
            CONFIGURATION,
        )
        mlflow.log_dict(run_environment(self._context.project_path), ENVIRONMENT)
