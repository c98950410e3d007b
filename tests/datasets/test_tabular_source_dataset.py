import pandas as pd
import pytest
from kedro.io import DatasetError

from tabular_mlops.datasets import TabularSourceDataset
from tabular_mlops.datasets.tabular_source_dataset import BUNDLED_DATASETS


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


def test_unknown_bundled_set_names_the_choices():
    with pytest.raises(
        DatasetError, match="Unknown bundled data set 'titanic'.*breast_cancer"
    ):
        TabularSourceDataset(bundled="titanic")


def test_unsupported_extension_is_refused(tmp_path):
    with pytest.raises(DatasetError, match=r"Unsupported file type '\.xlsx'"):
        TabularSourceDataset(filepath=str(tmp_path / "table.xlsx")).load()


def test_source_is_read_only():
    with pytest.raises(DatasetError, match="read-only"):
        TabularSourceDataset().save(pd.DataFrame())
