"""Monitoring end to end on a trained project: the held-out rows pass and are tracked
as one MLflow run per batch; a shifted batch fails naming the feature and POSTs one
alert; shuffled labels fail on performance; bad batches get the contract's errors."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.monitoring import MonitoringAlarm
from tests.conftest import (
    QUICK_TRAINING,
    free_port,
    kedro,
    run_pipeline,
    source_data,
    trained_copy,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = trained_copy(tmp_path_factory.mktemp("monitoring"), **QUICK_TRAINING)
    held_out = pd.concat(
        [
            pd.read_parquet(project / f"data/05_model_input/{name}.parquet")
            for name in ("X_test", "y_test")
        ],
        axis=1,
    )
    held_out.assign(
        **{"mean radius": held_out["mean radius"] + held_out["mean radius"].std()}
    ).to_csv(project / "shifted.csv", index=False)
    held_out.assign(
        target=held_out["target"].sample(frac=1, random_state=0).to_numpy()
    ).to_csv(project / "shuffled.csv", index=False)
    held_out.drop(columns="mean radius").to_csv(project / "missing.csv", index=False)
    return project


def monitor(project: Path, **params) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)
        run_pipeline(project, "monitor", monitor=params)


def test_the_held_out_rows_pass_and_each_batch_is_an_mlflow_run(project):
    monitor(project, step=1)
    report = json.loads(
        (project / "data/08_reporting/monitoring/report.json").read_text()
    )
    assert report["alarms"] == [] and report["model_version"] == "1"
    page = (project / "data/08_reporting/monitoring/report.html").read_text()
    assert "No threshold crossed." in page
    client = MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    (run,) = client.search_runs(
        [client.get_experiment_by_name("tabular_mlops").experiment_id],
        "attributes.run_name = 'monitor'",
    )
    assert run.data.tags["model_version"] == "1"
    assert run.data.tags["monitor.alarm"] == "false"
    assert len(run.data.tags["batch_digest"]) == 64
    assert source_data(run, "monitoring")["rows"] == 114
    (point,) = client.get_metric_history(run.info.run_id, "drift.mean radius.distance")
    assert point.step == 1
    artifacts = {
        item.path for item in client.list_artifacts(run.info.run_id, "monitoring")
    }
    assert (
        "monitoring/report.html" in artifacts
        and "monitoring/drift_plot.json" in artifacts
    )
    profile = json.loads(
        mlflow.artifacts.load_text(
            "models:/tabular_mlops/1/artifacts/reference_profile.json"
        )
    )
    assert profile["rows"] == 455 and "mean radius" in profile["features"]


class Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_a_shifted_batch_fails_naming_the_feature_and_posts_one_alert(project):
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        failed = kedro(
            project,
            "run",
            "--pipelines=monitor",
            "--params",
            f"monitor.filepath=shifted.csv,monitor.step=2,monitor.alert_url=http://127.0.0.1:{port}/hook",
        )
    finally:
        server.shutdown()
        server.server_close()
    assert failed.returncode == 1, failed.stderr[-2000:]
    (error,) = [
        line for line in failed.stderr.splitlines() if line.startswith("Error:")
    ]
    assert error.startswith(
        "Error: batch shifted.csv crossed monitoring thresholds: mean radius drifted"
    )
    (alert,) = Receiver.received
    assert "mean radius" in alert["drifted_features"]
    assert alert["model_version"] == "1"


def test_shuffled_labels_fail_on_performance(project):
    with pytest.raises(MonitoringAlarm, match="accuracy worsened from"):
        monitor(project, filepath="shuffled.csv", step=3)


def test_a_failed_alert_is_logged_and_a_report_only_run_succeeds(project, caplog):
    monitor(
        project,
        filepath="shifted.csv",
        step=4,
        fail_on_alarm=False,
        alert_url=f"http://127.0.0.1:{free_port()}/nobody",
    )
    assert "Alert not sent to http://127.0.0.1" in caplog.text
    assert "Monitoring alarm (not failing the run): mean radius drifted" in caplog.text


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            lambda table: table.drop(columns="mean radius"),
            "column 'mean radius' is missing",
        ),
        (lambda table: table.head(0), "the table has no rows"),
        (
            lambda table: table.assign(**{"mean area": "big"}),
            "column 'mean area' has values of the wrong type: big",
        ),
    ],
    ids=["missing column", "empty", "wrong type"],
)
def test_a_batch_that_breaks_the_contract_is_refused(project, rows, message):
    table = pd.read_parquet(project / "data/05_model_input/X_test.parquet")
    rows(table).to_csv(project / "bad.csv", index=False)
    with pytest.raises(InputError, match=message):
        monitor(project, filepath="bad.csv")


def test_the_model_versions_series_run_has_a_point_per_batch(project):
    client = MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("tabular_mlops").experiment_id
    (series,) = client.search_runs(
        [experiment], "attributes.run_name = 'monitoring · model version 1'"
    )
    steps = [
        point.step
        for point in client.get_metric_history(
            series.info.run_id, "monitor.drifted_share"
        )
    ]
    assert sorted(steps) == [1, 2, 3, 4]  # the batches before this test, each a step
