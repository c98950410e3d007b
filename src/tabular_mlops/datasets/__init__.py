"""Project-specific Kedro datasets (MLflow datasets live in ``tracking.datasets``)."""

from tabular_mlops.datasets.tabular_source_dataset import TabularSourceDataset

__all__ = ["TabularSourceDataset"]
