import logging

import pytest

from tabular_mlops.log_console import QuietConsoleFilter


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
    ],
)
def test_dataset_lines_and_library_noise_stay_off_the_console(message):
    assert not QuietConsoleFilter().filter(record(message))


def test_everything_else_and_every_error_reaches_the_console():
    quiet = QuietConsoleFilter()
    assert quiet.filter(record("Running node: clean_table"))
    assert quiet.filter(record("Champion: linear, test roc_auc 0.9960."))
    assert quiet.filter(record("Loading data from X_train failed", logging.ERROR))
