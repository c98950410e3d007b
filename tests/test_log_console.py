import io
import logging

import pytest
from rich.console import Console

from tabular_mlops import log_console
from tabular_mlops.log_console import (
    MLFLOW_LOGGERS,
    QuietConsoleFilter,
    progress_bar,
    quiet_console,
)


def record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord(
        "kedro.io.data_catalog", level, __file__, 1, message, (), None
    )


@pytest.mark.parametrize(
    "message",
    [
        "Loading data from X_train (ParquetDataset)...",
        "Saving data to raw_table (ParquetDataset)...",
        "Completed node: clean_table",
        "Completed 35 out of 35 tasks",
        "No typed parameter requirements found, returning original parameters",
        "/x/data_validation.py:187: UserWarning: \x1b[33mAdd type hints to the `predict` method",
        "/x/sklearn/utils/parallel.py:144: UserWarning: \n`sklearn.utils.parallel.delayed`"
        " should be used with `sklearn.utils.parallel.Parallel` to make it possible",
        "Saving scikit-learn models in the pickle or cloudpickle format requires exercising"
        " caution because these formats rely on Python's object serialization mechanism",
    ],
)
def test_dataset_lines_and_library_noise_stay_off_the_console(message):
    assert not QuietConsoleFilter().filter(record(message))


def test_mlflow_loggers_with_handlers_of_their_own_are_quieted_too():
    quiet_console()
    noise = "Saving scikit-learn models in the pickle or cloudpickle format requires"
    for name in MLFLOW_LOGGERS:
        quieted = logging.getLogger(name)
        assert not quieted.filter(record(noise))
        assert quieted.filter(record("Registered model 'tabular_mlops'"))


def test_everything_else_and_every_error_reaches_the_console():
    quiet = QuietConsoleFilter()
    assert quiet.filter(record("Running node: clean_table"))
    assert quiet.filter(record("Champion: linear, test roc_auc 0.9960."))
    assert quiet.filter(record("Loading data from X_train failed", logging.ERROR))


def test_a_progress_bar_shows_on_a_terminal_only(monkeypatch):
    for terminal in (True, False):
        output = io.StringIO()
        console = Console(file=output, force_terminal=terminal, width=100)
        monkeypatch.setattr(log_console, "STDERR", console)
        with progress_bar("linear: cross-validation", total=3) as advance:
            for _ in range(3):
                advance()
        shown = "linear: cross-validation" in output.getvalue()
        assert shown is terminal
