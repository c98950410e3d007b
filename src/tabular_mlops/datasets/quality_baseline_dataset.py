"""The committed quality baseline: a YAML file that may not exist yet."""

from __future__ import annotations

from typing import Any

from kedro_datasets.yaml import YAMLDataset


class QualityBaselineDataset(YAMLDataset):
    """kedro-datasets' ``YAMLDataset``, loading ``{}`` while the file does not exist:
    a project starts without a baseline (the gate says so) until ``make baseline``
    writes the first."""

    def load(self) -> dict[str, Any]:
        return super().load() if self.exists() else {}
