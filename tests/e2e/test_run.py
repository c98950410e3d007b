"""End to end: ``kedro run --pipelines=train`` through a KedroSession, tracked in MLflow."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

from tests.conftest import QUICK_TRAINING, kedro, make_project, source_data

pytestmark = pytest.mark.integration


def only_run(project_path: Path) -> mlflow.entities.Run:
    """The single MLflow run of the temporary project."""
    mlflow.set_tracking_uri(f"sqlite:///{project_path}/mlflow.db")
    (run,) = mlflow.search_runs(
        experiment_names=["tabular_mlops"], output_format="list"
    )
    return run


@pytest.fixture(scope="module")
def default_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project that has run ``kedro run --pipelines=train`` once with the default
    configuration, as a user would (its console log in ``console.txt``), for the
    tests that read its outputs."""
    project = make_project(tmp_path_factory.mktemp("default_train"))
    result = kedro(project, "run", "--pipelines=train")
    assert result.returncode == 0, result.stderr[-3000:]
    (project / "console.txt").write_text(result.stderr)
    return project


def test_the_console_log_is_short_and_ends_with_the_summary(default_project):
    console = (default_project / "console.txt").read_text().splitlines()
    assert len(console) <= 150, "\n".join(console)
    assert not [line for line in console if "Loading data from" in line]
    # no library noise: neither Python's warnings nor MLflow's own WARNING lines
    assert not [line for line in console if "warning" in line.lower()]
    summary = "\n".join(console[-12:])
    assert "Champion: " in summary
    assert "Report: data/08_reporting/report.html" in summary
    assert "Registered as champion: first model of 'tabular_mlops'" in summary
    # the run's link, unbroken on the last line
    assert re.search(
        r"INFO +http://127\.0\.0\.1:5000/#/experiments/1/runs/[0-9a-f]{32}"
        r"\?workflowType=machine_learning +summary\.py",
        console[-1],
    ), console[-1]


@pytest.fixture
def default_run(default_project):
    return only_run(default_project)


def test_train_writes_every_layer(default_run, default_project):
    data = default_project / "data"
    expected = [
        "01_raw/raw_table.parquet",
        "02_intermediate/intermediate_table.parquet",
        "03_primary/primary_table.parquet",
        "03_primary/feature_spec.json",
        "05_model_input/X_train.parquet",
        "05_model_input/y_test.parquet",
        "06_models/candidates/random_forest.pkl",
        "07_model_output/test_predictions.parquet",
        "08_reporting/candidate_comparison.csv",
        "08_reporting/plots/confusion_matrix.json",
        "08_reporting/plots/calibration_curve.json",
        "08_reporting/cv_spread_plot.json",
        "08_reporting/feature_importance_plot.json",
        "08_reporting/performance_breakdown.csv",
        "08_reporting/report.html",
    ]
    for path in expected:
        assert (data / path).exists(), path
    (champion_version,) = (data / "06_models/champion_model.pkl").iterdir()
    assert (champion_version / "champion_model.pkl").exists()
    # what kedro viz's Workflow view shows: each node's status in this run
    events = json.loads(
        (default_project / ".viz/kedro_pipeline_events.json").read_text()
    )
    assert {"event": "after_node_run", "node": "render_report"}.items() <= next(
        event for event in events if event.get("node") == "render_report"
    ).items()


def test_mlflow_run_holds_params_metrics_tags_model_and_artifacts(
    default_run, default_project
):
    run = default_run
    assert run.info.status == "FINISHED"
    assert run.data.tags["kedro.pipeline"] == "train"
    assert re.fullmatch(
        r"train · breast_cancer \(bundled\) · champion \w+ roc_auc 0\.\d{3}",
        run.info.run_name,
    )
    description = run.data.tags["mlflow.note.content"]
    assert "- Champion: " in description and "- Registered as champion" in description
    assert run.data.params["split.test_size"] == "0.2"
    # the hyper-parameters of the run's task, not those configured for the others
    assert run.data.params["random_forest.hyperparameters.n_estimators"] == "200"
    assert run.data.params["linear.hyperparameters.C"] == "1.0"
    assert not [name for name in run.data.params if ".candidate." in name]
    assert "linear.hyperparameters.alpha" not in run.data.params
    assert run.data.tags["kedro_command"] == "kedro run --pipelines=train"
    assert (run.data.tags["registry.model"], run.data.tags["registry.version"]) == (
        "tabular_mlops",
        "1",
    )
    for candidate in (
        "champion",
        "linear",
        "random_forest",
        "hist_gradient_boosting",
        "catboost",
    ):
        for metric in (
            "accuracy",
            "balanced_accuracy",
            "f1_macro",
            "roc_auc",
            "log_loss",
        ):
            assert f"{candidate}.test_{metric}" in run.data.metrics
            assert f"{candidate}.cv_{metric}" in run.data.metrics
    assert run.data.tags["task"] == "binary"
    assert source_data(run) | {"digest": None} == {
        "name": "breast_cancer",
        "digest": None,
        "source": {"uri": "sklearn.datasets.load_breast_cancer"},
        "rows": 569,
    }
    assert [
        (source_data(run, part)["name"], source_data(run, part)["rows"])
        for part in ("training", "testing")
    ] == [("breast_cancer (train)", 455), ("breast_cancer (test)", 114)]
    assert "git.commit" in run.data.tags

    client = MlflowClient()
    artifacts = {
        a.path
        for folder in ("plots", "reports")
        for a in client.list_artifacts(run.info.run_id, folder)
    }
    assert {
        "reports/report.html",
        "reports/candidate_comparison.csv",
        "reports/feature_importance.csv",
        "reports/performance_breakdown.csv",
    } <= artifacts

    (logged,) = mlflow.search_logged_models(
        experiment_ids=[run.info.experiment_id],
        filter_string="name = 'champion_model'",
        output_format="list",
    )
    assert logged.source_run_id == run.info.run_id
    model_info = mlflow.models.get_model_info(f"models:/{logged.model_id}")
    assert "mean radius" in model_info.signature.inputs.input_names()
    model = mlflow.pyfunc.load_model(f"models:/{logged.model_id}")
    X_test = pd.read_parquet(default_project / "data/05_model_input/X_test.parquet")
    local = pd.read_parquet(
        default_project / "data/07_model_output/test_predictions.parquet"
    )
    assert (model.predict(X_test) == local["predicted"].to_numpy()).all()


def test_champion_quality_on_breast_cancer(default_run):
    assert default_run.data.metrics["champion.test_roc_auc"] >= 0.97


def test_same_data_and_seed_give_identical_results(run_kedro, project_path):
    def outcome():
        run_kedro("train", **QUICK_TRAINING)
        comparison = pd.read_csv(
            project_path / "data/08_reporting/candidate_comparison.csv"
        )
        predictions = pd.read_parquet(
            project_path / "data/07_model_output/test_predictions.parquet"
        )
        return comparison, predictions

    first_comparison, first_predictions = outcome()
    second_comparison, second_predictions = outcome()
    pd.testing.assert_frame_equal(first_comparison, second_comparison)
    pd.testing.assert_frame_equal(first_predictions, second_predictions)

    # The second run refitted the same champion: no new version, a link to it.
    client = MlflowClient(f"sqlite:///{project_path}/mlflow.db")
    versions = client.search_model_versions("name = 'tabular_mlops'")
    assert [str(version.version) for version in versions] == ["1"]
    runs = client.search_runs(
        [client.get_experiment_by_name("tabular_mlops").experiment_id]
    )
    assert [run.data.tags["registry.version"] for run in runs] == ["1", "1"]
    assert (
        "- Not registered: the same model as champion v1"
        in (runs[0].data.tags["mlflow.note.content"])
    )


def test_train_on_a_mixed_type_user_table(run_kedro, project_path, mixed_table):
    mixed_table.to_csv(project_path / "customers.csv", index=False)
    run_kedro(
        "train", data={"filepath": "customers.csv", "target": "label"}, **QUICK_TRAINING
    )

    spec = json.loads((project_path / "data/03_primary/feature_spec.json").read_text())
    assert spec["task"] == "binary"
    assert spec["datetime"] == ["signup"]
    assert set(spec["dropped"]) == {"customer_id", "constant"}
    assert source_data(only_run(project_path))["rows"] == len(mixed_table)


@pytest.mark.parametrize(
    ("dataset", "task", "metric"),
    [("iris", "multiclass", "roc_auc"), ("diabetes", "regression", "rmse")],
)
def test_train_on_other_bundled_sets(
    run_kedro, project_path, dataset, task, metric, caplog
):
    with caplog.at_level(logging.INFO, logger="tabular_mlops"):
        run_kedro("train", data={"dataset": dataset}, **QUICK_TRAINING)
    run = only_run(project_path)
    assert run.data.tags["task"] == task
    assert f"champion.test_{metric}" in run.data.metrics

    summary = [
        r.getMessage()
        for r in caplog.records
        if r.name == "tabular_mlops.tracking.summary"
    ]
    assert summary[0].startswith(f"Trained on {dataset} (bundled): ")
    assert f" {task} task" in summary[0]
    champion = pd.read_csv(
        project_path / "data/08_reporting/candidate_comparison.csv"
    ).family[0]
    assert summary[2].startswith(f"Champion: {champion}, test {metric} ")
    assert summary[3] == "Report: data/08_reporting/report.html"
    assert summary[4].startswith("Registered as champion: first model of ")
    assert summary[5:] == [
        "MLflow run (after `kedro mlflow ui`):",
        f"http://127.0.0.1:5000/#/experiments/{run.info.experiment_id}/runs/"
        f"{run.info.run_id}?workflowType=machine_learning",
    ]
