"""kedro viz on a trained project, in a real headless Chromium: the live app and the
static site of ``kedro viz build``."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from playwright.sync_api import Browser, Page, sync_playwright

from tabular_mlops.core.estimators import MODEL_FAMILIES
from tabular_mlops.pipeline_registry import register_pipelines

pytestmark = pytest.mark.integration

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
KEDRO = Path(sys.executable).with_name("kedro")
SERVER_START_TIMEOUT = 180  # seconds; kedro viz loads the whole project first


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
            "`apt-get install chromium` (.ci/run does) to run the kedro viz tests."
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


@pytest.fixture
def viz_app(trained_project: Path, tmp_path: Path) -> Iterator[str]:
    """``kedro viz run`` on the trained project; its URL."""
    port = free_port()
    command = [KEDRO, "viz", "run", "--host", "127.0.0.1", "--port", str(port)]
    yield from serve(
        [*map(str, command), "--no-browser"],
        cwd=trained_project,
        url=f"http://127.0.0.1:{port}/",
        log=tmp_path / "kedro-viz.log",
    )


@pytest.fixture
def viz_site(trained_project: Path, tmp_path: Path) -> Iterator[str]:
    """``kedro viz build`` of a copy of the trained project, served as static files."""
    project = shutil.copytree(trained_project, tmp_path / "project")
    subprocess.run(
        [str(KEDRO), "viz", "build", "--include-previews"],
        cwd=project,
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    site = project / "build"
    assert (site / "index.html").is_file()
    main = json.loads((site / "api" / "main").read_text())
    assert {node["name"] for node in main["nodes"]} >= {
        "rank_candidates",
        *MODEL_FAMILIES,
    }
    port = free_port()
    yield from serve(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=site,
        url=f"http://127.0.0.1:{port}/",
        log=tmp_path / "http-server.log",
    )


def open_graph(page: Page, url: str) -> None:
    """Load the flowchart, without the first-visit hints that would cover it."""
    page.add_init_script(
        "localStorage.setItem('KedroViz', JSON.stringify({showFeatureHints: false}))"
    )
    page.goto(url)
    page.wait_for_selector(".pipeline-node--task", timeout=60_000)


def select_node(page: Page, name: str) -> None:
    """Click a node of the flowchart, wherever the layout has put it."""
    page.locator(f".pipeline-node[data-node-fullname='{name}']").dispatch_event("click")


def labels(page: Page, selector: str) -> set[str]:
    return set(page.locator(selector).evaluate_all("es => es.map(e => e.textContent)"))


def catalog_layers(project: Path) -> set[str]:
    """Every layer named in the catalog's ``metadata.kedro-viz.layer``."""
    entries = {}
    for catalog_file in (project / "conf" / "base").glob("**/catalog*.yml"):
        entries |= yaml.safe_load(catalog_file.read_text())
    return {
        entry["metadata"]["kedro-viz"]["layer"]
        for entry in entries.values()
        if "layer" in entry.get("metadata", {}).get("kedro-viz", {})
    }


def test_kedro_viz_shows_train_with_namespaces_layers_and_previews(
    viz_app, page, trained_project, tmp_path
):
    train = register_pipelines()["train"]
    open_graph(page, viz_app)

    namespaces = {node.namespace for node in train.nodes if node.namespace}
    assert namespaces == set(MODEL_FAMILIES)
    assert labels(page, ".pipeline-node--modularPipeline") == namespaces
    top_level_nodes = {node.name for node in train.nodes if not node.namespace}
    assert labels(page, ".pipeline-node--task") == top_level_nodes
    assert set(page.locator(".pipeline-layer-name").all_inner_texts()) == (
        catalog_layers(trained_project)
    )

    metadata = page.locator(".pipeline-metadata")
    select_node(page, "raw_table")
    raw_columns = pd.read_parquet(
        trained_project / "data/01_raw/raw_table.parquet"
    ).columns
    preview = metadata.locator(".pipeline-metadata__preview")
    preview.wait_for()
    assert raw_columns[0] in preview.inner_text()
    select_node(page, "cv_spread_plot")
    metadata.locator(".js-plotly-plot").wait_for()

    page.screenshot(path=tmp_path / "kedro-viz-train.png")
    assert (tmp_path / "kedro-viz-train.png").stat().st_size > 0


def test_kedro_viz_build_gives_a_static_site_of_train(viz_site, page, tmp_path):
    open_graph(page, viz_site)
    assert labels(page, ".pipeline-node--modularPipeline") == set(MODEL_FAMILIES)
    assert "rank_candidates" in labels(page, ".pipeline-node--task")
    page.screenshot(path=tmp_path / "kedro-viz-build.png")
