"""The end-of-run summary of a training run."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline

from tabular_mlops.catalog_names import (
    CANDIDATE_COMPARISON,
    FEATURE_SPEC,
    PROMOTION_DECISION,
)
from tabular_mlops.core.metrics import LOWER_IS_BETTER, champion_metric
from tabular_mlops.core.sources import source_name

logger = logging.getLogger(__name__)


def training_summary(
    data: dict[str, Any],
    feature_spec: dict[str, Any],
    candidate_comparison: pd.DataFrame,
    metric: str,
    promotion_decision: dict[str, Any] | None = None,
) -> list[str]:
    """What a training run did, one sentence a line: data, task, candidates,
    champion and, when it registered the model, the alias it earned and why."""
    source = source_name(data)
    direction = "lower" if metric in LOWER_IS_BETTER else "higher"
    champion = candidate_comparison.iloc[0]
    summary = [
        f"Trained on {source}: {feature_spec['rows']} rows, "
        f"{feature_spec['task']} task on '{feature_spec['target']}'.",
        f"Candidates by mean CV {metric} ({direction} is better): "
        + ", ".join(
            f"{row['family']} {row[f'cv_{metric}']:.4f}"
            for _, row in candidate_comparison.iterrows()
        )
        + ".",
        f"Champion: {champion['family']}, test {metric} "
        f"{champion[f'test_{metric}']:.4f}.",
    ]
    if promotion_decision:
        summary.append(
            f"Registered as {promotion_decision['alias']}: "
            f"{promotion_decision['reason'].rstrip('.')}. `make gate` judges it."
        )
    return summary


class TrainingSummaryHook:
    """Logs a short summary at the end of every run that chose a champion, and where
    to look next."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        ui = context.mlflow.ui  # type: ignore[attr-defined]  # set by kedro-mlflow
        self._mlflow_ui = f"http://{ui.host}:{ui.port}"

    @hook_impl
    def before_pipeline_run(self) -> None:
        run = mlflow.active_run()
        self._run_id = run.info.run_id if run else None

    @hook_impl
    def after_pipeline_run(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        if CANDIDATE_COMPARISON not in pipeline.all_outputs():
            return
        # Read the datasets directly: the catalog would log each load.
        feature_spec = catalog[FEATURE_SPEC].load()
        summary = training_summary(
            data=catalog["params:data"].load(),
            feature_spec=feature_spec,
            candidate_comparison=catalog[CANDIDATE_COMPARISON].load(),
            metric=champion_metric(
                catalog["params:modelling"].load()["champion_metric"],
                feature_spec["task"],
            ),
            promotion_decision=catalog[PROMOTION_DECISION].load()
            if PROMOTION_DECISION in pipeline.all_outputs()
            else None,
        )
        comparison_file = Path(catalog[CANDIDATE_COMPARISON]._describe()["filepath"])
        run = f" (run {self._run_id})" if self._run_id else ""
        summary += [
            f"MLflow{run}: `kedro mlflow ui`, then {self._mlflow_ui}.",
            f"Reports and plots: {_relative(comparison_file.parent)}/",
        ]
        for line in summary:
            logger.info(line)


def _relative(path: Path) -> str:
    """``path`` relative to the working directory when inside it, for shorter logs."""
    return str(
        path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    )
