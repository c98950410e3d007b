import pytest

from tabular_mlops.core.gate import failure_message, gate_report, judge

ALLOWED = {
    "baseline": {"max_drop": 0.02, "max_relative_drop": None},
    "champion": {"max_drop": 0.05, "max_relative_drop": 0.1},
}


def failures(run, thresholds=None, baseline=None, champion=None, allowed=ALLOWED):
    verdicts = judge(run, thresholds or {}, baseline, champion, allowed)
    return {verdict["metric"]: verdict["failures"] for verdict in verdicts}


@pytest.mark.parametrize(
    ("metric", "value", "threshold", "failure"),
    [
        ("roc_auc", 0.96, 0.95, None),
        ("roc_auc", 0.94, 0.95, "below the floor 0.95"),
        ("log_loss", 0.30, 0.35, None),  # lower is better: a ceiling
        ("log_loss", 0.40, 0.35, "above the ceiling 0.35"),
        ("r2", -0.1, 0.0, "below the floor 0"),  # a floor of 0 is a floor
    ],
)
def test_floors_and_ceilings(metric, value, threshold, failure):
    result = failures({metric: value}, thresholds={metric: threshold})
    assert result[metric] == ([failure] if failure else [])


@pytest.mark.parametrize(
    ("run", "champion", "failed"),
    [
        ({"accuracy": 0.93}, {"accuracy": 0.95}, False),  # within 0.05 and 10%
        ({"accuracy": 0.89}, {"accuracy": 0.95}, True),  # 0.06 worse
        ({"rmse": 10.04}, {"rmse": 10.0}, False),  # lower is better: 0.04 worse
        ({"rmse": 9.0}, {"rmse": 10.0}, False),  # better
        ({"rmse": 10.06}, {"rmse": 10.0}, True),  # 0.06 worse
    ],
)
def test_against_the_champion_each_limit_applies_in_the_metrics_direction(
    run, champion, failed
):
    (metric,) = run
    allowed = ALLOWED | {"champion": {"max_drop": 0.05, "max_relative_drop": None}}
    assert bool(failures(run, champion=champion, allowed=allowed)[metric]) is failed


def test_a_relative_limit_fails_a_small_metric_that_changed_a_lot():
    result = failures({"log_loss": 0.12}, champion={"log_loss": 0.1})
    assert result["log_loss"] == [
        "0.0200 worse than the champion 0.1000 (allowed 0.0100)"
    ]


def test_every_metric_of_the_baseline_is_judged_not_only_the_ranking_one():
    # linear with C=1e-12 on breast_cancer: ROC-AUC holds, the others collapse
    run = {"roc_auc": 0.981, "accuracy": 0.632, "log_loss": 0.659}
    baseline = {"roc_auc": 0.995, "accuracy": 0.974, "log_loss": 0.082}
    result = failures(run, baseline=baseline)
    assert result["roc_auc"] == []
    assert result["accuracy"] == [
        "0.3420 worse than the baseline 0.9740 (allowed 0.0200)"
    ]
    assert result["log_loss"][0].startswith("0.5770 worse than the baseline")


def test_a_metric_no_reference_holds_is_judged_on_its_floor_only():
    verdicts = judge({"f1_macro": 0.5}, {}, {"roc_auc": 0.9}, None, ALLOWED)
    assert verdicts == [
        {
            "metric": "f1_macro",
            "threshold": None,
            "baseline": None,
            "champion": None,
            "run": 0.5,
            "failures": [],
        }
    ]


def test_the_error_names_each_metric_its_value_and_the_threshold():
    verdicts = judge(
        {"accuracy": 0.6, "roc_auc": 0.98}, {"accuracy": 0.9}, None, None, ALLOWED
    )
    assert failure_message(verdicts) == (
        "quality gate failed: test accuracy 0.6000 is below the floor 0.9."
    )


def test_the_report_is_a_markdown_table_with_what_it_could_not_apply():
    verdicts = judge(
        {"accuracy": 0.96, "rmse": 3.0},
        {"accuracy": 0.9},
        {"accuracy": 0.97},
        None,
        ALLOWED,
    )
    report = gate_report(
        verdicts, "wine (bundled)", "champion", ["champion: none yet."]
    )
    lines = report.splitlines()
    assert lines[0] == "## Quality gate passed: wine (bundled)"
    header, rule, accuracy, rmse = lines[2:6]
    assert [cell.strip() for cell in header.split("|")[1:-1]] == [
        "metric",
        "floor/ceiling",
        "baseline",
        "champion",
        "this run",
        "vs baseline",
        "vs champion",
        "verdict",
    ]
    assert set(rule) <= {"|", "-", ":", " "}
    assert [cell.strip() for cell in accuracy.split("|")[1:-1]] == [
        "accuracy",
        "0.9000",
        "0.9700",
        "",
        "0.9600",
        "-0.0100",
        "",
        "pass",
    ]
    assert rmse.split("|")[1].strip() == "rmse"
    assert lines[-1] == "- Not applied: champion: none yet."
