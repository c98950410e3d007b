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
from mlflow import MlflowClient

from tabular_mlops.catalog_names import (
    CANDIDATE_COMPARISON,
    FEATURE_SPEC,
    PROMOTION_DECISION,
    SERIES_SPEC,
    TEST_FORECAST_PICTURE,
    TRAINING_REPORT,
)
from tabular_mlops.core.metrics import LOWER_IS_BETTER, champion_metric
from tabular_mlops.core.sources import source_name
from tabular_mlops.tracking.run_lookup import run_page
from tabular_mlops.tracking.run_tags import pipeline_tag

logger = logging.getLogger(__name__)


def training_summary(
    data: dict[str, Any],
    feature_spec: dict[str, Any],
    candidate_comparison: pd.DataFrame,
    metric: str,
    report: str,
    promotion_decision: dict[str, Any] | None = None,
) -> list[str]:
    """What a training run did, one sentence a line: data, task, candidates,
    champion, where its report is and, when it registered the model, the alias it
    earned and why."""
    source = source_name(data)
    direction = "lower" if metric in LOWER_IS_BETTER else "higher"
    champion = candidate_comparison.iloc[0]
    summary = [
        f"Trained on {source}: {feature_spec['rows']} rows, "
        f"{feature_spec['task']} task on '{feature_spec['target']}'.",
        f"Candidates by mean {'backtest' if feature_spec['task'] == 'forecasting' else 'CV'}"
        f" {metric} ({direction} is better): "
        + ", ".join(
            f"{row['family']} {row[f'cv_{metric}']:.4f}"
            for _, row in candidate_comparison.iterrows()
        )
        + ".",
        f"Champion: {champion['family']}, test {metric} "
        f"{champion[f'test_{metric}']:.4f}.",
        f"Report: {report}",
    ]
    if promotion_decision:
        outcome = (
            f"Registered as {promotion_decision['alias']}"
            if promotion_decision["register"]
            else "Not registered"
        )
        gate = (
            "" if feature_spec["task"] == "forecasting" else " `make gate` judges it."
        )
        summary.append(f"{outcome}: {promotion_decision['reason'].rstrip('.')}.{gate}")
    return summary


def run_name(
    pipeline: str, data: dict[str, Any], candidate_comparison: pd.DataFrame, metric: str
) -> str:
    """What a training run is, as the runs table shows it, e.g.
    ``train · breast_cancer (bundled) · champion linear roc_auc 0.996``."""
    champion = candidate_comparison.iloc[0]
    return (
        f"{pipeline} · {source_name(data)} · champion {champion['family']} "
        f"{metric} {champion[f'test_{metric}']:.3f}"
    )


class TrainingSummaryHook:
    """At the end of every run that chose a champion: logs a short summary and where
    to look next, names the MLflow run after what it did and makes the summary its
    description (``mlflow.note.content``)."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        ui = context.mlflow.ui  # type: ignore[attr-defined]  # set by kedro-mlflow
        self._mlflow_ui = f"http://{ui.host}:{ui.port}"

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        run = mlflow.active_run()
        self._run = run.info if run else None
        self._pipeline = pipeline_tag(run_params.get("pipeline_names"))

    @hook_impl
    def after_pipeline_run(self, pipeline: Pipeline, catalog: DataCatalog) -> None:
        outputs = pipeline.all_outputs()
        if CANDIDATE_COMPARISON not in outputs:
            return
        # Read the datasets directly: the catalog would log each load.
        forecasting = SERIES_SPEC in outputs
        feature_spec = catalog[SERIES_SPEC if forecasting else FEATURE_SPEC].load()
        data = catalog["params:data"].load()
        comparison = catalog[CANDIDATE_COMPARISON].load()
        metric = (
            catalog["params:forecasting"].load()["champion_metric"]
            if forecasting
            else champion_metric(
                catalog["params:modelling"].load()["champion_metric"],
                feature_spec["task"],
            )
        )
        pages = [
            name for name in (TRAINING_REPORT, TEST_FORECAST_PICTURE) if name in outputs
        ]
        if pages:
            report = _relative(_filepath(catalog, pages[0]))
        else:  # a single-family run renders no report: its reports' folder instead
            report = f"{_relative(_filepath(catalog, CANDIDATE_COMPARISON).parent)}/"
        summary = training_summary(
            data=data,
            feature_spec=feature_spec,
            candidate_comparison=comparison,
            metric=metric,
            report=report,
            promotion_decision=catalog[PROMOTION_DECISION].load()
            if PROMOTION_DECISION in outputs
            else None,
        )
        if self._run is not None:
            # MLflow 3's UI opens on GenAI views unless the link asks for training runs.
            page = run_page(self._run.experiment_id, self._run.run_id)
            link = f"{self._mlflow_ui}/{page}?workflowType=machine_learning"
            summary += ["MLflow run (after `kedro mlflow ui`):", link]
            # The run has ended (kedro-mlflow's hook goes first): tag it by id.
            client = MlflowClient()
            client.set_tag(
                self._run.run_id,
                "mlflow.runName",
                run_name(self._pipeline, data, comparison, metric),
            )
            client.set_tag(
                self._run.run_id,
                "mlflow.note.content",
                "\n".join(f"- {line}" for line in summary),
            )
        for line in summary:
            logger.info(line)


def _filepath(catalog: DataCatalog, name: str) -> Path:
    """Where a file dataset of the catalog saves."""
    return Path(catalog[name]._describe()["filepath"])


def _relative(path: Path) -> str:
    """``path`` relative to the working directory when inside it, for shorter logs."""
    return str(
        path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    )
