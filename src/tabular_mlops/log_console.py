"""The console log: on standard error, as command-line tools do, so that standard
output carries only what a command prints as its result (the gate's table,
``kedro compare --md > diff.md``), and without the lines a person does not read
there. ``conf/logging.yml`` points Kedro's rich handler here; ``info.log`` keeps
every line. It imports no Kedro: the modelling nodes draw their progress bars here.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import Progress, TimeElapsedColumn

NON_TERMINAL_WIDTH = 160
"""Columns when the log goes to a file or a CI job (rich would wrap at 80): room
for the run's MLflow link on one line, so that it stays one clickable URL."""

STDERR = Console(stderr=True, width=None if sys.stderr.isatty() else NON_TERMINAL_WIDTH)

QUIET_ON_CONSOLE = re.compile(
    "|".join(
        [
            # One line per dataset load and save: half of a default run's console.
            r"^(Loading data from|Saving data to) ",
            r"^Completed node: ",
            r"^Completed \d+ out of \d+ tasks",
            r"^No typed parameter requirements found",
            r"^Registering new custom resolver",
            r"^Using synchronous mode for loading and saving data",
            # MLflow's hints for hand-written pyfunc models (ours are deliberate).
            r"Add type hints to the `predict` method",
            r"^Passing a Python object as `python_model`",
            # MLflow on every cloudpickled model: skops refuses tree models (catalog.yml).
            r"^Saving scikit-learn models in the pickle or cloudpickle format",
            # statsforecast's AutoARIMA, once per candidate model it tries.
            r"possible convergence problem: minimize gave code",
            # MLflow on a run's dataset input with integer columns (not a model schema).
            r"Inferred schema contains integer column",
            # scikit-learn, when the forest's tree-fitting threads (n_jobs) race on
            # Python's warning filters (catch_warnings is not thread-safe): harmless.
            r"`sklearn.utils.parallel.delayed` should be used with",
        ]
    )
)
"""INFO and WARNING messages the console leaves out (``info.log`` keeps them)."""


class QuietConsoleFilter(logging.Filter):
    """Leaves ``QUIET_ON_CONSOLE`` out of the console; errors always pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or not QUIET_ON_CONSOLE.search(
            record.getMessage()
        )


MLFLOW_LOGGERS = ("mlflow.pyfunc", "mlflow.sklearn")
"""MLflow's loggers that print through MLflow's own handler, not the root logger's."""


def quiet_console() -> None:
    """Give the console handlers of the root logger (Kedro's rich handler, from
    ``conf/logging.yml``, a rich ``RichHandler``) the ``QuietConsoleFilter``, and
    ``MLFLOW_LOGGERS``. Kedro's logging configuration accepts neither ``()`` factories
    nor project handler classes, hence code."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler, RichHandler)
    ]
    for quieted in (*handlers, *map(logging.getLogger, MLFLOW_LOGGERS)):
        if not any(isinstance(f, QuietConsoleFilter) for f in quieted.filters):
            quieted.addFilter(QuietConsoleFilter())


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Callable[[], None]]:
    """A function that advances a progress bar of ``total`` steps, shown while the
    block runs when the console is a terminal (and gone after it); elsewhere it
    does nothing: the log lines of each step say the same in a file or a CI job."""
    if not STDERR.is_terminal:
        yield lambda: None
        return
    columns = (*Progress.get_default_columns(), TimeElapsedColumn())
    with Progress(*columns, console=STDERR, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda: progress.advance(task)
