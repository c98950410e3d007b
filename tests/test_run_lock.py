import threading
import time

import pytest

from tabular_mlops.core.errors import InputError
from tabular_mlops.run_lock import POLICY_VARIABLE, ProjectRunLockHook


@pytest.fixture
def running(project_path, monkeypatch):
    """A hook holding the project's run lock, as a run in progress does."""
    monkeypatch.delenv("MLFLOW_RUN_ID", raising=False)
    monkeypatch.delenv(POLICY_VARIABLE, raising=False)
    hook = ProjectRunLockHook()
    hook.before_pipeline_run()
    yield hook
    hook.after_pipeline_run()


def test_a_second_run_refuses_at_once_naming_the_first(running, project_path):
    with pytest.raises(
        InputError, match=r"Another run is using this project \(pid \d+"
    ):
        ProjectRunLockHook().before_pipeline_run()
    assert (project_path / "data/.run.lock").exists()


def test_the_lock_is_given_back_when_the_pipeline_ends_or_fails(running):
    running.after_pipeline_run()
    second = ProjectRunLockHook()
    second.before_pipeline_run()
    second.on_pipeline_error()
    ProjectRunLockHook().before_pipeline_run()


def test_with_the_wait_policy_a_second_run_waits_for_the_first(
    running, monkeypatch, caplog
):
    monkeypatch.setenv(POLICY_VARIABLE, "wait")
    second = ProjectRunLockHook()
    started = time.monotonic()
    threading.Timer(0.5, running.after_pipeline_run).start()
    second.before_pipeline_run()
    assert time.monotonic() - started >= 0.4
    assert "Waiting for the run of pid" in caplog.text
    second.after_pipeline_run()


def test_an_orchestrators_tasks_take_no_lock(running, monkeypatch):
    monkeypatch.setenv("MLFLOW_RUN_ID", "abc")
    ProjectRunLockHook().before_pipeline_run()


def test_an_unknown_policy_is_a_clear_error(project_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_RUN_ID", raising=False)
    monkeypatch.setenv(POLICY_VARIABLE, "queue")
    with pytest.raises(InputError, match="Use one of: refuse, wait"):
        ProjectRunLockHook().before_pipeline_run()
