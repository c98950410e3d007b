import mlflow
import pytest

from tabular_mlops.tracking.run_lifecycle import CloseMlflowRunHook


def test_the_sessions_run_is_ended_completely(experiment_id):
    hook = CloseMlflowRunHook()
    hook.after_context_created()
    mlflow.start_run()
    mlflow.start_run(nested=True)
    hook.after_pipeline_run()
    assert mlflow.active_run() is None


def test_an_orchestrators_run_is_left_open(experiment_id):
    with mlflow.start_run() as outer:
        hook = CloseMlflowRunHook()
        hook.after_context_created()
        hook.after_pipeline_run()
        assert mlflow.active_run().info.run_id == outer.info.run_id


@pytest.mark.integration
def test_a_session_leaves_no_active_mlflow_run(run_kedro):
    run_kedro("data_processing")
    assert mlflow.active_run() is None
