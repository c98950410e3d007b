"""Log a model to MLflow with an input example, so MLflow records its signature."""

from __future__ import annotations

from typing import Any

import pandas as pd
from kedro_mlflow.io.models import MlflowModelTrackingDataset


class MlflowModelWithExampleDataset(MlflowModelTrackingDataset):
    """``MlflowModelTrackingDataset`` whose data is ``(model, input_example)``.

    The example is logged with the model and MLflow infers the model signature from
    it; the rest of ``save_args`` is passed to the flavour's ``log_model`` unchanged.
    """

    _save_args: dict[str, Any]  # set by the parent's __init__

    def _save(self, data: tuple[Any, pd.DataFrame]) -> None:
        model, input_example = data
        static_save_args = self._save_args
        self._save_args = {**static_save_args, "input_example": input_example}
        try:
            super()._save(model)
        finally:
            self._save_args = static_save_args
