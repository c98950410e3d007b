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

import copy
import logging
import signal
import traceback
from typing import Any

import click
from kedro.framework.cli.project import run as kedro_run
from kedro.framework.session import KedroSession
from mlflow import MlflowClient

from tabular_mlops.core.comparison import comparison_table
from tabular_mlops.core.errors import InputError, find_input_error
from tabular_mlops.tracking.run_lifecycle import end_interrupted_run
from tabular_mlops.tracking.run_lookup import (
    find_run,
    last_runs,
    run_label,
    run_record,
    tracking_experiment_id,
)

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


def _run(verbose: bool, **options: Any) -> dict[str, Any]:
    # SIGTERM (`timeout`, a cancelled CI job) ends a run as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return kedro_run.callback(**options)  # type: ignore[misc]  # always set
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
    # Quiet while the session sets up: what this command prints is the table.
    logging.disable(logging.INFO)
    session = KedroSession.create(env=env)
    with session:
        context = session.load_context()  # kedro-mlflow's hook sets the tracking URI
        experiment_id = tracking_experiment_id(context)
        model_name = context.params["registry"]["model_name"]
    logging.disable(logging.NOTSET)
    client = MlflowClient()
    try:
        if runs and last:
            raise InputError("name runs or use --last, not both")
        named = [
            (run, find_run(client, run, experiment_id, pipeline, model_name))
            for run in runs
        ] or [
            ("", run)
            for run in last_runs(client, experiment_id, pipeline, last or 2)[::-1]
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
