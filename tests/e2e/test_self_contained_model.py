"""The registered champion outside the project: loaded and served from a clean
virtual environment built only from the model's own requirements, with the same
answers as in the project (in-process, batch inference, REST)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import mlflow
import pandas as pd
import pytest
import requests

from tests.conftest import REPO_ROOT, model_server, run_pipeline
from tests.e2e.conftest import install_clean_python, predict_in


@pytest.fixture(scope="module")
def champion(trained_project: Path, tmp_path_factory) -> Iterator[Path]:
    """The champion's artefacts, downloaded outside the project."""
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{trained_project}/mlflow.db")
    folder = tmp_path_factory.mktemp("downloaded")
    yield Path(
        mlflow.artifacts.download_artifacts(
            "models:/tabular_mlops@champion", dst_path=str(folder)
        )
    )
    mlflow.set_tracking_uri(previous)


@pytest.fixture(scope="module")
def clean_python(champion: Path, tmp_path_factory) -> Path:
    return install_clean_python(
        champion / "requirements.txt", tmp_path_factory.mktemp("clean")
    )


@pytest.fixture(scope="module")
def rows(trained_project: Path) -> pd.DataFrame:
    return pd.read_parquet(trained_project / "data/05_model_input/X_test.parquet")


@pytest.fixture(scope="module")
def in_project(champion: Path, rows: pd.DataFrame) -> pd.DataFrame:
    return mlflow.pyfunc.load_model(str(champion)).predict(rows)


def test_requirements_are_only_what_serving_needs(champion):
    requirements = (champion / "requirements.txt").read_text().split()
    names = {line.split("==")[0] for line in requirements}
    assert names == {"mlflow-skinny", "scikit-learn", "pandas", "numpy", "cloudpickle"}
    assert all("==" in line for line in requirements)
    assert (champion / "code/tabular_mlops/core/features.py").exists()
    assert (champion / "artifacts/model_card.md").exists()


def test_the_model_predicts_the_same_in_a_clean_environment(
    champion, clean_python, rows, in_project, tmp_path
):
    predicted = predict_in(clean_python, champion, rows, tmp_path)
    assert predicted == in_project.to_dict(orient="list")


def test_batch_inference_gives_the_same_answers(
    trained_project, in_project, monkeypatch, tmp_path
):
    project = shutil.copytree(
        trained_project, tmp_path / "project"
    )  # shared: read only
    monkeypatch.chdir(project)  # its tracking store is at the project root
    run_pipeline(project, "inference")
    batch = pd.read_parquet(project / "data/07_model_output/predictions.parquet")
    pd.testing.assert_frame_equal(batch.drop(columns="model_version"), in_project)


def post(url: str, rows: pd.DataFrame) -> tuple[int, dict]:
    payload = {"dataframe_split": json.loads(rows.to_json(orient="split"))}
    response = requests.post(f"{url}/invocations", json=payload, timeout=60)
    return response.status_code, response.json()


@pytest.fixture(scope="module")
def servers(champion, clean_python, trained_project) -> Iterator[dict[str, str]]:
    """The champion over REST from the clean environment and from the project's."""
    with (
        model_server(str(champion), clean_python) as clean,
        model_server(
            "models:/tabular_mlops@champion",
            Path(sys.executable),
            MLFLOW_TRACKING_URI=f"sqlite:///{trained_project}/mlflow.db",
        ) as project,
    ):
        yield {"clean": clean, "project": project}


@pytest.mark.parametrize("where", ["clean", "project"])
def test_rest_answers_are_the_same_as_in_process(servers, where, rows, in_project):
    status, answer = post(servers[where], rows)
    assert status == 200, answer
    served = pd.DataFrame(answer["predictions"], index=rows.index)
    pd.testing.assert_frame_equal(served, in_project)


def test_a_request_missing_a_column_gets_400_naming_it(servers, rows):
    status, answer = post(servers["clean"], rows.drop(columns="mean radius"))
    assert status == 400
    assert "mean radius" in answer["message"]


DOCKER_INSTRUCTIONS = {"FROM", "ENV", "WORKDIR", "COPY", "RUN", "EXPOSE", "CMD", "ARG"}


def test_the_serving_image_installs_only_the_model(trained_project, tmp_path):
    """No Docker engine here: the build folder is written, the Dockerfile parses
    into known instructions, and everything it installs resolves."""
    folder = tmp_path / "serve"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tabular_mlops.tools.serve_image",
            "models:/tabular_mlops@champion",
            folder,
            REPO_ROOT / "docker/serve.Dockerfile",
        ],
        check=True,
        env=os.environ
        | {"MLFLOW_TRACKING_URI": f"sqlite:///{trained_project}/mlflow.db"},
    )
    dockerfile = (folder / "Dockerfile").read_text()
    logical = dockerfile.replace("\\\n", " ").splitlines()
    instructions = [line.split()[0] for line in logical if line and line[0] != "#"]
    assert set(instructions) <= DOCKER_INSTRUCTIONS
    assert "RUN pip install --no-cache-dir --requirement requirements.txt" in dockerfile
    assert "requirements.lock" not in dockerfile
    assert (folder / "model/MLmodel").exists()
    resolved = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--requirement",
            folder / "model/requirements.txt",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert resolved.returncode == 0, resolved.stderr
