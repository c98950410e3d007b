"""Lineage end to end, in a git checkout: runs store their table once per content,
`kedro reproduce` rebuilds a run on a CSV that changed since (identical metrics and
test predictions), refuses clearly without its snapshot or at another commit, and
`kedro prune` deletes old runs and unreferenced snapshots, never a registered one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import mlflow
import pandas as pd
import pytest
import sklearn
import yaml
from mlflow import MlflowClient
from sklearn.datasets import load_wine

from tests.conftest import (
    QUICK_TRAINING,
    kedro,
    make_project,
    run_pipeline,
    source_data,
)

pytestmark = pytest.mark.integration

TABLE = "wine.csv"


def git(project: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def snapshots(project: Path) -> set[str]:
    return {path.name for path in (project / "data/snapshots").glob("*")}


def train(project: Path, pipeline: str = "train") -> mlflow.entities.Run:
    run_pipeline(project, pipeline, **{"data": {"filepath": TABLE}, **QUICK_TRAINING})
    return mlflow.last_active_run()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A committed project trained twice on one table, which then changed: the
    changed table went through data processing only."""
    project = make_project(tmp_path_factory.mktemp("lineage"))
    (project / ".gitignore").write_text("data/\nmlflow.db\nmlartifacts/\n*.log\n")
    git(project, "init", "--quiet")
    git(project, "add", ".")
    git(project, "commit", "--quiet", "-m", "project")
    wine = load_wine(as_frame=True).frame
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)
        wine.to_csv(project / TABLE, index=False)
        runs = [train(project), train(project)]
        wine.assign(alcohol=wine["alcohol"] * 2).to_csv(project / TABLE, index=False)
        runs.append(train(project, "data_processing"))
    return project, runs


def run_count(project: Path, experiment_id: str) -> int:
    client = MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    return len(client.search_runs([experiment_id]))


def test_runs_on_the_same_table_store_it_once_and_link_it(project):
    project, (first, second, changed) = project
    assert first.data.tags["lineage.snapshot"] == second.data.tags["lineage.snapshot"]
    assert changed.data.tags["lineage.snapshot"] != first.data.tags["lineage.snapshot"]
    assert snapshots(project) == {
        Path(run.data.tags["lineage.snapshot"]).name for run in (first, changed)
    }
    assert [
        source_data(first, part)["rows"] for part in ("source", "training", "testing")
    ] == [178, 142, 36]
    artifacts = {
        item.path
        for item in MlflowClient().list_artifacts(first.info.run_id, "lineage")
    }
    assert artifacts == {"lineage/configuration.yml", "lineage/environment.yml"}
    configuration = mlflow.artifacts.load_text(
        f"{first.info.artifact_uri}/lineage/configuration.yml"
    )
    recorded = yaml.safe_load(configuration)
    assert recorded["pipelines"] == ["train"]
    assert recorded["parameters"]["data"]["filepath"] == TABLE
    assert recorded["parameters"]["modelling"]["cv_folds"] == 3  # from runtime params
    assert recorded["catalog"]["source_table"]["filepath"].endswith(TABLE)
    environment = yaml.safe_load(
        mlflow.artifacts.load_text(f"{first.info.artifact_uri}/lineage/environment.yml")
    )
    assert environment["git"] == {
        "commit": git(project, "rev-parse", "HEAD"),
        "dirty": False,
    }
    assert environment["packages"]["scikit-learn"] == sklearn.__version__


def test_reproduce_rebuilds_a_run_from_its_snapshot_not_the_changed_file(project):
    project, (first, _, _) = project
    reproduced = kedro(project, "reproduce", first.info.run_id)
    assert reproduced.returncode == 0, reproduced.stderr[-3000:]
    assert "identical: run" in reproduced.stdout
    client = MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    (rebuild,) = client.search_runs(
        [first.info.experiment_id], f"tags.reproduces = '{first.info.run_id}'"
    )
    assert source_data(rebuild)["digest"] == source_data(first)["digest"]
    assert rebuild.data.metrics == first.data.metrics
    # Not registered: the registry stage is left out of a rebuild (and the second
    # run, the same model refitted, registered nothing either).
    assert len(client.search_model_versions("name = 'tabular_mlops'")) == 1


def test_reproduce_refuses_another_commit_and_writes_nothing(project):
    project, (first, _, _) = project
    (project / "conf/base/parameters_promotion.yml").open("a").write("# edited\n")
    git(project, "commit", "--quiet", "-am", "edit")
    runs = run_count(project, first.info.experiment_id)
    raw = (project / "data/01_raw/raw_table.parquet").stat()
    try:
        refused = kedro(project, "reproduce", first.info.run_id)
    finally:
        git(project, "reset", "--quiet", "--hard", "HEAD~1")
    assert refused.returncode == 1
    assert f"Error: run {first.info.run_id} ran at commit" in refused.stderr
    assert "--allow-other-commit" in refused.stderr
    assert run_count(project, first.info.experiment_id) == runs
    assert (project / "data/01_raw/raw_table.parquet").stat() == raw


def test_reproduce_refuses_a_run_whose_snapshot_is_gone(project):
    project, (_, _, changed) = project
    snapshot = project / changed.data.tags["lineage.snapshot"]
    kept = snapshot.read_bytes()
    snapshot.unlink()
    runs = run_count(project, changed.info.experiment_id)
    try:
        refused = kedro(project, "reproduce", changed.info.run_id)
    finally:
        snapshot.write_bytes(kept)
    assert refused.returncode == 1
    assert f"Error: the data snapshot of run {changed.info.run_id}" in refused.stderr
    assert "no longer exists" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert run_count(project, changed.info.experiment_id) == runs


def test_prune_deletes_old_runs_and_their_snapshots_but_keeps_registered_ones(project):
    project, (first, second, changed) = project
    pd.read_csv(project / TABLE).head(100).to_csv(project / TABLE, index=False)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)
        newest = train(project, "data_processing")
    old_snapshot = Path(changed.data.tags["lineage.snapshot"]).name

    dry = kedro(project, "prune", "--keep", "1", "--dry-run")
    assert dry.returncode == 0, dry.stderr[-3000:]
    assert dry.stdout.startswith("Would delete (dry run):\n")
    assert changed.info.run_id in dry.stdout and old_snapshot in dry.stdout
    assert first.info.run_id not in dry.stdout
    assert old_snapshot in snapshots(project)

    pruned = kedro(project, "prune", "--keep", "1")
    assert pruned.returncode == 0, pruned.stderr[-3000:]
    client = MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    stage = {
        run.info.run_id: client.get_run(run.info.run_id).info.lifecycle_stage
        for run in (first, second, changed, newest)
    }
    # first and second are older than the newest train run, the rebuild; first
    # backs registered version 1, second only refitted it (linked by a tag).
    assert stage == {
        first.info.run_id: "active",
        second.info.run_id: "deleted",
        changed.info.run_id: "deleted",
        newest.info.run_id: "active",
    }
    assert old_snapshot not in snapshots(project)
    assert Path(first.data.tags["lineage.snapshot"]).name in snapshots(project)
