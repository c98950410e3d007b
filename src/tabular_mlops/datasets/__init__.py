"""Project-specific Kedro datasets."""

from tabular_mlops.datasets.mlflow_metrics_batch_dataset import (
    MlflowMetricsBatchDataset,
)
from tabular_mlops.datasets.mlflow_model_with_example_dataset import (
    MlflowModelWithExampleDataset,
)
from tabular_mlops.datasets.mlflow_registered_model_dataset import (
    MlflowRegisteredModelDataset,
    RegisteredModel,
)
from tabular_mlops.datasets.tabular_source_dataset import TabularSourceDataset

__all__ = [
    "MlflowMetricsBatchDataset",
    "MlflowModelWithExampleDataset",
    "MlflowRegisteredModelDataset",
    "RegisteredModel",
    "TabularSourceDataset",
]
