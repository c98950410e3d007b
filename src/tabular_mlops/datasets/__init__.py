"""Project-specific Kedro datasets (MLflow datasets live in ``tracking.datasets``)."""

from tabular_mlops.datasets.quality_baseline_dataset import QualityBaselineDataset
from tabular_mlops.datasets.tabular_source_dataset import TabularSourceDataset
from tabular_mlops.datasets.webhook_alert_dataset import WebhookAlertDataset

__all__ = ["QualityBaselineDataset", "TabularSourceDataset", "WebhookAlertDataset"]
