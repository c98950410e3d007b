"""Ending the MLflow run of a Kedro session."""

from __future__ import annotations

import mlflow
from kedro.framework.hooks import hook_impl


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
