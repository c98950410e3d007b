"""End to end, on empty tracking stores: the default configuration passes the gate
against the committed baseline, a clearly worse one fails it, `make baseline`
reproduces the committed file, and `kedro compare` names what changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT, kedro, make_project, run_pipeline

pytestmark = pytest.mark.integration

BASELINE = "metrics/baseline.yml"
DATA = "breast_cancer (bundled)"


def degraded(linear_c: float) -> dict:
    """Tiny linear weights, trees with leaves larger than the data: ROC-AUC stays
    near 0.98 while accuracy and log loss collapse."""
    huge_leaves = {"classification": {"min_samples_leaf": 1000}}
    return {
        "linear": {
            "candidate": {"hyperparameters": {"classification": {"C": linear_c}}}
        },
        "random_forest": {"candidate": {"hyperparameters": huge_leaves}},
        "hist_gradient_boosting": {"candidate": {"hyperparameters": huge_leaves}},
        "catboost": {  # one tiny step from the prior
            "candidate": {
                "hyperparameters": {
                    "classification": {"iterations": 1, "learning_rate": 0.01}
                }
            }
        },
        "reporting": {"permutation_repeats": 1},
    }


def project_with_baseline(folder: Path) -> Path:
    project = make_project(folder)
    (project / "metrics").mkdir()
    shutil.copy(REPO_ROOT / BASELINE, project / BASELINE)
    return project


@pytest.fixture(scope="module")
def default_project(tmp_path_factory):
    """The default configuration, trained once into an empty store."""
    project = project_with_baseline(tmp_path_factory.mktemp("default_gate"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)
        run_pipeline(project, "train")
    return project


@pytest.fixture(scope="module")
def degraded_project(tmp_path_factory):
    """A clearly worse configuration trained into an empty store, then once more
    with one parameter changed."""
    project = project_with_baseline(tmp_path_factory.mktemp("degraded_gate"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)
        run_pipeline(project, "train", **degraded(1e-12))
        gate = kedro(project, "run", "--pipelines=gate")
        run_pipeline(project, "train", **degraded(1e-11))
    return project, gate


def test_the_default_configuration_passes_on_an_empty_store(default_project):
    gate = kedro(default_project, "run", "--pipelines=gate")
    assert gate.returncode == 0, gate.stderr
    assert f"## Quality gate passed: {DATA}" in gate.stdout
    assert "Not applied: champion: the tracking store had none" in gate.stdout
    report = (default_project / "data/08_reporting/gate.md").read_text()
    assert report in gate.stdout
    assert report.count("| pass") == 5  # every test metric, against the baseline


def test_a_clearly_worse_configuration_fails_on_the_metrics_that_collapsed(
    degraded_project,
):
    _, gate = degraded_project
    assert gate.returncode == 1
    (error,) = [line for line in gate.stderr.splitlines() if "Error:" in line]
    assert error.startswith("Error: quality gate failed: test accuracy 0.6")
    assert "worse than the baseline 0.9" in error
    assert "test log_loss 0.6" in error
    assert "balanced_accuracy 0.5000 is below the floor 0.6" in error
    assert "test roc_auc" not in error  # it held: the gate reads every metric
    assert "Traceback" not in gate.stderr


def test_make_baseline_rewrites_the_committed_file_and_the_run_passes(
    default_project, monkeypatch
):
    monkeypatch.chdir(default_project)
    committed = yaml.safe_load((REPO_ROOT / BASELINE).read_text())
    (default_project / BASELINE).unlink()
    run_pipeline(default_project, "baseline")
    written = yaml.safe_load((default_project / BASELINE).read_text())
    assert written[DATA]["task"] == committed[DATA]["task"] == "binary"
    assert written[DATA]["metrics"] == pytest.approx(
        committed[DATA]["metrics"], abs=1e-4
    ), "the committed baseline is stale: run `make baseline` and commit it"
    assert kedro(default_project, "run", "--pipelines=gate").returncode == 0


def test_compare_shows_the_changed_parameter_and_the_metrics_it_moved(
    degraded_project,
):
    project, _ = degraded_project
    compare = kedro(project, "compare", "--md")
    assert compare.returncode == 0, compare.stderr
    table = [line for line in compare.stdout.splitlines() if line.startswith("|")]
    rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in table[2:]]
    assert [row for row in rows if row[0] == "param"] == [
        [
            "param",
            "linear.hyperparameters.C",
            "1e-12",
            "1e-11",
            "",
        ]
    ]
    metrics = [row[1] for row in rows if row[0] == "metric"]
    assert metrics and all(
        name.startswith(("linear.", "champion.")) for name in metrics
    )


def test_compare_refuses_an_unknown_run_clearly(degraded_project):
    project, _ = degraded_project
    compare = kedro(project, "compare", "0123456789abcdef", "latest")
    assert compare.returncode == 1
    assert "Error: no run '0123456789abcdef' in the tracking store" in compare.stderr
    assert "Traceback" not in compare.stderr
