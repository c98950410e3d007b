"""A content-addressed store of the tables runs start from, for ``kedro reproduce``."""

from __future__ import annotations

import logging
from typing import Any

import fsspec
import mlflow
import pandas as pd
from kedro.io import AbstractDataset, DatasetError
from kedro_datasets.pandas import ParquetDataset

from tabular_mlops.core.lineage import table_digest

logger = logging.getLogger(__name__)

SNAPSHOT_TAG = "lineage.snapshot"
"""The run's tag naming its snapshot file; absent when the table was too large."""
DIGEST_TAG = "lineage.snapshot_digest"


class TableSnapshotDataset(AbstractDataset[pd.DataFrame, None]):
    """Saving a table stores it as ``<store>/<digest>.parquet`` unless a table with
    the same content is there already (ten runs on one table store it once), and tags
    the active MLflow run with the file (``lineage.snapshot``) and the digest. A table
    larger in memory than ``max_size_mb`` is not stored: only its digest is recorded,
    with a log line. Write-only; ``store`` may be any fsspec URL (e.g. ``s3://…``).

    Example catalog entry::

        source_snapshot:
          type: tabular_mlops.tracking.datasets.TableSnapshotDataset
          store: data/snapshots
          max_size_mb: 200
    """

    def __init__(
        self,
        store: str,
        max_size_mb: float = 200,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._store = store.rstrip("/")
        self._max_size_mb = max_size_mb
        self.metadata = metadata

    def save(self, data: pd.DataFrame) -> None:
        digest = table_digest(data)
        tags = {DIGEST_TAG: digest}
        size_mb = data.memory_usage(deep=True).sum() / 1e6
        if size_mb > self._max_size_mb:
            logger.info(
                "Data snapshot skipped: the table takes %.0f MB, above max_size_mb=%s "
                "(catalog entry source_snapshot); only its digest is recorded, so "
                "`kedro reproduce` cannot rebuild this run.",
                size_mb,
                self._max_size_mb,
            )
        else:
            tags[SNAPSHOT_TAG] = self._store_once(
                data, f"{self._store}/{digest}.parquet"
            )
        if mlflow.active_run() is not None:
            mlflow.set_tags(tags)

    def _store_once(self, data: pd.DataFrame, filepath: str) -> str:
        filesystem, path = fsspec.core.url_to_fs(filepath)
        if filesystem.exists(path):
            logger.info("Data snapshot: %s (stored by an earlier run).", filepath)
            return filepath
        # Written aside and moved in place: a snapshot file is whole or absent.
        partial = f"{filepath}.partial"
        ParquetDataset(filepath=partial).save(data)
        filesystem.mv(fsspec.core.url_to_fs(partial)[1], path)
        logger.info("Data snapshot: stored %s.", filepath)
        return filepath

    def load(self) -> pd.DataFrame:
        raise DatasetError(
            "A snapshot is read through its run: `kedro reproduce <run_id>`."
        )

    def _describe(self) -> dict[str, Any]:
        return {"store": self._store, "max_size_mb": self._max_size_mb}
