"""The table a run starts from: a user's CSV/Parquet file or a bundled example."""

from __future__ import annotations

import csv
import hashlib
import logging
import time
from pathlib import PurePosixPath
from typing import Any

import fsspec
import pandas as pd
import sklearn
from kedro.io import AbstractDataset, DatasetError
from kedro_datasets.pandas import CSVDataset, ParquetDataset

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.sources import BUNDLED_DATASETS, load_bundled_dataset

logger = logging.getLogger(__name__)

SEPARATORS = ",;\t|"
SNIFF_CHARACTERS = 64 * 1024

FILE_DATASETS: dict[str, type[CSVDataset] | type[ParquetDataset]] = {
    ".csv": CSVDataset,
    ".parquet": ParquetDataset,
    ".pq": ParquetDataset,
}


class TabularSourceDataset(AbstractDataset[None, pd.DataFrame]):
    """Read-only source table.

    Loads ``filepath`` (CSV or Parquet, chosen by extension) when it is set, otherwise
    the scikit-learn bundled data set named by ``bundled``, which needs no download.

    Example catalog entry::

        source_table:
          type: tabular_mlops.datasets.TabularSourceDataset
          filepath: ${runtime_params:data.filepath,null}
          bundled: breast_cancer
    """

    def __init__(
        self,
        bundled: str = "breast_cancer",
        filepath: str | None = None,
        separator: str | None = None,
        load_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if filepath is None and bundled not in BUNDLED_DATASETS:
            raise InputError(
                f"Unknown bundled data set '{bundled}' (parameter data.dataset). "
                f"Choose one of: {', '.join(BUNDLED_DATASETS)}."
            )
        self._bundled = bundled
        self._filepath = filepath
        self._separator = separator
        self._load_args = load_args or {}
        self.metadata = metadata

    def _file_dataset(self, filepath: str) -> AbstractDataset:
        suffix = PurePosixPath(filepath).suffix.lower()
        if suffix not in FILE_DATASETS:
            raise InputError(
                f"Unsupported file type '{suffix or '(none)'}' for data.filepath="
                f"'{filepath}'. Use one of: {', '.join(FILE_DATASETS)}."
            )
        return FILE_DATASETS[suffix](filepath=filepath, load_args=self._load_args)

    def _csv_separator(self, filepath: str) -> str:
        """``separator`` when given, else the one the file's first lines use (comma,
        semicolon, tab or pipe; comma when they do not tell)."""
        if self._separator:
            return self._separator
        try:
            with fsspec.open(filepath, "r", errors="replace") as file:
                sample = file.read(SNIFF_CHARACTERS)
            separator = csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
        except (OSError, csv.Error):
            return ","
        if separator != ",":
            logger.info(
                "%s: columns separated by %r (detected; data.separator sets it).",
                filepath,
                separator,
            )
        return separator

    def load(self) -> pd.DataFrame:
        if self._filepath is None:
            return load_bundled_dataset(self._bundled)
        dataset = self._file_dataset(self._filepath)
        separator = None
        filesystem, path = fsspec.core.url_to_fs(self._filepath)
        if not filesystem.exists(path):
            raise InputError(
                f"File not found: '{self._filepath}' (data.filepath). Check the "
                "path; a relative path starts at the project root."
            )
        size = filesystem.size(path)
        if size == 0:
            raise InputError(
                f"File '{self._filepath}' (data.filepath) is empty. Export the table "
                "again or point data.filepath at another file."
            )
        if isinstance(dataset, CSVDataset):
            separator = self._csv_separator(self._filepath)
            load_args = {"sep": separator, **self._load_args}
            dataset = CSVDataset(filepath=self._filepath, load_args=load_args)
        logger.info("Reading %s (%.1f MB)...", self._filepath, size / 1e6)
        started = time.perf_counter()
        try:
            table = dataset.load()
        except DatasetError as error:
            reason = str(error.__cause__ or error).strip().splitlines()[-1]
            raise InputError(
                f"Cannot read '{self._filepath}' (data.filepath) as "
                f"{type(dataset).__name__.removesuffix('Dataset')}: {reason.rstrip('.')}. The file "
                "is corrupt or not in the format its extension says."
            ) from error
        logger.info(
            "Read %d rows x %d columns in %.1f s.",
            *table.shape,
            time.perf_counter() - started,
        )
        if separator is not None:
            self._refuse_one_column_of_separated_values(table, separator)
            self._refuse_duplicate_header(table, separator)
        return table

    def _refuse_one_column_of_separated_values(
        self, table: pd.DataFrame, used: str
    ) -> None:
        """A single column whose name holds another separator: the wrong one."""
        name = str(table.columns[0]) if table.shape[1] == 1 else ""
        found = [sep for sep in SEPARATORS if sep != used and sep in name]
        if found:
            raise InputError(
                f"File '{self._filepath}' (data.filepath) read as one column with "
                f"separator {used!r}, but its header holds {found[0]!r}: set "
                f"data.separator to the file's separator, e.g. "
                f'--params "data.separator={found[0]}".'
            )

    def _refuse_duplicate_header(self, table: pd.DataFrame, separator: str) -> None:
        """pandas renames repeated CSV column names (``a``, ``a.1``): refuse them."""
        header_args = {
            "sep": separator,
            **self._load_args,
            "header": None,
            "nrows": 1,
        }
        header = CSVDataset(filepath=self._filepath, load_args=header_args).load()
        names = header.iloc[0].astype(str).str.strip() if len(header) else pd.Series()
        duplicated = names[names.duplicated()].unique()
        if len(duplicated) and len(names) == table.shape[1]:
            raise InputError(
                f"File '{self._filepath}' (data.filepath) repeats the column names "
                f"{', '.join(map(repr, duplicated))}. Rename them so that each column "
                "name is unique."
            )

    def fingerprint(self) -> str:
        """Hash of the table's content without parsing it: the file's bytes, or the
        bundled set's name and the scikit-learn version that ships it."""
        digest = hashlib.sha256(repr((self._load_args, self._separator)).encode())
        if self._filepath is None:
            digest.update(f"{self._bundled} {sklearn.__version__}".encode())
        else:
            with fsspec.open(self._filepath, "rb") as file:
                digest.update(hashlib.file_digest(file, "sha256").digest())
        return digest.hexdigest()

    def save(self, data: None) -> None:
        raise DatasetError("The source table is read-only; nodes write 'raw_table'.")

    def _exists(self) -> bool:
        return self._filepath is None or self._file_dataset(self._filepath).exists()

    def _describe(self) -> dict[str, Any]:
        return {
            "bundled": self._bundled,
            "filepath": self._filepath,
            "separator": self._separator,
        }
