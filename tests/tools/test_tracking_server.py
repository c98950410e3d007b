"""The shared tracking server for real: PostgreSQL + MLflow (basic auth) on loopback.

``kedro run --pipelines=train --env server`` runs in subprocesses, each in its own copy
of the project: Kedro sessions in one process share MLflow's global state, and two
developers never share a checkout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pandas as pd
import psycopg2
import pytest
import yaml
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from tabular_mlops.tools.tracking_server import (
    CREDENTIALS_KEY,
    TrackingServer,
    admin_credentials,
)
from tests.conftest import free_port, make_project, source_data

KEDRO = Path(sys.executable).parent / "kedro"
# A small bundled table and fewer folds: these tests are about tracking, not modelling.
TRAIN = ["run", "--pipelines=train", "--env", "server"]
TRAIN += ["--params", "data.dataset=iris,modelling.cv_folds=3"]
ADMIN = ("admin", "admin-test-password-1234")
METRICS = ("accuracy", "balanced_accuracy", "f1_macro", "roc_auc", "log_loss")
CANDIDATES = (
    "champion",
    "linear",
    "random_forest",
    "hist_gradient_boosting",
    "catboost",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrackingServer]:
    server = TrackingServer(
        tmp_path_factory.mktemp("tracking-server"), free_port(), free_port()
    )
    try:
        server.start(*ADMIN)
        yield server
    finally:
        server.stop()


def project_with_credentials(destination: Path, username: str, password: str) -> Path:
    """A project copy whose conf/local/credentials.yml holds these credentials."""
    project = make_project(destination)
    (project / "conf/local/credentials.yml").write_text(
        yaml.safe_dump(
            {
                CREDENTIALS_KEY: {
                    "MLFLOW_TRACKING_USERNAME": username,
                    "MLFLOW_TRACKING_PASSWORD": password,
                }
            }
        )
    )
    return project


def start_train(
    project: Path, server: TrackingServer, **environment: str
) -> subprocess.Popen:
    """``kedro run --pipelines=train --env server`` in the background, output in
    ``kedro.log``; credentials come from the project's conf/local only."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"}
    }
    env |= {"MLFLOW_TRACKING_URI": server.url, "DO_NOT_TRACK": "1", **environment}
    with (project / "kedro.log").open("w") as log:
        return subprocess.Popen(
            [KEDRO, *TRAIN],
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def finish(process: subprocess.Popen, project: Path, timeout: float = 1200) -> str:
    """Wait for a run; its output."""
    try:
        process.wait(timeout)
    finally:
        process.kill()
    return (project / "kedro.log").read_text()


@pytest.fixture
def client(server: TrackingServer, monkeypatch: pytest.MonkeyPatch) -> MlflowClient:
    """A client signed in as the admin, over HTTP."""
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", ADMIN[0])
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", ADMIN[1])
    return MlflowClient(tracking_uri=server.url)


@pytest.fixture(scope="module")
def concurrent_runs(
    server: TrackingServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Two developers train at the same time: run id -> their project."""
    projects = [
        project_with_credentials(tmp_path_factory.mktemp(f"developer{index}"), *ADMIN)
        for index in (1, 2)
    ]
    # The experiment exists, as on any server in use: kedro-mlflow looks it up and then
    # creates it, so the first two runs on an empty server race to create it.
    with pytest.MonkeyPatch.context() as signed_in:
        signed_in.setenv("MLFLOW_TRACKING_USERNAME", ADMIN[0])
        signed_in.setenv("MLFLOW_TRACKING_PASSWORD", ADMIN[1])
        MlflowClient(tracking_uri=server.url).create_experiment("tabular_mlops")
    processes = [start_train(project, server) for project in projects]
    try:
        for process, project in zip(processes, projects, strict=True):
            output = finish(process, project)
            assert process.returncode == 0, output[-3000:]
    finally:
        for process in processes:
            process.kill()
    runs = {printed_run_id(project): project for project in projects}
    with psycopg2.connect(server.database_uri("mlflow")) as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT run_uuid FROM runs")
            assert {run for (run,) in cursor.fetchall()} == set(runs)
    return runs


def printed_run_id(project: Path) -> str:
    """The MLflow run of a finished ``kedro run``, as MLflow printed it."""
    (run,) = set(
        re.findall(
            r"View run train at: \S+/runs/(\w+)", (project / "kedro.log").read_text()
        )
    )
    return run


@pytest.mark.server
def test_concurrent_runs_both_finish_with_every_metric(concurrent_runs, client):
    runs = [client.get_run(run_id) for run_id in concurrent_runs]
    for run in runs:
        assert run.info.status == "FINISHED"
        for candidate in CANDIDATES:
            for metric in METRICS:
                assert f"{candidate}.test_{metric}" in run.data.metrics
                assert f"{candidate}.cv_{metric}" in run.data.metrics
    first, second = runs
    assert first.info.start_time < second.info.end_time  # they did overlap
    assert second.info.start_time < first.info.end_time
    # Same data and seed: nothing lost or mixed up between the two writers.
    assert first.data.metrics == second.data.metrics
    assert first.data.params == second.data.params
    assert source_data(first)["digest"] == source_data(second)["digest"]


@pytest.mark.server
def test_run_params_tags_artifacts_and_model_over_http(concurrent_runs, client, server):
    run_id, project = next(iter(concurrent_runs.items()))
    run = client.get_run(run_id)
    assert run.data.tags["kedro.pipeline"] == "train"
    assert run.info.run_name.startswith("train · ")
    assert run.info.artifact_uri.startswith("mlflow-artifacts:")  # proxied store
    assert run.data.params["modelling.cv_folds"] == "3"
    assert run.data.tags["task"] == "multiclass"
    assert source_data(run)["rows"] == 150
    artifacts = {
        artifact.path
        for folder in ("plots", "reports")
        for artifact in client.list_artifacts(run_id, folder)
    }
    assert {
        "reports/report.html",
        "reports/candidate_comparison.csv",
        "reports/feature_importance.csv",
    } <= artifacts
    downloaded = client.download_artifacts(
        run_id, "reports/candidate_comparison.csv", str(project)
    )
    pd.testing.assert_frame_equal(
        pd.read_csv(downloaded),
        pd.read_csv(project / "data/08_reporting/candidate_comparison.csv"),
    )

    (logged,) = client.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string=f"source_run_id = '{run_id}' AND name = 'champion_model'",
    )
    previous_uri = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(server.url)
    try:
        model = mlflow.pyfunc.load_model(f"models:/{logged.model_id}")
    finally:
        mlflow.set_tracking_uri(previous_uri)
    X_test = pd.read_parquet(project / "data/05_model_input/X_test.parquet")
    local = pd.read_parquet(project / "data/07_model_output/test_predictions.parquet")
    assert (model.predict(X_test) == local["predicted"].to_numpy()).all()


@pytest.mark.server
def test_runs_are_stored_in_postgresql(concurrent_runs, client, server):
    with psycopg2.connect(server.database_uri("mlflow")) as connection:
        with connection.cursor() as cursor:
            for run_id in concurrent_runs:
                cursor.execute("SELECT status FROM runs WHERE run_uuid = %s", (run_id,))
                assert cursor.fetchone() == ("FINISHED",)
                cursor.execute(
                    "SELECT key, value FROM latest_metrics WHERE run_uuid = %s",
                    (run_id,),
                )
                assert dict(cursor.fetchall()) == client.get_run(run_id).data.metrics
                cursor.execute(
                    "SELECT count(*) FROM params WHERE run_uuid = %s", (run_id,)
                )
                (params,) = cursor.fetchone()
                assert params == len(client.get_run(run_id).data.params) > 20


@pytest.mark.server
@pytest.mark.parametrize(
    "credentials",
    [None, (ADMIN[0], "not-the-password"), ("nobody", ADMIN[1])],
    ids=["no password", "wrong password", "unknown user"],
)
def test_server_refuses_wrong_or_missing_credentials(server, monkeypatch, credentials):
    for variable in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        monkeypatch.delenv(variable, raising=False)
    if credentials:
        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", credentials[0])
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", credentials[1])
    with pytest.raises(MlflowException, match="401"):
        MlflowClient(tracking_uri=server.url).search_experiments()


@pytest.mark.server
def test_right_credentials_are_accepted(client):
    assert "Default" in {e.name for e in client.search_experiments()}


@pytest.mark.server
def test_train_with_a_wrong_password_is_refused(server, tmp_path):
    project = project_with_credentials(tmp_path, ADMIN[0], "not-the-password")
    process = start_train(project, server)
    output = finish(process, project)
    assert process.returncode != 0
    assert "401" in output
    assert not (project / "data/01_raw/raw_table.parquet").exists()


@pytest.mark.server
def test_server_down_mid_run_fails_clearly_and_loses_nothing(
    concurrent_runs, server, client, tmp_path
):
    project = project_with_credentials(tmp_path, *ADMIN)
    # One attempt per request instead of minutes of retries, to keep the test short.
    process = start_train(project, server, MLFLOW_HTTP_REQUEST_MAX_RETRIES="0")
    split = project / "data/05_model_input/X_train.parquet"
    deadline = time.monotonic() + 300
    while not split.exists() and process.poll() is None:
        assert time.monotonic() < deadline, "the run never reached the split"
        time.sleep(0.2)
    server.stop_mlflow()
    try:
        output = finish(process, project)
        assert process.returncode != 0
        assert server.url in output  # which server, in the final error
        assert "Connection refused" in output
        for done in ("01_raw/raw_table.parquet", "03_primary/feature_spec.json"):
            assert (project / "data" / done).exists(), done
    finally:
        server.stop()  # PostgreSQL too: a full restart keeps every run
        server.start(*ADMIN)
    for run_id in concurrent_runs:
        assert client.get_run(run_id).info.status == "FINISHED"


def test_admin_credentials_are_generated_once_next_to_other_secrets(tmp_path):
    credentials = tmp_path / "conf/local/credentials.yml"
    credentials.parent.mkdir(parents=True)
    credentials.write_text("warehouse:\n  password: kept\n")

    username, password = admin_credentials(credentials)

    assert username == "admin"
    assert len(password) >= 20
    assert yaml.safe_load(credentials.read_text()) == {
        "warehouse": {"password": "kept"},
        CREDENTIALS_KEY: {
            "MLFLOW_TRACKING_USERNAME": "admin",
            "MLFLOW_TRACKING_PASSWORD": password,
        },
    }
    assert credentials.stat().st_mode & 0o777 == 0o600
    assert admin_credentials(credentials) == (username, password)


def test_admin_credentials_file_is_created_when_missing(tmp_path, monkeypatch):
    credentials = tmp_path / "conf/local/credentials.yml"
    modes = []
    dump = yaml.safe_dump

    def dump_and_record_the_mode(*args, **kwargs):
        modes.append(credentials.stat().st_mode & 0o777)  # as the password is written
        return dump(*args, **kwargs)

    monkeypatch.setattr(yaml, "safe_dump", dump_and_record_the_mode)
    username, password = admin_credentials(credentials)
    assert modes == [0o600]
    assert yaml.safe_load(credentials.read_text())[CREDENTIALS_KEY] == {
        "MLFLOW_TRACKING_USERNAME": username,
        "MLFLOW_TRACKING_PASSWORD": password,
    }
