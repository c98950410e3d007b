import mlflow
import pandas as pd
from mlflow import MlflowClient

from tabular_mlops.tracking.retention import plan_pruning, prune_runs


def logged_run(name: str, digest: str | None = None, parent: str | None = None) -> str:
    tags = {"lineage.snapshot_digest": digest} if digest else {}
    with mlflow.start_run(run_name=name, tags=tags, nested=parent is not None) as run:
        if parent:
            mlflow.set_tag("mlflow.parentRunId", parent)
    return run.info.run_id


def test_old_runs_and_unused_snapshots_go_registered_runs_stay(experiment_id, tmp_path):
    store = tmp_path / "snapshots"
    store.mkdir()
    for digest in ("a", "b", "c"):
        pd.DataFrame({"x": [1]}).to_parquet(store / f"{digest}.parquet")
    registered = logged_run("train", "a")
    old = logged_run("train", "b")
    trial = logged_run("tune.trial", parent=old)
    newest = logged_run("train", "c")
    other_pipeline = logged_run("tune", "c")
    client = MlflowClient()
    client.create_registered_model("m")
    client.create_model_version("m", f"runs:/{registered}/model", run_id=registered)

    pruning = plan_pruning(client, experiment_id, str(store), keep=1)
    assert [run.info.run_id for run in pruning.runs] == [old, trial]
    assert pruning.snapshots == [f"{store}/b.parquet"]

    prune_runs(client, pruning)
    stages = {
        run_id: client.get_run(run_id).info.lifecycle_stage
        for run_id in (registered, old, trial, newest, other_pipeline)
    }
    assert [run_id for run_id, stage in stages.items() if stage == "deleted"] == [
        old,
        trial,
    ]
    assert sorted(path.name for path in store.iterdir()) == ["a.parquet", "c.parquet"]
    assert plan_pruning(client, experiment_id, str(store), keep=1) == ([], [])
