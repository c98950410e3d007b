"""Shared fixtures: small hand-made tables and a throw-away copy of the project."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

REPO_ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """Each pytest-xdist worker gets its share of the cores for OpenMP (histogram
    gradient boosting, mlforecast's lag models), before scikit-learn loads it: with a
    thread per core in every worker, OpenMP's spinning threads fought over the cores
    and `make test-fast` took 101 s instead of 54. The `kedro` runs the tests start
    inherit it."""
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")  # set in workers only
    if workers:
        cores_each = max(1, (os.cpu_count() or 1) // int(workers))
        os.environ.setdefault("OMP_NUM_THREADS", str(cores_each))


@pytest.fixture
def mixed_table() -> pd.DataFrame:
    """A messy user table: text numbers, dates, categories, an ID, gaps, string labels."""
    rng = np.random.default_rng(0)
    rows = 240
    age = rng.integers(20, 80, rows)
    income = rng.normal(50_000, 15_000, rows).round(2)
    city = rng.choice(["Paris", "Lyon", "Nice", "Lille"], rows)
    risk = age / 80 + (city == "Nice") * 0.5 + rng.normal(0, 0.2, rows)
    table = pd.DataFrame(
        {
            "customer_id": [f"C{index:05d}" for index in range(rows)],
            "age": age.astype(str),  # numbers stored as text, as CSV exports often do
            "income": income,
            "city": city,
            "signup": pd.date_range("2021-01-01", periods=rows, freq="D").strftime(
                "%Y-%m-%d"
            ),
            "constant": "same",
            "label": np.where(risk > np.median(risk), "churn", "stay"),
        }
    )
    table.loc[::17, "income"] = np.nan
    table.loc[::23, "city"] = None
    table.loc[[5, 50], "label"] = None
    return table


def make_project(folder: Path) -> Path:
    """A copy of the project's configuration (without ``conf/local``) in ``folder``.

    Runs there write their data, SQLite tracking database and artefacts to ``folder``,
    never to the developer's checkout.
    """
    for name in ("pyproject.toml", ".telemetry"):
        shutil.copy(REPO_ROOT / name, folder / name)
    shutil.copytree(
        REPO_ROOT / "conf", folder / "conf", ignore=shutil.ignore_patterns("local")
    )
    (folder / "conf" / "local").mkdir()
    (folder / "src").mkdir()  # the package itself is installed; Kedro wants the folder
    bootstrap_project(folder)
    return folder


def run_pipeline(
    project_path: Path, pipeline: str = "train", **runtime_params: Any
) -> dict[str, Any]:
    """Run a pipeline of a project copy through a ``KedroSession``."""
    with KedroSession.create(
        project_path=project_path, runtime_params=runtime_params or None
    ) as session:
        return session.run(pipeline_names=[pipeline])


def kedro(project: Path, *arguments: str) -> subprocess.CompletedProcess:
    """The ``kedro`` command of this environment, run as a user would in ``project``
    (no standard input), with its output captured for the test to read."""
    return subprocess.run(
        [Path(sys.executable).with_name("kedro"), *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def project_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's configuration in a temporary folder, as working directory."""
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path)


@pytest.fixture
def run_kedro(project_path: Path) -> Callable[..., dict[str, Any]]:
    """Run a pipeline of the temporary project through a ``KedroSession``."""
    return functools.partial(run_pipeline, project_path)


QUICK_TRAINING = {
    "modelling": {"cv_folds": 3},
    **{
        family: {
            "candidate": {
                "hyperparameters": {
                    task: size for task in ("classification", "regression")
                }
            }
        }
        for family, size in (
            ("random_forest", {"n_estimators": 50}),
            ("hist_gradient_boosting", {"max_iter": 50}),
            ("catboost", {"iterations": 50}),
        )
    },
    "reporting": {"permutation_repeats": 1},
}
"""Runtime parameters for fewer folds, trees and shuffles than the defaults, for tests
that check what a run produces rather than how good its model is."""


CRIPPLING = {
    "linear": {"C": 1e-6},
    "random_forest": {"n_estimators": 1, "max_depth": 1},
    "hist_gradient_boosting": {"max_iter": 1, "learning_rate": 0.01},
    "catboost": {"iterations": 1, "learning_rate": 0.01, "depth": 1},
}


def crippled(*families: str) -> dict[str, Any]:
    """Runtime parameters that make the classifiers of ``families`` clearly worse
    (tiny weights, one stump, one small step from the prior), for tests that need
    a weak model or another family to win."""
    return {
        family: {
            "candidate": {"hyperparameters": {"classification": CRIPPLING[family]}}
        }
        for family in families
    }


def trained_copy(folder: Path, **runtime_params: Any) -> Path:
    """A project copy in ``folder`` that has run ``train`` once there, for fixtures
    shared by tests that only read its outputs."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(folder)
        run_pipeline(make_project(folder), "train", **runtime_params)
    return folder


@pytest.fixture(scope="session")
def trained_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away project that has run ``train`` once per test session.

    For tests that only read a trained project's outputs (kedro viz, notebooks), which
    must not change it. Fewer folds and trees than the defaults keep it quick.
    """
    return trained_copy(tmp_path_factory.mktemp("trained_project"), **QUICK_TRAINING)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def empty_tracking_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite tracking store with MLflow's schema and no run: creating one runs
    MLflow's database migrations (about two seconds), so tests copy this file."""
    from mlflow import MlflowClient  # noqa: PLC0415 - only the tests that track need it

    store = tmp_path_factory.mktemp("tracking_store") / "mlflow.db"
    MlflowClient(f"sqlite:///{store}").search_experiments()
    return store


@pytest.fixture
def experiment_id(tmp_path: Path, empty_tracking_store: Path) -> Any:
    """A new experiment, made the active one, in a SQLite store under ``tmp_path``;
    the previous tracking URI is restored afterwards."""
    import mlflow  # noqa: PLC0415 - only the tests that track need it

    previous = mlflow.get_tracking_uri()
    shutil.copyfile(empty_tracking_store, tmp_path / "mlflow.db")
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = mlflow.create_experiment("tests", artifact_location=str(tmp_path))
    mlflow.set_experiment(experiment_id=experiment)
    yield experiment
    while mlflow.active_run() is not None:
        mlflow.end_run()
    mlflow.set_tracking_uri(previous)


def source_data(run: Any, context: str = "source") -> dict[str, Any]:
    """The dataset an MLflow run recorded as its input in ``context`` (``source``:
    the table it started from; ``training``, ``testing``: its split): name, digest,
    source and row count (from MLflow's dataset profile)."""
    import json  # noqa: PLC0415

    (dataset,) = (
        dataset_input.dataset
        for dataset_input in run.inputs.dataset_inputs
        if {tag.key: tag.value for tag in dataset_input.tags}.get("mlflow.data.context")
        == context
    )
    return {
        "name": dataset.name,
        "digest": dataset.digest,
        "source": json.loads(dataset.source),
        "rows": json.loads(dataset.profile)["num_rows"],
    }


@contextlib.contextmanager
def model_server(model_uri: str, python: Path, **environment: str) -> Iterator[str]:
    """``mlflow models serve`` of ``model_uri`` from the environment of ``python`` on a
    free loopback port; yields its URL once it answers, stops it (and its uvicorn)."""
    import requests  # noqa: PLC0415

    bin_dir = Path(python).parent
    port = free_port()
    server = subprocess.Popen(
        [
            bin_dir / "mlflow",
            "models",
            "serve",
            "-m",
            model_uri,
            "--env-manager",
            "local",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=os.environ
        | {
            "PYTHONPATH": "",
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",  # for its uvicorn
            **environment,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: uvicorn is a child
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, "the server stopped"
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if requests.get(f"{url}/ping", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
