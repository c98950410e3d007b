"""kedro viz on a trained project, in a real headless Chromium: the live app and the
static site of ``kedro viz build``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from playwright.sync_api import Page

from tabular_mlops.core.estimators import MODEL_FAMILIES
from tabular_mlops.pipeline_registry import register_pipelines
from tests.e2e.conftest import free_port, serve

pytestmark = pytest.mark.integration

KEDRO = Path(sys.executable).with_name("kedro")


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
