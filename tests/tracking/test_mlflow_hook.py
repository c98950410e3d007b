import mlflow
import pytest
from kedro.io import DataCatalog, DatasetError

from tabular_mlops.tracking.mlflow_hook import BatchedMlflowHook


def hook_with_long_params_as_tags() -> BatchedMlflowHook:
    hook = BatchedMlflowHook()
    hook.long_params_strategy = "tag"
    hook._pending_params = {}
    return hook


def test_parameters_wait_to_be_logged_in_one_request(experiment_id, monkeypatch):
    requests = []
    monkeypatch.setattr(mlflow, "log_param", lambda *args: requests.append(args))
    hook = hook_with_long_params_as_tags()
    for name, value in {"a": 1, "b": "x", "c": 0.5}.items():
        hook._log_param(name, value)
    assert hook._pending_params == {"a": 1, "b": "x", "c": 0.5}
    assert requests == []  # before_node_run logs them together


def test_a_parameter_too_long_for_mlflow_follows_the_long_params_strategy(
    experiment_id,
):
    hook = hook_with_long_params_as_tags()
    with mlflow.start_run() as run:
        hook._log_param("long", "x" * 7000)
    assert hook._pending_params == {}
    assert mlflow.get_run(run.info.run_id).data.tags["long"] == "x" * 7000


def test_credentials_never_reach_mlflow_params(experiment_id):
    hook = hook_with_long_params_as_tags()
    hook._log_param("tuning.storage", "postgresql://optuna:s3cret@db/tuning")
    hook._log_param("service.token", "abc")
    assert hook._pending_params == {
        "tuning.storage": "postgresql://optuna:***@db/tuning",
        "service.token": "***",
    }


def test_untracked_parameters_are_not_logged(experiment_id):
    hook = BatchedMlflowHook(untracked_parameters=("*.candidate.*",))
    hook._pending_params = {}
    hook._log_param("linear.candidate.hyperparameters.regression.alpha", 1.0)
    hook._log_param("modelling.cv_folds", 5)
    assert hook._pending_params == {"modelling.cv_folds": 5}


def catalog_created(conf_catalog: dict) -> DataCatalog:
    catalog = DataCatalog.from_config(conf_catalog)
    BatchedMlflowHook().after_catalog_created(
        catalog=catalog,
        conf_catalog=conf_catalog,
        conf_creds={},
        parameters={},
        save_version="",
        load_versions={},
    )
    return catalog


def test_a_catalog_without_kedro_mlflow_metrics_stays_unbuilt_until_a_node_needs_it():
    # Building this entry fails: the hook must not build it (nor any other).
    catalog = catalog_created({"report": {"type": "no_such_module.ReportDataset"}})
    with pytest.raises(DatasetError, match="no_such_module"):
        catalog.get("report")


def test_kedro_mlflow_metrics_are_still_named_after_their_entry():
    catalog = catalog_created(
        {"accuracy": {"type": "kedro_mlflow.io.metrics.MlflowMetricDataset"}}
    )
    assert catalog.get("accuracy").key == "accuracy"
