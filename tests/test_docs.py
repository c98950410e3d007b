"""The documentation builds without warnings and covers every README command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "source"


def readme_commands() -> list[str]:
    """Each command of the README's bash blocks, without its comment."""
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    lines = (
        line.split("#")[0].strip() for block in blocks for line in block.splitlines()
    )
    return [line for line in lines if line]


@pytest.mark.docs
def test_docs_build_without_warnings(tmp_path):
    build = subprocess.run(
        [
            str(Path(sys.executable).with_name("sphinx-build")),
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,  # the assertion shows Sphinx's warnings
    )
    assert build.returncode == 0, build.stderr
    pipelines_page = (tmp_path / "html" / "pipelines.html").read_text()
    for stage in ("data_processing", "modelling", "reporting", "promotion"):
        assert f"_images/kedro-viz-{stage}.png" in pipelines_page
    results_page = (tmp_path / "html" / "results.html").read_text()
    for picture in ("report", "mlflow-runs", "mlflow-run"):
        assert f"_images/{picture}.png" in results_page


def test_docs_show_every_readme_command():
    docs = "\n".join(page.read_text() for page in DOCS.glob("*.md"))
    commands = readme_commands()
    assert "make train" in commands
    assert [command for command in commands if command not in docs] == []
