"""The exploration notebook runs top to bottom, headless, on the project's kernel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mlflow
import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.integration

NOTEBOOK = REPO_ROOT / "notebooks" / "explore.ipynb"


@pytest.fixture
def project_kernel(trained_project: Path, tmp_path: Path, monkeypatch) -> str:
    """The kernel ``kedro jupyter`` makes for the project, installed in a temporary
    Jupyter data folder instead of the user's."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    subprocess.run(
        [str(Path(sys.executable).with_name("kedro")), "jupyter", "setup"],
        cwd=trained_project,
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return "kedro_tabular_mlops"


def outputs_text(cell: nbformat.NotebookNode) -> str:
    return "\n".join(
        output.get("data", {}).get("text/plain", "") + output.get("text", "")
        for output in cell.outputs
    )


def test_explore_notebook_runs_on_a_trained_project(project_kernel, trained_project):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert notebook.metadata.kernelspec.name == project_kernel
    NotebookClient(
        notebook,
        kernel_name=project_kernel,
        timeout=300,
        resources={"metadata": {"path": str(trained_project)}},
    ).execute()

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs for cell in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]

    raw_table = pd.read_parquet(trained_project / "data/01_raw/raw_table.parquet")
    assert raw_table.columns[0] in outputs_text(code[0])  # catalog.load("raw_table")
    # The story's plots are images that need no JavaScript, and the log stays out.
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4
    assert not [o for c in code for o in c.outputs if o.get("name") == "stderr"]
    executed = nbformat.writes(notebook).encode()
    assert len(executed) < 1_000_000, len(executed)
    assert "Registered as champion: first model of" in "".join(map(outputs_text, code))
    mlflow.set_tracking_uri(f"sqlite:///{trained_project}/mlflow.db")
    (run,) = mlflow.search_runs(
        experiment_names=["tabular_mlops"], output_format="list"
    )
    champion_cell = next(c for c in code if "search_runs" in c.source)
    tracked = outputs_text(champion_cell)
    assert run.info.run_id in tracked
    test_auc = run.data.metrics["champion.test_roc_auc"]
    assert "metrics.champion.test_roc_auc" in tracked
    assert str(test_auc)[:5] in tracked
    assert "predicted" in outputs_text(code[-1])
