from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from kedro_datasets.pickle import PickleDataset

from tabular_mlops.pipelines.data_processing import create_pipeline


def test_pipeline_turns_a_source_table_into_model_input(mixed_table, tmp_path):
    catalog = DataCatalog(
        {
            # Persisted: the runner releases memory datasets that later nodes read.
            **{
                name: PickleDataset(filepath=str(tmp_path / f"{name}.pkl"))
                for name in ("X_train", "X_test", "y_train", "y_test", "raw_table")
            },
            "source_table": MemoryDataset(mixed_table),
            "params:data": MemoryDataset(
                {
                    "dataset": "breast_cancer",
                    "filepath": "customers.csv",
                    "target": "label",
                    "task": "auto",
                    "id_unique_share": 0.9,
                }
            ),
            "params:split": MemoryDataset({"test_size": 0.25, "random_state": 1}),
            "params:modelling": MemoryDataset({"cv_folds": 5}),
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)

    X_train, X_test = catalog.load("X_train"), catalog.load("X_test")
    y_train, y_test = catalog.load("y_train"), catalog.load("y_test")
    assert len(X_train) + len(X_test) == len(mixed_table) - 2
    assert len(y_train) == len(X_train) and len(y_test) == len(X_test)
    assert catalog.load("source_data_input").name == "customers.csv"
    assert catalog.load("source_snapshot").equals(catalog.load("raw_table"))
    train, test = catalog.load("train_data_input"), catalog.load("test_data_input")
    assert (train.name, test.name) == ("customers.csv (train)", "customers.csv (test)")
    assert train.targets == test.targets == "label"
    assert len(test.df) == len(X_test) and "label" in test.df
