import subprocess

import mlflow
import pandas as pd

from tabular_mlops.hooks import git_commit, training_summary


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


def test_training_summary_names_data_task_candidates_and_champion():
    comparison = pd.DataFrame(
        {
            "family": ["random_forest", "linear"],
            "rank": [1, 2],
            "cv_rmse": [1.5, 2.25],
            "test_rmse": [1.75, 2.5],
        }
    )
    summary = training_summary(
        data={"dataset": "diabetes", "filepath": "prices.csv"},
        feature_spec={"rows": 442, "task": "regression", "target": "price"},
        candidate_comparison=comparison,
        metric="rmse",
    )
    assert summary == [
        "Trained on prices.csv: 442 rows, regression task on 'price'.",
        "Candidates by mean CV rmse (lower is better): "
        "random_forest 1.5000, linear 2.2500.",
        "Champion: random_forest, test rmse 1.7500.",
    ]
