"""Optuna trials as nested MLflow runs."""

from __future__ import annotations

from typing import Any

import mlflow
from kedro.framework.hooks import hook_impl

from tabular_mlops.catalog_names import TUNING_TRIALS


def with_prefix(record: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The entries of ``record`` whose key starts with ``prefix``, without it."""
    return {
        key.removeprefix(prefix): value
        for key, value in record.items()
        if key.startswith(prefix)
    }


class TuningTrialRunsHook:
    """Logs each Optuna trial of the ``tune`` pipeline as a nested MLflow run (its
    hyper-parameters and CV score) under the pipeline's run.

    The tuning node stays free of MLflow: it returns its trials as a table,
    ``<family>.tuning_trials``, with ``params.<name>`` and ``metrics.<name>`` columns.
    """

    @hook_impl
    def after_node_run(self, outputs: dict[str, Any]) -> None:
        if mlflow.active_run() is None:
            return
        suffix = f".{TUNING_TRIALS}"
        for name, trials in outputs.items():
            if not name.endswith(suffix):
                continue
            family = name.removesuffix(suffix)
            for trial in trials.to_dict("records"):
                with mlflow.start_run(
                    run_name=f"{family}.trial_{trial['number']}",
                    nested=True,
                    tags={"family": family, "trial": str(trial["number"])},
                ):
                    mlflow.log_params(with_prefix(trial, "params."))
                    mlflow.log_metrics(with_prefix(trial, "metrics."))
