"""Project-specific Kedro datasets (MLflow datasets live in ``tracking.datasets``)."""

from tabular_mlops.datasets.quality_baseline_dataset import QualityBaselineDataset
from tabular_mlops.datasets.tabular_source_dataset import TabularSourceDataset

__all__ = ["QualityBaselineDataset", "TabularSourceDataset"]
