"""What differs between runs: their parameters and metrics, like ``dvc exp diff``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from tabular_mlops.core.tables import render_table


class RunRecord(TypedDict):
    """A run's logged parameters (text, as MLflow keeps them) and metrics."""

    params: dict[str, str]
    metrics: dict[str, float]


def _differs(values: list[str | float | None]) -> bool:
    numbers = [value for value in values if isinstance(value, float)]
    if len(numbers) == len(values):  # not the last digits of a float
        return max(numbers) - min(numbers) > 1e-12
    return any(value != values[0] for value in values)


def _text(value: str | float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if isinstance(value, float) else value


def differences(runs: Mapping[str, RunRecord]) -> list[list[str]]:
    """One row per parameter, then per metric, whose value differs between the runs
    (absent from a run counts as different): kind, name, each run's value, and for
    metrics the change from the first run to the last."""
    rows = []
    for kind in ("params", "metrics"):
        names = sorted(set().union(*(run[kind] for run in runs.values())))
        for name in names:
            values = [run[kind].get(name) for run in runs.values()]
            if not _differs(values):
                continue
            first, last = values[0], values[-1]
            change = (
                f"{last - first:+.4f}"
                if isinstance(first, float) and isinstance(last, float)
                else ""
            )
            rows.append([kind[:-1], name, *map(_text, values), change])
    return rows


def comparison_table(runs: Mapping[str, RunRecord], markdown: bool) -> str:
    """The differing parameters and metrics of ``runs`` (labelled by their keys) as
    a table, or a sentence when they do not differ."""
    rows = differences(runs)
    if not rows:
        return f"The {len(runs)} runs have the same parameters and metrics.\n"
    columns = ["", "name", *runs, "change"]
    return render_table(columns, rows, markdown)
