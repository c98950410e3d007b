"""Runs that are interrupted, killed, or started while another one runs in the same
project folder: correct MLflow statuses, a clear refusal, never mixed outputs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mlflow import MlflowClient

from tests.conftest import make_project, source_data

KEDRO = str(Path(sys.executable).with_name("kedro"))
ENVIRONMENT = os.environ | {"DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "1"}


QUICK = "random_forest.candidate.hyperparameters.classification.n_estimators=20,modelling.cv_folds=3"
"""A shorter training: these tests are about runs, not models."""
LONG = "random_forest.candidate.hyperparameters.classification.n_estimators=800"
"""A first run that is surely still going when a second one has started up (about
7 s): a quick run on a small data set could end before."""


def start(project: Path, *options: str, **environment: str) -> subprocess.Popen:
    """``kedro run --pipelines=train`` in the background, its output in a file (a
    pipe nobody reads would fill and block it); ``output(process)`` reads it."""
    log = (project / f"console-{time.monotonic_ns()}.log").open("w")
    process = subprocess.Popen(
        [KEDRO, "run", "--pipelines=train", *options],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=ENVIRONMENT | environment,
    )
    process.log = Path(log.name)  # type: ignore[attr-defined]
    return process


def output(process: subprocess.Popen) -> str:
    process.wait(timeout=120)
    return process.log.read_text()  # type: ignore[attr-defined]


def runs(project: Path) -> list:
    if not (project / "mlflow.db").exists():
        return []
    client = MlflowClient(f"sqlite:///{project}/mlflow.db")
    experiments = [e.experiment_id for e in client.search_experiments()]
    return client.search_runs(experiments, order_by=["attributes.start_time ASC"])


def statuses(project: Path) -> list[str]:
    """Run statuses read straight from the SQLite store, read-only: an MLflow client
    would race the run's own process to create the database."""
    try:
        with sqlite3.connect(f"file:{project}/mlflow.db?mode=ro", uri=True) as db:
            rows = db.execute("SELECT status FROM runs ORDER BY start_time").fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []
    return [status for (status,) in rows]


def wait_for_running_run(project: Path, count: int, timeout: float = 90) -> None:
    """Until the project has ``count`` runs and the last one is RUNNING."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = statuses(project)
        if len(found) == count and found[-1] == "RUNNING":
            time.sleep(0.5)  # inside the first nodes
            return
        time.sleep(0.2)
    raise AssertionError(f"no RUNNING run #{count} in {timeout} s")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture
def ctrl_c_reaches_children() -> Iterator[None]:
    """Ctrl-C handled here, so that the runs this test starts get Python's own
    handler, as from a terminal: a process that inherits SIGINT ignored (as pytest-xdist
    workers and shell background jobs do) keeps ignoring it."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_end_the_run_as_killed(
    project, signum, ctrl_c_reaches_children
):
    process = start(project)
    wait_for_running_run(project, 1)
    process.send_signal(signum)
    printed = output(process)
    assert process.returncode == 130, printed
    (run,) = runs(project)
    assert run.info.status == "KILLED"
    assert printed.rstrip().splitlines()[-1] == (
        f"Error: interrupted ({signal.Signals(signum).name}); "
        f"MLflow run {run.info.run_id} is marked KILLED."
    )


def test_a_run_left_running_by_kill_9_is_failed_by_the_next_run(project):
    process = start(project)
    wait_for_running_run(project, 1)
    process.kill()
    process.wait()
    assert runs(project)[0].info.status == "RUNNING"

    rerun = subprocess.run(
        [KEDRO, "run", "--pipelines=data_processing"],
        cwd=project,
        capture_output=True,
        text=True,
        env=ENVIRONMENT,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    killed, new = runs(project)
    assert killed.info.status == "FAILED"
    assert f"process {process.pid} on " in killed.data.tags["tabular_mlops.note"]
    assert new.info.status == "FINISHED"
    log = (project / "info.log").read_text()
    assert f"was left RUNNING by process {process.pid}, which is gone" in log


def test_a_second_run_in_the_same_folder_refuses_naming_the_first(project):
    first = start(project, "--params", f"data.dataset=wine,{LONG}")
    wait_for_running_run(project, 1)
    second = subprocess.run(
        [KEDRO, "run", "--pipelines=train", "--params", f"data.dataset=iris,{QUICK}"],
        cwd=project,
        capture_output=True,
        text=True,
        env=ENVIRONMENT,
        check=False,
    )
    assert second.returncode == 1
    assert f"Error: Another run is using this project (pid {first.pid} on " in (
        second.stderr
    )
    assert first.wait(timeout=120) == 0
    (run,) = runs(project)  # the refused run opened no MLflow run
    assert source_data(run)["name"] == "wine"


def test_queued_runs_give_correct_separate_results(project):
    first = start(project, "--params", f"data.dataset=wine,{LONG}")
    wait_for_running_run(project, 1)
    second = start(
        project,
        "--params",
        f"data.dataset=iris,{QUICK}",
        TABULAR_MLOPS_CONCURRENT_RUNS="wait",
    )
    assert first.wait(timeout=120) == 0
    printed = output(second)
    assert second.returncode == 0, printed
    assert f"Waiting for the run of pid {first.pid}" in " ".join(printed.split())

    wine, iris = runs(project)
    assert (source_data(wine)["name"], source_data(iris)["name"]) == ("wine", "iris")
    assert wine.data.params["data.dataset"] == "wine"
    assert iris.data.params["data.dataset"] == "iris"
    assert wine.info.end_time <= iris.info.start_time
    spec = json.loads((project / "data/03_primary/feature_spec.json").read_text())
    assert spec["classes"] == ["setosa", "versicolor", "virginica"]  # the last run's
