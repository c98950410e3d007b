"""Shared fixtures: small hand-made tables and a throw-away copy of the project."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

REPO_ROOT = Path(__file__).resolve().parents[1]


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


def copy_project(tmp_path: Path) -> Path:
    """Copy the project's configuration to ``tmp_path`` and bootstrap it there."""
    for name in ("pyproject.toml", ".telemetry"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    shutil.copytree(
        REPO_ROOT / "conf", tmp_path / "conf", ignore=shutil.ignore_patterns("local")
    )
    (tmp_path / "conf" / "local").mkdir()
    (
        tmp_path / "src"
    ).mkdir()  # the package itself is installed; Kedro wants the folder
    bootstrap_project(tmp_path)
    return tmp_path


@pytest.fixture
def project_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's configuration in a temporary folder, as working directory.

    Runs there write their data, SQLite tracking database and artefacts to the
    temporary folder, never to the developer's checkout.
    """
    monkeypatch.chdir(tmp_path)
    return copy_project(tmp_path)


@pytest.fixture
def run_kedro(project_path: Path) -> Callable[..., dict[str, Any]]:
    """Run a pipeline of the temporary project through a ``KedroSession``."""

    def run(pipeline: str = "train", **runtime_params: Any) -> dict[str, Any]:
        with KedroSession.create(
            project_path=project_path, runtime_params=runtime_params or None
        ) as session:
            return session.run(pipeline_names=[pipeline])

    return run
