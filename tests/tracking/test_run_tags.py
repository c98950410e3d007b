import subprocess
import sys

import click
import mlflow
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline, node
from kedro_datasets.json import JSONDataset

from tabular_mlops.tracking.run_tags import RunTagsHook, git_commit, typed_command


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


def test_the_run_is_tagged_with_its_pipelines_the_commit_and_the_task(
    experiment_id, tmp_path
):
    spec = tmp_path / "feature_spec.json"
    spec.write_text('{"task": "multiclass"}')
    catalog = DataCatalog({"feature_spec": JSONDataset(filepath=str(spec))})
    pipeline = Pipeline([node(lambda: {}, None, "feature_spec")])
    hook = RunTagsHook()
    hook._project_path = tmp_path  # not a git repository
    with mlflow.start_run() as run:
        hook.before_pipeline_run({"pipeline_names": ["train"]})
        hook.after_pipeline_run(pipeline, catalog)
    tags = mlflow.get_run(run.info.run_id).data.tags
    assert tags["git.commit"] == "unknown"
    assert tags["task"] == "multiclass"
    assert tags["kedro.pipeline"] == "train"


def test_the_command_tag_is_the_command_as_typed_with_passwords_masked(monkeypatch):
    assert typed_command() is None  # not started from the command line
    arguments = [
        "kedro",
        "run",
        "--pipelines=train",
        "--env=server",
        "--params",
        "data.filepath=s3://user:s3cret@bucket/my table.csv",
        "--runner-params",
        "force=true",
    ]
    monkeypatch.setattr(sys, "argv", ["/venv/bin/kedro", *arguments[1:]])
    with click.Context(click.Command("run")):
        assert typed_command() == (
            "kedro run --pipelines=train --env=server --params "
            "'data.filepath=s3://user:***@bucket/my table.csv' --runner-params force=true"
        )
