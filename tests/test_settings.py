"""The config loader settings: credentials from conf/local whatever the environment,
environments' mlflow.yml merged key by key into conf/base's."""

from __future__ import annotations

import pytest
import yaml
from kedro.config import OmegaConfigLoader

from tabular_mlops.settings import CONFIG_LOADER_ARGS

CREDENTIALS = {"mlflow_server": {"MLFLOW_TRACKING_PASSWORD": "secret"}}


def config_loader(project_path, env: str | None) -> OmegaConfigLoader:
    return OmegaConfigLoader(str(project_path / "conf"), env=env, **CONFIG_LOADER_ARGS)


@pytest.mark.parametrize("env", [None, "server"])
def test_local_credentials_are_read_in_every_environment(project_path, env):
    (project_path / "conf/local/credentials.yml").write_text(
        yaml.safe_dump(CREDENTIALS)
    )
    assert config_loader(project_path, env)["credentials"] == CREDENTIALS


def test_server_env_tracks_to_the_server_and_keeps_base_settings(
    project_path, monkeypatch
):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    mlflow_config = config_loader(project_path, "server")["mlflow"]
    assert mlflow_config["server"]["mlflow_tracking_uri"] == "http://127.0.0.1:5050"
    assert mlflow_config["server"]["credentials"] == "mlflow_server"
    experiment = mlflow_config["tracking"]["experiment"]
    assert experiment["name"] == "tabular_mlops"  # from conf/base
    assert experiment["create_experiment_kwargs"]["artifact_location"] is None
    assert mlflow_config["tracking"]["params"]["dict_params"]["flatten"] is True

    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow:5050")
    mlflow_config = config_loader(project_path, "server")["mlflow"]
    assert mlflow_config["server"]["mlflow_tracking_uri"] == "http://mlflow:5050"
