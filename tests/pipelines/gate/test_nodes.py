import pytest

from tabular_mlops.core.gate import QualityGateError
from tabular_mlops.pipelines.gate.nodes import (
    check_quality_gate,
    judge_quality,
    report_gate,
    update_baseline,
)

CRITERIA = {
    "thresholds": {"classification": {"roc_auc": 0.9}, "regression": {"r2": 0.0}},
    "baseline": {"max_drop": 0.02, "max_relative_drop": 0.1},
    "champion": {"max_drop": 0.02, "max_relative_drop": 0.1},
}
DATA = "breast_cancer (bundled)"


def decision(new, champion=None, not_comparable="", task="binary"):
    return {
        "data": DATA,
        "task": task,
        "new": new,
        "champion": champion,
        "champion_version": None if champion is None and not not_comparable else 4,
        "not_comparable": not_comparable,
    }


def baseline(metrics, task="binary"):
    return {DATA: {"task": task, "metrics": metrics}}


def test_on_an_empty_store_without_a_baseline_only_the_floors_apply():
    verdicts = judge_quality(decision({"roc_auc": 0.95}), None, CRITERIA)
    assert verdicts["verdicts"][0]["failures"] == []
    assert verdicts["not_applied"] == [
        f"baseline: no block for {DATA} in the baseline file; `make baseline` "
        "records the last run's metrics as one.",
        "champion: the tracking store had none before this run.",
    ]
    check_quality_gate(verdicts, report_gate(verdicts))  # passes


def test_a_baseline_for_another_task_or_a_champion_for_another_problem_is_named():
    verdicts = judge_quality(
        decision({"roc_auc": 0.95}, not_comparable="the classes differ"),
        baseline({"rmse": 3.0}, task="regression"),
        CRITERIA,
    )
    assert verdicts["not_applied"] == [
        f"baseline: its block for {DATA} is for a regression task, this run's is "
        "binary.",
        "champion: v4 cannot be compared: the classes differ.",
    ]


def test_a_regression_against_the_baseline_fails_with_every_failed_criterion():
    verdicts = judge_quality(
        decision({"roc_auc": 0.85, "accuracy": 0.60}, champion={"accuracy": 0.61}),
        baseline({"roc_auc": 0.99, "accuracy": 0.97}),
        CRITERIA,
    )
    report = report_gate(verdicts)
    assert report.startswith(f"## Quality gate FAILED: {DATA}")
    assert "| champion v4 |" in report
    with pytest.raises(QualityGateError) as failure:
        check_quality_gate(verdicts, report)
    assert str(failure.value) == (
        "quality gate failed: test roc_auc 0.8500 is below the floor 0.9; "
        "test roc_auc 0.8500 is 0.1400 worse than the baseline 0.9900 "
        "(allowed 0.0200); test accuracy 0.6000 is 0.3700 worse than the baseline "
        "0.9700 (allowed 0.0200)."
    )


def test_the_baseline_keeps_other_data_sets_and_rounds_the_run_metrics():
    committed = {"wine (bundled)": {"task": "multiclass", "metrics": {"accuracy": 1}}}
    updated = update_baseline(committed, decision({"roc_auc": 0.98765432}))
    assert updated == committed | baseline({"roc_auc": 0.987654})
    verdicts = judge_quality(decision({"roc_auc": 0.98765432}), updated, CRITERIA)
    assert verdicts["not_applied"][0].startswith("champion")
    check_quality_gate(verdicts, report_gate(verdicts))  # the same run passes
