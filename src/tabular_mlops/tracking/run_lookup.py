"""Runs named the way people name them: a run id, ``latest``, ``champion`` (the run
of the registered champion) or the last N runs of a pipeline."""

from __future__ import annotations

import mlflow
from kedro.framework.context import KedroContext
from mlflow import MlflowClient
from mlflow.entities import Run
from mlflow.exceptions import MlflowException

from tabular_mlops.core.comparison import RunRecord
from tabular_mlops.core.errors import InputError
from tabular_mlops.tracking.run_tags import PIPELINE_TAG


def run_page(experiment_id: str, run_id: str) -> str:
    """The MLflow UI's route to a run's page, relative to the UI's address."""
    return f"#/experiments/{experiment_id}/runs/{run_id}"


def tracking_experiment_id(context: KedroContext) -> str:
    """The id of the context's MLflow experiment, set as the active one (the
    tracking URI was set by kedro-mlflow's hook when the context loaded)."""
    name = context.mlflow.tracking.experiment.name  # type: ignore[attr-defined]  # set by kedro-mlflow
    return mlflow.set_experiment(name).experiment_id


def last_runs(
    client: MlflowClient, experiment_id: str, pipeline: str, count: int
) -> list[Run]:
    """The last ``count`` finished runs of ``pipeline`` (its ``kedro.pipeline``
    tag), newest first."""
    return client.search_runs(
        [experiment_id],
        filter_string=(
            f"tags.`{PIPELINE_TAG}` = '{pipeline}' and attributes.status = 'FINISHED'"
        ),
        order_by=["attributes.start_time DESC"],
        max_results=count,
    )


def find_run(
    client: MlflowClient,
    reference: str,
    experiment_id: str,
    pipeline: str,
    model_name: str,
) -> Run:
    """The run ``reference`` names, or an ``InputError`` saying what exists."""
    if reference == "latest":
        runs = last_runs(client, experiment_id, pipeline, 1)
        if not runs:
            raise InputError(
                f"no finished '{pipeline}' run in the tracking store "
                f"{client.tracking_uri}; run `kedro run --pipelines={pipeline}` first"
            )
        return runs[0]
    if reference == "champion":
        try:
            version = client.get_model_version_by_alias(model_name, "champion")
        except MlflowException:
            raise InputError(
                f"'{model_name}' has no champion in the tracking store "
                f"{client.tracking_uri}; `make train` registers one"
            ) from None
        return client.get_run(str(version.run_id))
    try:
        return client.get_run(reference)
    except MlflowException:
        raise InputError(
            f"no run '{reference}' in the tracking store {client.tracking_uri}; "
            "name a run id (the MLflow UI shows them), latest, champion, or use "
            "--last N"
        ) from None


def run_label(reference: str, run: Run) -> str:
    """A table column's name for ``run``: its short id, after the name it was
    asked by (``latest``, ``champion``) when it was."""
    short = run.info.run_id[:8]
    return f"{reference} ({short})" if reference in ("latest", "champion") else short


def run_record(run: Run) -> RunRecord:
    """The parameters and metrics MLflow holds for ``run``."""
    return RunRecord(params=dict(run.data.params), metrics=dict(run.data.metrics))
