import os
import socket
import subprocess

import mlflow
import pytest

from tabular_mlops.tracking.run_lifecycle import (
    HOST_TAG,
    NOTE_TAG,
    PID_TAG,
    RunLifecycleHook,
    end_interrupted_run,
    fail_orphaned_runs,
)


def test_the_sessions_run_is_ended_completely(experiment_id):
    hook = RunLifecycleHook()
    hook.after_context_created()
    mlflow.start_run()
    mlflow.start_run(nested=True)
    hook.after_pipeline_run()
    assert mlflow.active_run() is None


def test_an_orchestrators_run_is_left_open(experiment_id):
    with mlflow.start_run() as outer:
        hook = RunLifecycleHook()
        hook.after_context_created()
        hook.after_pipeline_run()
        assert mlflow.active_run().info.run_id == outer.info.run_id


@pytest.mark.integration
def test_a_session_leaves_no_active_mlflow_run(run_kedro):
    run_kedro("data_processing")
    assert mlflow.active_run() is None


def test_runs_left_running_by_a_dead_process_are_marked_failed(experiment_id):
    client = mlflow.MlflowClient()
    host = socket.gethostname()
    finished = subprocess.Popen(["true"])
    finished.wait()
    dead = finished.pid  # a process that has ended
    orphan = client.create_run(
        experiment_id, tags={PID_TAG: str(dead), HOST_TAG: host}
    ).info.run_id
    alive = client.create_run(
        experiment_id, tags={PID_TAG: str(os.getpid()), HOST_TAG: host}
    ).info.run_id
    elsewhere = client.create_run(
        experiment_id, tags={PID_TAG: str(dead), HOST_TAG: "another-host"}
    ).info.run_id
    with mlflow.start_run() as current:
        assert fail_orphaned_runs(experiment_id, current.info.run_id) == [orphan]
    failed = client.get_run(orphan)
    assert failed.info.status == "FAILED"
    assert (
        f"process {dead} on {host} ended without closing this run"
        in (failed.data.tags[NOTE_TAG])
    )
    assert client.get_run(alive).info.status == "RUNNING"
    assert client.get_run(elsewhere).info.status == "RUNNING"


def test_an_interrupted_run_ends_killed(experiment_id):
    run = mlflow.start_run()
    mlflow.start_run(nested=True)
    assert end_interrupted_run() == run.info.run_id
    assert mlflow.active_run() is None
    assert mlflow.get_run(run.info.run_id).info.status == "KILLED"
    assert end_interrupted_run() is None
