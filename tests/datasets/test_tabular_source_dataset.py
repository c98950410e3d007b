import logging

import pandas as pd
import pytest
from kedro.io import DatasetError

from tabular_mlops.core.errors import InputError, find_input_error
from tabular_mlops.core.sources import BUNDLED_DATASETS
from tabular_mlops.datasets import TabularSourceDataset


@pytest.mark.parametrize("name", sorted(BUNDLED_DATASETS))
def test_bundled_sets_load_with_a_target_column(name):
    table = TabularSourceDataset(bundled=name).load()
    assert "target" in table.columns
    assert len(table) > 100


def test_class_labels_are_named():
    table = TabularSourceDataset(bundled="breast_cancer").load()
    assert set(table["target"]) == {"malignant", "benign"}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_user_file_is_loaded_by_extension(tmp_path, mixed_table, suffix):
    path = tmp_path / f"table{suffix}"
    if suffix == ".csv":
        mixed_table.to_csv(path, index=False)
    else:
        mixed_table.to_parquet(path)
    loaded = TabularSourceDataset(filepath=str(path)).load()
    assert list(loaded.columns) == list(mixed_table.columns)
    assert len(loaded) == len(mixed_table)


def test_reading_a_file_logs_its_size_then_its_shape(tmp_path, mixed_table, caplog):
    path = tmp_path / "table.csv"
    mixed_table.to_csv(path, index=False)
    with caplog.at_level(logging.INFO):
        TabularSourceDataset(filepath=str(path)).load()
    size_mb = path.stat().st_size / 1e6
    assert caplog.messages[0] == f"Reading {path} ({size_mb:.1f} MB)..."
    assert caplog.messages[1].startswith(
        f"Read {len(mixed_table)} rows x {mixed_table.shape[1]} columns in "
    )


def test_unknown_bundled_set_names_the_choices():
    with pytest.raises(
        InputError, match="Unknown bundled data set 'titanic'.*breast_cancer"
    ):
        TabularSourceDataset(bundled="titanic")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("table.xlsx", b"a,b\n1,2\n", r"Unsupported file type '\.xlsx'.*\.csv"),
        ("missing.csv", None, "File not found: '.*missing.csv' \\(data.filepath\\)"),
        ("empty.csv", b"", "File '.*empty.csv' \\(data.filepath\\) is empty"),
        ("empty.parquet", b"", "File '.*empty.parquet' \\(data.filepath\\) is empty"),
        (
            "broken.csv",
            b'a,b\n1,"unterminated\n',
            "Cannot read '.*broken.csv' \\(data.filepath\\) as CSV: .*EOF inside string",
        ),
        (
            "broken.parquet",
            b"PAR1 not really parquet",
            "Cannot read '.*broken.parquet' \\(data.filepath\\) as Parquet: .*magic bytes",
        ),
        (
            "repeated.csv",
            b"a,b,a\n1,2,3\n",
            "File '.*repeated.csv' \\(data.filepath\\) repeats the column names 'a'",
        ),
    ],
)
def test_file_problems_are_named_with_the_path(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DatasetError) as refused:
        TabularSourceDataset(filepath=str(path)).load()
    assert find_input_error(refused.value) is not None
    assert refused.match(message)


def test_repeated_names_are_told_from_pandas_suffixes(tmp_path):
    path = tmp_path / "suffix.csv"
    path.write_text("a,a.1,label\n1,2,x\n")
    assert list(TabularSourceDataset(filepath=str(path)).load().columns) == [
        "a",
        "a.1",
        "label",
    ]


def test_source_is_read_only():
    with pytest.raises(DatasetError, match="read-only"):
        TabularSourceDataset().save(pd.DataFrame())


def test_fingerprint_follows_the_content(tmp_path, mixed_table):
    path = tmp_path / "table.csv"
    mixed_table.to_csv(path, index=False)
    source = TabularSourceDataset(filepath=str(path))
    first = source.fingerprint()
    assert source.fingerprint() == first
    mixed_table.loc[0, "income"] = 1.0
    mixed_table.to_csv(path, index=False)
    assert source.fingerprint() != first
    bundled = {
        TabularSourceDataset(bundled=name).fingerprint() for name in ("wine", "iris")
    }
    assert len(bundled) == 2


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_a_csv_separator_is_detected(tmp_path, separator, caplog):
    path = tmp_path / "table.csv"
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_csv(
        path, sep=separator, index=False
    )
    table = TabularSourceDataset(filepath=str(path)).load()
    assert list(table.columns) == ["a", "b"]
    assert f"columns separated by {separator!r} (detected" in caplog.text


def test_a_wrong_separator_is_refused_naming_the_right_one(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("a;b\n1;x\n2;y\n")
    with pytest.raises(DatasetError) as refused:
        TabularSourceDataset(filepath=str(path), separator="|").load()
    assert "separator '|', but its header holds ';'" in str(
        find_input_error(refused.value)
    )
