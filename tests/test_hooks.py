import subprocess

import mlflow

from tabular_mlops.hooks import git_commit


def test_git_commit_names_the_commit_and_dirty_state(tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    assert git_commit(tmp_path) == "unknown"
    git("init")
    (tmp_path / "file.txt").write_text("one")
    git("add", "file.txt")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-m", "first")
    commit = git_commit(tmp_path)
    assert len(commit) == 40
    (tmp_path / "file.txt").write_text("two")
    assert git_commit(tmp_path) == f"{commit}-dirty"


def test_a_session_leaves_no_active_mlflow_run(run_kedro):
    run_kedro("data_processing")
    assert mlflow.active_run() is None
