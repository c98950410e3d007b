import mlflow
import pandas as pd
import pytest
from kedro.io import DatasetError
from mlflow.exceptions import MlflowException

from tabular_mlops.core.features import as_mlflow_dataset
from tabular_mlops.tracking.datasets import MlflowInputDataset

TABLE = as_mlflow_dataset(pd.DataFrame({"a": [1, 2]}), name="t", source="t.csv")


def test_the_table_becomes_an_input_of_the_run(experiment_id):
    with mlflow.start_run() as run:
        MlflowInputDataset(context="training").save(TABLE)
    (logged,) = mlflow.get_run(run.info.run_id).inputs.dataset_inputs
    assert (logged.dataset.name, logged.dataset.digest) == ("t", TABLE.digest)


def test_a_race_with_another_run_logging_the_same_table_is_retried(monkeypatch):
    calls = []

    def log_input(dataset, context):
        calls.append(context)
        if len(calls) == 1:
            raise MlflowException("duplicate key value violates unique constraint")

    monkeypatch.setattr(mlflow, "active_run", object)  # a run is active
    monkeypatch.setattr(mlflow, "log_input", log_input)
    MlflowInputDataset(context="training").save(TABLE)
    assert calls == ["training", "training"]


def test_other_mlflow_errors_are_not_hidden(monkeypatch):
    def log_input(dataset, context):
        raise MlflowException("permission denied")

    monkeypatch.setattr(mlflow, "active_run", object)  # a run is active
    monkeypatch.setattr(mlflow, "log_input", log_input)
    with pytest.raises(DatasetError, match="permission denied"):  # Kedro wraps it
        MlflowInputDataset(context="training").save(TABLE)
