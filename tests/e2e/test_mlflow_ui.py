"""What a person sees of a training run, in a real headless Chromium: MLflow's UI on
the trained project's tracking store, and the run's HTML report opened offline."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import free_port, serve

pytestmark = pytest.mark.integration


@pytest.fixture
def mlflow_ui(trained_project: Path, tmp_path: Path) -> Iterator[str]:
    """``mlflow server`` on the trained project's store, as ``kedro mlflow ui`` serves it."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("mlflow")),
        "server",
        "--backend-store-uri",
        f"sqlite:///{trained_project}/mlflow.db",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    yield from serve(
        command,
        cwd=trained_project,
        url=f"http://127.0.0.1:{port}/",
        log=tmp_path / "mlflow-ui.log",
    )


@pytest.fixture
def train_run(trained_project: Path) -> mlflow.entities.Run:
    mlflow.set_tracking_uri(f"sqlite:///{trained_project}/mlflow.db")
    (run,) = mlflow.search_runs(
        experiment_names=["tabular_mlops"], output_format="list"
    )
    return run


def test_the_runs_page_lists_runs_by_what_they_did(mlflow_ui, train_run, page: Page):
    experiment = train_run.info.experiment_id
    page.goto(f"{mlflow_ui}#/experiments/{experiment}?workflowType=machine_learning")
    name = re.compile(
        r"train · breast_cancer \(bundled\) · champion \w+ roc_auc 0\.\d{3}"
    )
    expect(page.get_by_text(name).first).to_be_visible(timeout=60_000)


def test_the_run_page_shows_the_summary_and_the_data_set(
    mlflow_ui, train_run, page: Page
):
    # the link the end-of-run summary prints, on this server
    run = train_run.info
    page.goto(
        f"{mlflow_ui}#/experiments/{run.experiment_id}/runs/{run.run_id}"
        "?workflowType=machine_learning"
    )
    expect(page.get_by_text(train_run.info.run_name)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Trained on breast_cancer (bundled)")).to_be_visible()
    expect(page.get_by_text("Registered as champion").first).to_be_visible()
    datasets = page.get_by_text(re.compile(r"^breast_cancer \([0-9a-f]{8}\)$"))
    expect(datasets.first).to_be_visible()


def test_the_report_opens_offline_with_every_figure_drawn(trained_project, page: Page):
    requests: list[str] = []

    def only_the_file(route: Route) -> None:
        requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", only_the_file)
    report = trained_project / "data/08_reporting/report.html"
    page.goto(report.as_uri())
    figures = page.locator(".js-plotly-plot")
    # confusion matrix, ROC, precision-recall, calibration, CV spread, importance
    expect(figures).to_have_count(6, timeout=30_000)
    for figure in figures.all():
        expect(figure.locator(".main-svg").first).to_be_visible()
    expect(page.get_by_text("Registered as champion")).to_be_visible()
    assert requests == [report.as_uri()]  # nothing asked of any network
