"""Project CLI: ``kedro run`` answers bad input with one short message and skips
the nodes that have nothing new to do; ``kedro compare`` shows what differs between
runs.

Kedro uses this module's ``run`` in place of its own (same options, plus
``--verbose``; the default runner is ``SkipUnchangedRunner``, see ``skip_unchanged``:
``--runner-params force=true`` runs every node, ``--runner`` picks another one).
An ``InputError`` (bad data, parameters or configuration) is printed
as ``Error: <problem and fix>`` with exit status 1; its traceback goes to the log
file, and to the console with ``--verbose``. Any other exception is a bug and keeps
its full traceback. Ctrl-C and SIGTERM end the MLflow run as KILLED, exit status 130.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import signal
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import click
import mlflow
import pandas as pd
from kedro.framework.cli.project import run as kedro_run
from kedro.framework.project import settings
from kedro.framework.session import KedroSession
from kedro.io import DatasetError
from mlflow import MlflowClient

from tabular_mlops.catalog_names import SNAPSHOT_DATASET
from tabular_mlops.core import monitoring
from tabular_mlops.core.comparison import comparison_table
from tabular_mlops.core.errors import InputError, find_input_error
from tabular_mlops.core.lineage import check_commit
from tabular_mlops.project_paths import project_root
from tabular_mlops.skip_unchanged import SkipUnchangedRunner
from tabular_mlops.tracking.reproduction import (
    REPRODUCES_TAG,
    rebuild_differences,
    rebuild_node_names,
    rebuild_parameters,
    recorded_inputs,
)
from tabular_mlops.tracking.retention import plan_pruning, prune_runs
from tabular_mlops.tracking.run_lifecycle import end_interrupted_run
from tabular_mlops.tracking.run_lookup import (
    find_run,
    last_runs,
    run_label,
    run_record,
    tracking_experiment_id,
)
from tabular_mlops.tracking.run_tags import COMMIT_TAG, git_commit

DEFAULT_RUNNER = "tabular_mlops.skip_unchanged.SkipUnchangedRunner"


@click.group(name="tabular-mlops")
def cli() -> None:
    """Project commands."""


def _log_traceback_to_files(error: BaseException) -> None:
    """The traceback for the log files only, not for the console handlers."""
    record = logging.makeLogRecord(
        {
            "name": __name__,
            "levelno": logging.ERROR,
            "levelname": "ERROR",
            "msg": "".join(traceback.format_exception(error)),
        }
    )
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            handler.handle(record)


def _with_default_runner(option: click.Parameter) -> click.Parameter:
    if option.name != "runner":
        return option
    option = copy.copy(option)
    option.default = DEFAULT_RUNNER
    option.help = (
        f"{option.help} Defaults to {DEFAULT_RUNNER}, which skips nodes whose code, "
        "parameters and inputs are unchanged; --runner-params force=true runs all."
    )
    return option


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextlib.contextmanager
def _reported_errors(verbose: bool) -> Iterator[None]:
    """Run a pipeline the way `kedro run` here does: bad input as one `Error:` line
    (exit 1), Ctrl-C and SIGTERM as a KILLED MLflow run (exit 130)."""
    # SIGTERM (`timeout`, a cancelled CI job) ends a run as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    except KeyboardInterrupt as interrupt:
        run_id = end_interrupted_run()
        what = f"; MLflow run {run_id} is marked KILLED" if run_id else ""
        click.echo(
            f"Error: interrupted ({str(interrupt) or 'SIGINT'}){what}.", err=True
        )
        raise SystemExit(130) from None
    except Exception as error:
        problem = find_input_error(error)
        if problem is None:
            raise
        if verbose:
            click.echo("".join(traceback.format_exception(error)), err=True)
        else:
            _log_traceback_to_files(error)
        raise click.ClickException(str(problem)) from error


TASK_PIPELINES = {
    "forecasting": {
        "__default__": "train_forecasting",
        "train": "train_forecasting",
        "inference": "inference_forecasting",
    }
}
"""The pipeline ``kedro run`` runs for a requested one, by ``data.task``: Kedro's
pipelines are built before parameters are read, so the task picks among them here."""


def task_pipelines(
    requested: list[str], env: str | None, conf_source: str | None, params: dict
) -> list[str]:
    """``requested`` (none: Kedro's default) with each pipeline replaced by the one
    the configured ``data.task`` runs instead, if any (``TASK_PIPELINES``). The
    configuration is read only when some task could replace a requested pipeline."""
    names = requested or ["__default__"]
    if not any(name in table for table in TASK_PIPELINES.values() for name in names):
        return requested
    loader = settings.CONFIG_LOADER_CLASS(
        conf_source=conf_source or str(project_root() / settings.CONF_SOURCE),
        env=env,
        runtime_params=params,
        **settings.CONFIG_LOADER_ARGS,
    )
    task = loader["parameters"].get("data", {}).get("task")
    replacements = TASK_PIPELINES.get(task, {})
    if not any(name in replacements for name in names):
        return requested
    chosen = [replacements.get(name, name) for name in names]
    click.echo(f"data.task is {task}: running {', '.join(chosen)}.", err=True)
    return chosen


def _run(verbose: bool, **options: Any) -> dict[str, Any]:
    with _reported_errors(verbose):
        requested = options["pipelines"] or list(filter(None, [options["pipeline"]]))
        options |= {
            "pipeline": None,
            "pipelines": task_pipelines(
                requested, options["env"], options["conf_source"], options["params"]
            ),
        }
        return kedro_run.callback(**options)  # type: ignore[misc]  # always set


run = click.Command(
    name="run",
    callback=_run,
    params=[
        *(_with_default_runner(option) for option in kedro_run.params),
        click.Option(
            ["--verbose", "-v"],
            is_flag=True,
            help="On bad input, print the full traceback too.",
        ),
    ],
    help=kedro_run.help,
)
cli.add_command(run)


class TrackingStore(NamedTuple):
    """Where the project's runs are: its MLflow experiment, registered model name and
    the project folder (its data, git checkout)."""

    experiment_id: str
    model_name: str
    project_path: Path
    snapshot_store: str


def _tracking_store(env: str | None) -> TrackingStore:
    """The tracking store of environment ``env``, set as MLflow's, quietly: what
    the commands reading it print are their results."""
    logging.disable(logging.INFO)
    session = KedroSession.create(env=env)
    with session:  # `as` would type it as Kedro's abstract session
        context = session.load_context()  # kedro-mlflow's hook sets the tracking URI
        store = TrackingStore(
            tracking_experiment_id(context),
            context.params["registry"]["model_name"],
            context.project_path,
            context.config_loader["catalog"][SNAPSHOT_DATASET]["store"],
        )
    logging.disable(logging.NOTSET)
    return store


@cli.command()
@click.argument("runs", nargs=-1, metavar="[RUN]...")
@click.option(
    "--last",
    type=click.IntRange(min=2),
    help="Compare the last N finished runs of --pipeline (without RUN: 2).",
)
@click.option(
    "--pipeline",
    default="train",
    show_default=True,
    help="The pipeline whose runs `latest` and --last mean.",
)
@click.option("--md", is_flag=True, help="A Markdown table, e.g. for a CI job summary.")
@click.option("--env", "-e", help="The Kedro environment whose tracking store to read.")
def compare(
    runs: tuple[str, ...], last: int | None, pipeline: str, md: bool, env: str | None
) -> None:
    """Print the parameters and metrics that differ between runs, like `dvc exp
    diff`. RUN is a run id, `latest` or `champion` (the run of the registered
    champion); without RUN, the last two runs of --pipeline, oldest first."""
    store = _tracking_store(env)
    client = MlflowClient()
    try:
        if runs and last:
            raise InputError("name runs or use --last, not both")
        named = [
            (
                run,
                find_run(client, run, store.experiment_id, pipeline, store.model_name),
            )
            for run in runs
        ] or [
            ("", run)
            for run in last_runs(client, store.experiment_id, pipeline, last or 2)[::-1]
        ]
        records = {run_label(name, run): run_record(run) for name, run in named}
        if len(records) < 2:
            raise InputError(
                f"found {len(records)} run to compare, needs two different ones "
                f"(--pipeline {pipeline})"
            )
    except InputError as error:
        raise click.ClickException(str(error)) from None
    click.echo(comparison_table(records, markdown=md), nl=False)


@cli.command()
@click.argument("run_reference", metavar="RUN")
@click.option(
    "--allow-other-commit",
    is_flag=True,
    help="Rebuild with the checked-out code although the run ran at another commit.",
)
@click.option(
    "--env", "-e", help="The Kedro environment whose tracking store holds RUN."
)
def reproduce(run_reference: str, allow_other_commit: bool, env: str | None) -> None:
    """Rebuild a past run from its data snapshot and resolved configuration, and say
    whether its metrics and test predictions are identical. RUN is a run id, `latest`
    or `champion`. The rebuild is a new MLflow run tagged reproduces=RUN; it runs the
    same pipeline without the registry stage, so aliases stay as they are."""
    store = _tracking_store(env)
    client = MlflowClient()
    try:
        original = find_run(
            client, run_reference, store.experiment_id, "train", store.model_name
        )
        run_id = original.info.run_id
        warnings = check_commit(
            original.data.tags.get(COMMIT_TAG, "unknown"),
            git_commit(store.project_path),
            run_id,
            allow_other_commit,
        )
        configuration, snapshot = recorded_inputs(original)
    except InputError as error:
        raise click.ClickException(str(error)) from None
    for warning in warnings:
        click.echo(f"Warning: {warning}.", err=True)
    click.echo(f"Rebuilding run {run_id} from {snapshot}.", err=True)
    session = KedroSession.create(
        env=configuration["env"],
        runtime_params=rebuild_parameters(configuration, snapshot),
    )
    with _reported_errors(verbose=False), session:
        session.run(
            pipeline_names=configuration["pipelines"],
            node_names=rebuild_node_names(configuration),
            runner=SkipUnchangedRunner(force=True),
        )
    rebuild = mlflow.last_active_run()
    assert rebuild is not None  # noqa: S101 - the session's MLflow run just ended
    client.set_tag(rebuild.info.run_id, REPRODUCES_TAG, run_id)
    differing, compared = rebuild_differences(client, original, rebuild)
    what = f"run {rebuild.info.run_id} rebuilt run {run_id}"
    if differing:
        click.echo("\n".join(differing))
        raise click.ClickException(f"{what}, with {len(differing)} differences (above)")
    click.echo(
        f"identical: {what}; its {compared} metrics and its test predictions match."
    )


@cli.command()
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    required=True,
    help="How many of each pipeline's latest runs to keep.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print what would be deleted, delete nothing."
)
@click.option(
    "--env", "-e", help="The Kedro environment whose tracking store to prune."
)
def prune(keep: int, dry_run: bool, env: str | None) -> None:
    """Delete the runs beyond the last KEEP of each pipeline, and the data snapshots
    no run refers to any more. A run behind a registered model version is always
    kept. MLflow marks runs deleted (`mlflow gc` frees their artefacts)."""
    store = _tracking_store(env)
    client = MlflowClient()
    pruning = plan_pruning(client, store.experiment_id, store.snapshot_store, keep)
    lines = [
        f"run {run.info.run_id}  {run.info.run_name}  "
        f"{datetime.fromtimestamp(run.info.start_time / 1000, UTC):%Y-%m-%d %H:%M} UTC"
        for run in pruning.runs
    ] + [f"snapshot {snapshot}" for snapshot in pruning.snapshots]
    if not lines:
        click.echo(
            f"Nothing to prune: at most {keep} runs per pipeline, every snapshot in use."
        )
        return
    if not dry_run:
        prune_runs(client, pruning)
    click.echo("Would delete (dry run):" if dry_run else "Deleted:")
    click.echo("\n".join(f"  {line}" for line in lines))


@cli.command(name="monitor-demo")
@click.option("--batches", type=click.IntRange(min=2), default=8, show_default=True)
@click.option(
    "--unchanged",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Batches drawn as they are before the shift starts.",
)
@click.option("--env", "-e", help="The Kedro environment to run in.")
def monitor_demo(batches: int, unchanged: int, env: str | None) -> None:
    """Monitor a sequence of batches re-sampled from the last `train`'s held-out
    rows: unchanged first, then with a growing shift in one feature and a new
    category in another; say at which batch the alarm goes off. One MLflow run per
    batch (step = batch number): chart `drift.*` and `monitor.drifted_share` over
    them in the MLflow UI."""
    folder = Path("data/01_raw/monitoring_demo")
    session = KedroSession.create(env=env)
    with session:
        catalog = session.load_context().catalog
        try:
            rows = pd.concat([catalog.load("X_test"), catalog.load("y_test")], axis=1)
            spec = catalog.load("feature_spec")
        except DatasetError:
            raise click.ClickException(
                "no held-out rows or feature spec under data/: run `make train` first"
            ) from None
    folder.mkdir(parents=True, exist_ok=True)
    alarm_at = None
    for number, (change, batch) in enumerate(
        monitoring.demo_batches(rows, spec, batches, unchanged, seed=0), start=1
    ):
        path = folder / f"batch_{number:02d}.csv"
        batch.to_csv(path, index=False)
        runtime_params = {"monitor": {"filepath": str(path), "step": number}}
        batch_session = KedroSession.create(env=env, runtime_params=runtime_params)
        try:
            with batch_session:
                batch_session.run(pipeline_names=["monitor"])
            outcome = "no alarm"
        except Exception as error:
            alarm = find_input_error(error)
            if not isinstance(alarm, monitoring.MonitoringAlarm):
                raise
            outcome = "ALARM: " + "; ".join(alarm.alarms)
            alarm_at = alarm_at or number
        click.echo(f"batch {number:2d} ({change}): {outcome}")
    click.echo(
        f"The alarm went off first at batch {alarm_at}."
        if alarm_at
        else "No batch raised the alarm."
    )
