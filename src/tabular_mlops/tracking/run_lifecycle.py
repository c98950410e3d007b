"""The MLflow run of a Kedro session: who owns it, how it ends, and the runs that a
killed process left RUNNING."""

from __future__ import annotations

import logging
import os
import socket

import mlflow
from kedro.framework.hooks import hook_impl
from mlflow import MlflowClient
from mlflow.entities import RunStatus

logger = logging.getLogger(__name__)

PID_TAG = "tabular_mlops.pid"
HOST_TAG = "tabular_mlops.host"
NOTE_TAG = "tabular_mlops.note"


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True


def fail_orphaned_runs(experiment_id: str, current_run_id: str) -> list[str]:
    """Mark FAILED, with a note, the runs of this host that are still RUNNING although
    the process that owned them is gone (``kill -9``, a crash, a lost machine).
    Returns their ids."""
    client = MlflowClient()
    host = socket.gethostname()
    running = client.search_runs(
        [experiment_id],
        filter_string=(
            f"attributes.status = 'RUNNING' and tags.`{HOST_TAG}` = '{host}'"
        ),
    )
    orphaned = [
        run
        for run in running
        if run.info.run_id != current_run_id
        and not process_alive(int(run.data.tags[PID_TAG]))
    ]
    for run in orphaned:
        pid = run.data.tags[PID_TAG]
        client.set_tag(
            run.info.run_id,
            NOTE_TAG,
            f"process {pid} on {host} ended without closing this run (killed?); "
            f"marked FAILED by run {current_run_id}",
        )
        client.set_terminated(run.info.run_id, RunStatus.to_string(RunStatus.FAILED))
        logger.warning(
            "MLflow run %s was left RUNNING by process %s, which is gone: marked FAILED.",
            run.info.run_id,
            pid,
        )
    return [run.info.run_id for run in orphaned]


def end_interrupted_run() -> str | None:
    """End the active MLflow run as KILLED after Ctrl-C or SIGTERM (MLflow would mark
    it FINISHED on exit, or leave it RUNNING), with any nested run; returns the id of
    the outermost."""
    ended = None
    while (run := mlflow.active_run()) is not None:
        ended = run.info.run_id
        mlflow.end_run(RunStatus.to_string(RunStatus.KILLED))
    return ended


class RunLifecycleHook:
    """Tags the session's MLflow run with its process and host, fails the runs that
    killed processes left RUNNING, and ends the run completely once a successful
    pipeline has finished.

    kedro-mlflow re-enters its run before every node but ends it only once, so a later
    session in the same process (a notebook, a test) would log into the old run.
    A run that was already active before the session (an orchestrator's) is left open.
    """

    @hook_impl
    def after_context_created(self) -> None:
        self._outer_run_active = mlflow.active_run() is not None

    @hook_impl(trylast=True)  # after kedro-mlflow opened the run
    def before_pipeline_run(self) -> None:
        run = mlflow.active_run()
        if run is None or self._outer_run_active or os.environ.get("MLFLOW_RUN_ID"):
            return  # no run, or an orchestrator's, which spans several processes
        mlflow.set_tags({PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()})
        fail_orphaned_runs(run.info.experiment_id, run.info.run_id)

    @hook_impl
    def after_pipeline_run(self) -> None:
        if not self._outer_run_active:
            while mlflow.active_run() is not None:
                mlflow.end_run()
