"""Nodes that judge the last trained model against the gate's criteria, report the
verdicts and record a new baseline; the criteria are in ``core.gate``."""

from __future__ import annotations

from typing import Any

from tabular_mlops.core import gate
from tabular_mlops.core.features import task_kind


def _baseline_metrics(
    decision: dict[str, Any], baseline: dict[str, Any]
) -> tuple[dict[str, float] | None, str]:
    """The baseline metrics of the run's data set, or why there are none."""
    block = baseline.get(decision["data"])
    if block is None:
        return None, (
            f"baseline: no block for {decision['data']} in the baseline file; "
            "`make baseline` records the last run's metrics as one."
        )
    if block["task"] != decision["task"]:
        return None, (
            f"baseline: its block for {decision['data']} is for a {block['task']} "
            f"task, this run's is {decision['task']}."
        )
    return block["metrics"], ""


def _champion_problem(decision: dict[str, Any]) -> str:
    """Why the run was not compared with a champion, or ''."""
    if decision["not_comparable"]:
        return (
            f"champion: v{decision['champion_version']} cannot be compared: "
            f"{decision['not_comparable']}."
        )
    if decision["champion"] is None:
        return "champion: the tracking store had none before this run."
    return ""


def judge_quality(
    promotion_decision: dict[str, Any],
    quality_baseline: dict[str, Any] | None,
    gate_criteria: dict[str, Any],
) -> dict[str, Any]:
    """Each test metric of the model the last ``train`` registered, against the
    floor of its kind of task, the baseline of its data set and the champion it was
    compared with (scored on the same held-out rows)."""
    decision = promotion_decision
    baseline, baseline_problem = _baseline_metrics(decision, quality_baseline or {})
    verdicts = gate.judge(
        decision["new"],
        thresholds=gate_criteria["thresholds"][task_kind(decision["task"])],
        baseline=baseline,
        champion=decision["champion"],
        allowed=gate_criteria,
    )
    return {
        "data": decision["data"],
        "champion_version": decision["champion_version"],
        "verdicts": verdicts,
        "not_applied": [
            problem
            for problem in (baseline_problem, _champion_problem(decision))
            if problem
        ],
    }


def report_gate(gate_verdicts: dict[str, Any]) -> str:
    """The verdicts as a Markdown table, for the terminal, the CI job summary and
    ``data/08_reporting/gate.md``."""
    version = gate_verdicts["champion_version"]
    return gate.gate_report(
        gate_verdicts["verdicts"],
        title=gate_verdicts["data"],
        champion_label=f"champion v{version}" if version else "champion",
        not_applied=gate_verdicts["not_applied"],
    )


def check_quality_gate(gate_verdicts: dict[str, Any], gate_report: str) -> None:
    """Fail the run (exit status 1, one ``Error:`` line naming each failed
    criterion) when a metric fails; ``gate_report`` is saved first."""
    if any(verdict["failures"] for verdict in gate_verdicts["verdicts"]):
        raise gate.QualityGateError(gate.failure_message(gate_verdicts["verdicts"]))


def update_baseline(
    quality_baseline: dict[str, Any] | None, promotion_decision: dict[str, Any]
) -> dict[str, Any]:
    """The baseline file with the block of the last run's data set replaced by that
    run's test metrics (rounded: the file is read in pull requests' diffs)."""
    decision = promotion_decision
    block = {
        "task": decision["task"],
        "metrics": {name: round(value, 6) for name, value in decision["new"].items()},
    }
    return {**(quality_baseline or {}), decision["data"]: block}
