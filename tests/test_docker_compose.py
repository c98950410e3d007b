"""docker-compose.yml and the Dockerfile agree with `make server` and conf/server.

Docker itself cannot run here: these check what can be checked without it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tabular_mlops.tools import tracking_server

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def makefile_default(variable: str) -> str:
    (value,) = re.findall(
        rf"^{variable} \?= (\S+)$", (REPO_ROOT / "Makefile").read_text(), re.MULTILINE
    )
    return value


def test_services_and_trainer_command(compose):
    assert set(compose["services"]) == {"postgres", "mlflow", "trainer"}
    trainer = compose["services"]["trainer"]
    assert trainer["command"] == [
        "kedro",
        "run",
        "--pipelines=train",
        "--env",
        "server",
    ]
    assert trainer["depends_on"]["mlflow"]["condition"] == "service_healthy"
    assert compose["services"]["mlflow"]["depends_on"]["postgres"] == {
        "condition": "service_healthy"
    }


def test_published_ports_are_the_makefile_ones_on_loopback(compose):
    postgres_port = makefile_default("POSTGRES_PORT")
    mlflow_port = makefile_default("MLFLOW_PORT")
    assert postgres_port == str(tracking_server.POSTGRES_PORT)
    assert mlflow_port == str(tracking_server.MLFLOW_PORT)
    assert compose["services"]["postgres"]["ports"] == [
        f"127.0.0.1:{postgres_port}:5432"
    ]
    assert compose["services"]["mlflow"]["ports"] == [
        f"127.0.0.1:{mlflow_port}:{mlflow_port}"
    ]


def test_mlflow_service_runs_the_server_of_make_server(compose):
    mlflow = compose["services"]["mlflow"]
    script = " ".join(mlflow["command"])
    port = makefile_default("MLFLOW_PORT")
    for option in (
        "--app-name basic-auth",
        "--serve-artifacts",
        f"--port {port}",
        "auth_cache_ttl_seconds = 60",
    ):
        assert option in script, option
    postgres = compose["services"]["postgres"]
    runs_database, auth_database = tracking_server.DATABASES
    assert postgres["environment"]["POSTGRES_DB"] == runs_database
    postgres_url = f"{tracking_server.SQLALCHEMY_DRIVER}://mlflow:${{POSTGRES_PASSWORD}}@postgres:5432"
    environment = mlflow["environment"]
    assert environment["MLFLOW_BACKEND_STORE_URI"] == f"{postgres_url}/{runs_database}"
    assert environment["AUTH_DATABASE_URI"] == f"{postgres_url}/{auth_database}"
    assert environment["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] == "false"
    init_script = "docker/create-auth-database.sql"
    assert any(volume.startswith(f"./{init_script}:") for volume in postgres["volumes"])
    assert f"CREATE DATABASE {auth_database};" in (REPO_ROOT / init_script).read_text()


def test_trainer_env_points_at_the_mlflow_service(compose):
    environment = compose["services"]["trainer"]["environment"]
    port = makefile_default("MLFLOW_PORT")
    assert environment["MLFLOW_TRACKING_URI"] == f"http://mlflow:{port}"
    assert {"MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"} <= set(environment)
    server_conf = yaml.safe_load((REPO_ROOT / "conf/server/mlflow.yml").read_text())
    assert server_conf["server"]["mlflow_tracking_uri"] == (
        f'${{oc.env:MLFLOW_TRACKING_URI,"http://127.0.0.1:{port}"}}'
    )


def test_dockerfile_installs_the_lock_and_the_project():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "ARG LOCK=requirements.lock" in dockerfile  # the runtime lock by default
    assert "--requirement ${LOCK}" in dockerfile
    assert "COPY conf ./conf" in dockerfile
    ignored = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    assert {".tracking-server", "conf/local/*", ".venv"} <= set(ignored)
