"""Configuration environments: ``conf/ci`` tracks runs outside the project."""

from __future__ import annotations

import mlflow
import pytest
from kedro.framework.session import KedroSession

pytestmark = pytest.mark.integration


def test_ci_env_tracks_runs_in_the_runner_temp_folder(
    project_path, tmp_path_factory, monkeypatch
):
    runner_temp = tmp_path_factory.mktemp("runner_temp")
    monkeypatch.setenv("RUNNER_TEMP", str(runner_temp))
    with KedroSession.create(project_path=project_path, env="ci") as session:
        session.run(pipeline_names=["data_processing"])

    assert not (project_path / "mlflow.db").exists()
    mlflow.set_tracking_uri(f"sqlite:///{runner_temp}/tabular_mlops_ci.db")
    (run,) = mlflow.search_runs(  # base's experiment name holds: soft merge
        experiment_names=["tabular_mlops"], output_format="list"
    )
    assert run.info.run_name == "data_processing"
    assert run.info.artifact_uri.startswith(
        f"file://{runner_temp}/tabular_mlops_ci_artifacts/"
    )
