"""Kedro datasets that read from or write to MLflow."""

from tabular_mlops.tracking.datasets.mlflow_input_dataset import MlflowInputDataset
from tabular_mlops.tracking.datasets.mlflow_metrics_batch_dataset import (
    MlflowMetricsBatchDataset,
)
from tabular_mlops.tracking.datasets.mlflow_metrics_series_dataset import (
    MlflowMetricsSeriesDataset,
)
from tabular_mlops.tracking.datasets.mlflow_model_with_example_dataset import (
    MlflowModelWithExampleDataset,
)
from tabular_mlops.tracking.datasets.mlflow_params_dataset import MlflowParamsDataset
from tabular_mlops.tracking.datasets.mlflow_registered_model_dataset import (
    MlflowRegisteredModelDataset,
)
from tabular_mlops.tracking.datasets.mlflow_tags_dataset import MlflowTagsDataset
from tabular_mlops.tracking.datasets.table_snapshot_dataset import TableSnapshotDataset

__all__ = [
    "MlflowInputDataset",
    "MlflowMetricsBatchDataset",
    "MlflowMetricsSeriesDataset",
    "MlflowModelWithExampleDataset",
    "MlflowParamsDataset",
    "MlflowRegisteredModelDataset",
    "MlflowTagsDataset",
    "TableSnapshotDataset",
]
