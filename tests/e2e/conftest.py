"""End-to-end tests: whole runs through Kedro, servers, browsers and Airflow. Every
test here is marked ``e2e``; ``make test-fast`` leaves them out. The servers a test
starts listen on 127.0.0.1 and stop with it; the browser is Debian's Chromium."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from click.testing import Result
from mlflow import MlflowClient
from playwright.sync_api import Browser, Page, sync_playwright


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 180  # seconds; kedro viz loads the whole project first


SCORE = """
import importlib.util, pickle, sys
import mlflow.pyfunc, pandas as pd
assert importlib.util.find_spec("tabular_mlops") is None, "the project is importable"
assert importlib.util.find_spec("kedro") is None, "Kedro is installed"
model = mlflow.pyfunc.load_model(sys.argv[1])
with open(sys.argv[2], "rb") as file:
    rows = pd.DataFrame(pickle.load(file))
with open(sys.argv[3], "wb") as file:
    pickle.dump(model.predict(rows).to_dict(orient="list"), file)
"""
"""Rows in and predictions out as plain Python lists: exact, and free of the
project's pandas extensions (pyarrow is not a serving requirement)."""

UV = Path(sys.executable).with_name("uv")
"""The installer `make install` puts in .venv; pip when it is not there."""


def install_clean_python(requirements: Path, folder: Path) -> Path:
    """A virtual environment in ``folder``, outside the project, with only
    ``requirements`` (a model's), installed by uv (as `make install` does) or pip."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin/python"
    install = (
        [UV, "pip", "install", "--quiet", "--python", python]
        if UV.exists()
        else [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    )
    started = time.monotonic()
    subprocess.run(
        [*install, "--requirement", requirements],
        check=True,
        env=os.environ | {"PYTHONPATH": ""},
    )
    print(f"clean environment installed in {time.monotonic() - started:.0f} s")  # noqa: T201
    return python


def predict_in(
    python: Path, model: Path, rows: pd.DataFrame, folder: Path
) -> dict[str, list]:
    """The predictions of the MLflow model in ``model`` for ``rows``, made by
    ``python`` (a clean environment), as plain lists."""
    (folder / "rows.pkl").write_bytes(pickle.dumps(rows.to_dict(orient="list")))
    subprocess.run(
        [python, "-c", SCORE, model, folder / "rows.pkl", folder / "out.pkl"],
        check=True,
        cwd=folder,
        env=os.environ | {"PYTHONPATH": ""},
    )
    return pickle.loads((folder / "out.pkl").read_bytes())


def free_port() -> int:
    """A free loopback port below 49152, the highest that kedro viz accepts."""
    for port in random.sample(range(20_000, 49_152), 50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("No free port found.")


def wait_for_http(url: str, server: subprocess.Popen, log: Path) -> None:
    """Wait until ``url`` answers, failing early with the server's log if it exits."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"Server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(
        f"No answer from {url} after {SERVER_START_TIMEOUT} s:\n{log.read_text()}"
    )


def serve(command: list[str], cwd: Path, url: str, log: Path) -> Iterator[str]:
    """Run a server on the loopback interface until the test is done."""
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, to stop its workers too
            env=os.environ | {"DO_NOT_TRACK": "1", "KEDRO_DISABLE_TELEMETRY": "1"},
        )
    try:
        wait_for_http(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"No Chromium at {CHROMIUM}: install Debian's browser with "
            "`apt-get install chromium` (.ci/run does) to run the browser tests."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Page:
    return browser.new_page(viewport={"width": 1600, "height": 1000})


def printed_last(result: Result) -> str:
    """What the command printed from its last ``Error: `` on."""
    assert "Error: " in result.output, result.output
    return result.output[result.output.rindex("Error: ") :]


def snapshot(project: Path) -> dict[str, str]:
    """Content hash of every file under data/ (but the run and node-cache locks,
    which are not outputs) and the status of every MLflow run."""
    files = {
        path.relative_to(project).as_posix(): hashlib.sha256(
            path.read_bytes()
        ).hexdigest()
        for path in (project / "data").rglob("*")
        if path.is_file() and path.suffix != ".lock"
    }
    client = MlflowClient(f"sqlite:///{project}/mlflow.db")
    experiments = [e.experiment_id for e in client.search_experiments()]
    runs = {
        f"mlflow run {run.info.run_id}": run.info.status
        for run in client.search_runs(experiments)
    }
    return files | runs


def unchanged_except(before: dict[str, str], after: dict[str, str], layers) -> None:
    """Every earlier file and MLflow run is as it was, bar the allowed data layers;
    runs added by the failure are FAILED."""
    rewritable = tuple(f"data/{layer}/" for layer in layers)
    if layers:  # the nodes that rewrote them are no longer recorded as up to date
        rewritable += ("data/node_cache.json",)
    if "01_raw" in layers:  # the raw table's content-addressed copy: a new file
        rewritable += ("data/snapshots/",)
    for key, value in before.items():
        if not key.startswith(rewritable):
            assert after.get(key) == value, f"{key} changed"
    for key in set(after) - set(before):
        assert key.startswith(("mlflow run", *rewritable)), f"{key} was written"
        if key.startswith("mlflow run"):
            assert after[key] == "FAILED"


@contextlib.contextmanager
def tracking_store(project: Path) -> Iterator[MlflowClient]:
    """The project's tracking store as MLflow's current one (``models:/`` URIs
    included) while the block runs, the previous one after."""
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{project}/mlflow.db")
    try:
        yield MlflowClient()
    finally:
        mlflow.set_tracking_uri(previous)
