import logging
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from kedro.io import DatasetError

from tabular_mlops.core.lineage import table_digest
from tabular_mlops.tracking.datasets import TableSnapshotDataset

TABLE = pd.DataFrame({"x": range(100), "y": ["a", "b"] * 50})


def test_a_table_is_stored_once_per_content_and_linked_from_the_run(
    tmp_path, experiment_id
):
    store = TableSnapshotDataset(store=str(tmp_path / "snapshots"))
    with mlflow.start_run() as first:
        store.save(TABLE)
    with mlflow.start_run() as second:
        store.save(TABLE.copy())
    with mlflow.start_run():
        store.save(TABLE.head(10))
    files = sorted(path.name for path in (tmp_path / "snapshots").iterdir())
    assert files == sorted(
        f"{table_digest(t)}.parquet" for t in (TABLE, TABLE.head(10))
    )
    tags = [mlflow.get_run(run.info.run_id).data.tags for run in (first, second)]
    assert tags[0]["lineage.snapshot"] == tags[1]["lineage.snapshot"]
    assert tags[0]["lineage.snapshot"].endswith(f"{table_digest(TABLE)}.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tags[0]["lineage.snapshot"]), TABLE)


def test_a_table_above_the_limit_records_its_digest_only(
    tmp_path, experiment_id, caplog
):
    store = TableSnapshotDataset(store=str(tmp_path / "snapshots"), max_size_mb=0.001)
    with caplog.at_level(logging.INFO), mlflow.start_run() as run:
        store.save(TABLE)
    tags = mlflow.get_run(run.info.run_id).data.tags
    assert tags["lineage.snapshot_digest"] == table_digest(TABLE)
    assert "lineage.snapshot" not in tags
    assert not (tmp_path / "snapshots").exists()
    assert "only its digest is recorded" in caplog.text


def test_a_failed_write_leaves_no_snapshot(tmp_path, monkeypatch):
    def fail(self, data):  # half a file where the dataset writes, then the error
        Path(str(self._filepath)).parent.mkdir(parents=True, exist_ok=True)
        Path(str(self._filepath)).write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr("kedro_datasets.pandas.ParquetDataset.save", fail)
    with pytest.raises(DatasetError, match="disk full"):
        TableSnapshotDataset(store=str(tmp_path / "snapshots")).save(TABLE)
    assert not list((tmp_path / "snapshots").glob("*.parquet"))


def test_snapshots_are_read_through_their_run():
    with pytest.raises(DatasetError, match="kedro reproduce"):
        TableSnapshotDataset(store="data/snapshots").load()
