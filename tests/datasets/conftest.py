"""A throw-away MLflow tracking store for the MLflow dataset tests."""

import mlflow
import pytest


@pytest.fixture
def experiment_id(tmp_path) -> str:
    """A new experiment, made the active one, in a SQLite store under ``tmp_path``;
    the previous tracking URI is restored afterwards."""
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = mlflow.create_experiment("datasets", artifact_location=str(tmp_path))
    mlflow.set_experiment(experiment_id=experiment)
    yield experiment
    mlflow.set_tracking_uri(previous)
