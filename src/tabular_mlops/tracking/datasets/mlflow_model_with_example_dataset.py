"""Log a model to MLflow with an input example, once per distinct model."""

from __future__ import annotations

from typing import Any

import mlflow
import pandas as pd
from kedro_mlflow.io.models import MlflowModelTrackingDataset
from mlflow.entities import LoggedModel, LoggedModelOutput, LoggedModelStatus

from tabular_mlops.core.model import with_estimator_requirements
from tabular_mlops.skip_unchanged.keys import content_fingerprint

CONTENT_TAG = "tabular_mlops.content_sha1"
"""Tag of a logged model: hash of the model, its input example and its save_args."""


class MlflowModelWithExampleDataset(MlflowModelTrackingDataset):
    """``MlflowModelTrackingDataset`` whose data is ``(model, input_example)``.

    The example is logged with the model and MLflow infers the model signature from
    it; the rest of ``save_args`` is passed to the flavour's ``log_model``, with the
    estimator's own package (e.g. CatBoost) added to its ``pip_requirements``.
    A model identical to one already logged in the run's experiment (same content,
    example and ``save_args``, e.g. on a re-run with nothing changed) is not logged
    again: that logged model becomes an output of the active run.
    """

    _save_args: dict[str, Any]  # set by the parent's __init__

    def _save(self, data: tuple[Any, pd.DataFrame]) -> None:
        if not self._logging_activated:
            return
        model, input_example = data
        fingerprint = content_fingerprint((model, input_example, self._save_args))
        run = mlflow.active_run()
        logged = self._find_logged(fingerprint, run.info.experiment_id) if run else None
        if run and logged:
            mlflow.MlflowClient().log_outputs(
                run.info.run_id, [LoggedModelOutput(logged.model_id, step=0)]
            )
            self._last_saved_model_uri = logged.model_uri
            self._logger.info(
                "Model '%s' unchanged: linked %s (logged by run %s) to this run",
                logged.name,
                logged.model_uri,
                logged.source_run_id,
            )
            return
        static_save_args = self._save_args
        self._save_args = {
            **with_estimator_requirements(static_save_args, model),
            "input_example": input_example,
            "tags": {**static_save_args.get("tags", {}), CONTENT_TAG: fingerprint},
        }
        try:
            super()._save(model)
        finally:
            self._save_args = static_save_args

    def _find_logged(self, fingerprint: str, experiment_id: str) -> LoggedModel | None:
        """A ready logged model of the experiment with this name and content hash."""
        found = mlflow.search_logged_models(
            experiment_ids=[experiment_id],
            filter_string=(
                f"name = '{self._save_args['name']}' "
                f"AND tags.`{CONTENT_TAG}` = '{fingerprint}'"
            ),
            output_format="list",
        )
        return next((m for m in found if m.status == LoggedModelStatus.READY), None)
