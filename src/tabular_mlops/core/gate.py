"""The quality gate: each test metric of the last trained model against a floor or
ceiling, the committed baseline and the current champion, like MLflow's
``MetricThreshold`` (absolute threshold, largest allowed change) and DVC's metrics
files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.metrics import LOWER_IS_BETTER, improvement
from tabular_mlops.core.tables import render_table


class QualityGateError(InputError):
    """The last trained model failed the quality gate; the message names each failed
    criterion with its value and threshold."""


class Verdict(TypedDict):
    """One metric's values and the criteria it failed (none: it passes)."""

    metric: str
    threshold: float | None
    baseline: float | None
    champion: float | None
    run: float
    failures: list[str]


def bound_failure(metric: str, value: float, threshold: float) -> str:
    """Why ``value`` breaks the floor (or, lower being better, the ceiling), or ''."""
    if metric in LOWER_IS_BETTER:
        return f"above the ceiling {threshold:g}" if value > threshold else ""
    return f"below the floor {threshold:g}" if value < threshold else ""


def change_failure(
    metric: str, value: float, reference: float, allowed: Mapping[str, Any], name: str
) -> str:
    """Why ``value`` is worse than ``reference`` by more than ``allowed`` lets it be
    (``max_drop``, absolute; ``max_relative_drop``, a share of the reference; null:
    no limit), or ''."""
    drop = -improvement(metric, value, reference)
    absolute, relative = allowed["max_drop"], allowed["max_relative_drop"]
    limits = [absolute, None if relative is None else relative * abs(reference)]
    broken = [limit for limit in limits if limit is not None and drop > limit]
    if not broken:
        return ""
    return (
        f"{drop:.4f} worse than the {name} {reference:.4f} (allowed {min(broken):.4f})"
    )


def judge(
    run: Mapping[str, float],
    thresholds: Mapping[str, float],
    baseline: Mapping[str, float] | None,
    champion: Mapping[str, float] | None,
    allowed: Mapping[str, Mapping[str, Any]],
) -> list[Verdict]:
    """One verdict per metric of the run: its bound, and its change against each
    reference that holds the metric."""
    verdicts = []
    for metric, value in run.items():
        threshold = thresholds.get(metric)
        references = {
            "baseline": (baseline or {}).get(metric),
            "champion": (champion or {}).get(metric),
        }
        failures = (
            [] if threshold is None else [bound_failure(metric, value, threshold)]
        )
        failures += [
            change_failure(metric, value, reference, allowed[name], name)
            for name, reference in references.items()
            if reference is not None
        ]
        verdicts.append(
            Verdict(
                metric=metric,
                threshold=threshold,
                baseline=references["baseline"],
                champion=references["champion"],
                run=value,
                failures=[failure for failure in failures if failure],
            )
        )
    return verdicts


def failure_message(verdicts: list[Verdict]) -> str:
    """One line naming every failed criterion, for the ``Error:`` of ``kedro run``."""
    failed = [
        f"test {verdict['metric']} {verdict['run']:.4f} is {failure}"
        for verdict in verdicts
        for failure in verdict["failures"]
    ]
    return f"quality gate failed: {'; '.join(failed)}."


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _change(verdict: Verdict, reference: str) -> str:
    value = verdict[reference]  # type: ignore[literal-required]
    if value is None:
        return ""
    change = round(improvement(verdict["metric"], verdict["run"], value), 4)
    return f"{change + 0.0:+.4f}"  # + 0.0: no "-0.0000"


def gate_report(
    verdicts: list[Verdict], title: str, champion_label: str, not_applied: list[str]
) -> str:
    """The gate's Markdown report: one row per metric (changes are improvements,
    negative when worse), then the criteria it could not apply."""
    rows = [
        [
            verdict["metric"],
            _number(verdict["threshold"]),
            _number(verdict["baseline"]),
            _number(verdict["champion"]),
            _number(verdict["run"]),
            _change(verdict, "baseline"),
            _change(verdict, "champion"),
            "FAIL: " + "; ".join(verdict["failures"])
            if verdict["failures"]
            else "pass",
        ]
        for verdict in verdicts
    ]
    columns = ["metric", "floor/ceiling", "baseline", champion_label, "this run"]
    columns += ["vs baseline", "vs champion", "verdict"]
    passed = not any(verdict["failures"] for verdict in verdicts)
    title = f"## Quality gate {'passed' if passed else 'FAILED'}: {title}"
    report = f"{title}\n\n{render_table(columns, rows, markdown=True)}"
    if not_applied:
        report += "\n" + "".join(f"- Not applied: {reason}\n" for reason in not_applied)
    return report
