"""The CI workflow trains on the ci environment and runs the quality gate, whose
failure fails the job."""

import re

import yaml

from tests.conftest import REPO_ROOT


def test_the_train_job_trains_on_ci_then_runs_the_gate_against_the_baseline():
    workflow = yaml.safe_load((REPO_ROOT / ".github/workflows/ci.yml").read_text())
    job = workflow["jobs"]["train"]
    commands = [step.get("run", "") for step in job["steps"]]
    assert job["env"]["KEDRO_ENV"] == "ci"
    train = commands.index(".venv/bin/kedro run --pipelines=train --env ci")
    assert commands.index("make gate") > train
    gate_step = job["steps"][commands.index("make gate")]
    assert "continue-on-error" not in gate_step  # a failed gate fails the job
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert re.search(
        r"^gate:.*\n\t\$\(BIN\)/kedro run --pipelines=gate$", makefile, re.M
    )
    assert (REPO_ROOT / "metrics/baseline.yml").is_file()
