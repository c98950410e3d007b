"""One run at a time in a project folder.

Runs share ``data/`` and the node-key record: two at once would read each other's
half-written files and register one run's model under the other's tags. A run takes
an exclusive lock on ``data/.run.lock`` (at the project root) before kedro-mlflow
opens its MLflow run, and gives it back when the pipeline ends. The operating system
releases it when a process dies, so a killed run never blocks the next one.

A second run refuses at once, naming the running one, or with
``TABULAR_MLOPS_CONCURRENT_RUNS=wait`` waits for it. Tasks of an orchestrator (which
share one MLflow run, ``MLFLOW_RUN_ID``) are scheduled by it and take no lock.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path
from typing import IO, Any

from kedro.framework.hooks import hook_impl

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.secrets import mask_text
from tabular_mlops.project_paths import project_root

logger = logging.getLogger(__name__)

LOCK_FILE = Path("data/.run.lock")
POLICY_VARIABLE = "TABULAR_MLOPS_CONCURRENT_RUNS"
POLICIES = ("refuse", "wait")


def _policy() -> str:
    policy = os.environ.get(POLICY_VARIABLE, "refuse")
    if policy not in POLICIES:
        raise InputError(
            f"{POLICY_VARIABLE}={policy!r} is not a policy for concurrent runs. "
            f"Use one of: {', '.join(POLICIES)}."
        )
    return policy


def _describe(holder: dict[str, Any]) -> str:
    return (
        f"pid {holder.get('pid')} on {holder.get('host')}, "
        f"`{holder.get('command')}`, started {holder.get('started')}"
    )


class ProjectRunLockHook:
    """Holds the project's run lock from before the MLflow run opens until the
    pipeline ends (or fails)."""

    def __init__(self) -> None:
        self._lock: IO[str] | None = None

    @hook_impl(tryfirst=True)  # before kedro-mlflow opens the MLflow run
    def before_pipeline_run(self) -> None:
        if os.environ.get("MLFLOW_RUN_ID"):
            return  # an orchestrator's task
        self._release()  # a run of this process that ended without its hooks
        policy = _policy()
        path = project_root() / LOCK_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path, "a+")  # noqa: SIM115 - held until the pipeline ends
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = self._holder(lock)
            if policy == "refuse":
                lock.close()
                raise InputError(
                    f"Another run is using this project ({_describe(holder)}). Wait "
                    f"for it to end, or set {POLICY_VARIABLE}=wait to queue behind "
                    "it; a run in another copy of the project can go at once."
                ) from None
            logger.info("Waiting for the run of %s to end...", _describe(holder))
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        json.dump(
            {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "command": mask_text(
                    " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]).strip()
                ),
                "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            },
            lock,
        )
        lock.flush()
        self._lock = lock

    @staticmethod
    def _holder(lock: IO[str]) -> dict[str, Any]:
        lock.seek(0)
        try:
            return json.loads(lock.read() or "{}")
        except ValueError:
            return {}

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._release()

    @hook_impl
    def on_pipeline_error(self) -> None:
        self._release()
