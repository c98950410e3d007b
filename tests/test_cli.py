import pytest
from kedro.config import MissingConfigException
from kedro.framework.cli.project import run as kedro_run
from kedro.utils import load_obj

from tabular_mlops.cli import run, task_pipelines
from tabular_mlops.skip_unchanged import SkipUnchangedRunner


def runner_option(command):
    (option,) = (param for param in command.params if param.name == "runner")
    return option


def test_kedro_run_skips_unchanged_nodes_by_default():
    assert load_obj(runner_option(run).default) is SkipUnchangedRunner
    assert runner_option(kedro_run).default is None  # Kedro's own command is intact
    assert {param.name for param in run.params} >= {
        param.name for param in kedro_run.params
    }


@pytest.mark.parametrize(
    ("params", "requested", "chosen"),
    [
        ({}, ["train"], ["train"]),
        ({}, [], []),  # Kedro's default
        ({"data": {"task": "forecasting"}}, ["train"], ["train_forecasting"]),
        ({"data": {"task": "forecasting"}}, [], ["train_forecasting"]),
        ({"data": {"task": "forecasting"}}, ["inference"], ["inference_forecasting"]),
        ({"data": {"task": "forecasting"}}, ["tune"], ["tune"]),
    ],
)
def test_the_task_picks_the_pipeline_kedro_run_runs(
    project_path, params, requested, chosen
):
    assert task_pipelines(requested, None, None, params) == chosen


def test_the_configuration_is_read_only_when_a_task_could_change_the_pipeline(
    tmp_path,
):
    missing = str(tmp_path / "no_conf")  # reading it would fail
    assert task_pipelines(["tune", "monitor"], None, missing, {}) == ["tune", "monitor"]
    with pytest.raises(MissingConfigException, match="no_conf"):
        task_pipelines(["train"], None, missing, {})
