"""End to end: tune, register behind the champion gate, batch inference, REST serving."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mlflow
import pandas as pd
import pytest
import requests
from mlflow import MlflowClient

from tabular_mlops.core.estimators import MODEL_FAMILIES
from tests.conftest import crippled, make_project, model_server, run_pipeline

pytestmark = pytest.mark.integration

MODEL = "tabular_mlops"
SMALL = {  # small models, so that each train run takes seconds
    "modelling": {"cv_folds": 2, "champion_metric": {"classification": "accuracy"}},
    "random_forest": {
        "candidate": {"hyperparameters": {"classification": {"n_estimators": 10}}}
    },
    "hist_gradient_boosting": {
        "candidate": {"hyperparameters": {"classification": {"max_iter": 10}}}
    },
    "catboost": {
        "candidate": {"hyperparameters": {"classification": {"iterations": 10}}}
    },
    "reporting": {"permutation_repeats": 1},
}
WEAK = SMALL | crippled(*MODEL_FAMILIES)  # a clearly worse champion


SMALL_SPACE = {"low": 5, "high": 10, "step": 5}
TUNE = {
    "modelling": {"cv_folds": 2},
    "tuning": {
        "n_trials": 2,
        "search_spaces": {
            "random_forest": {"classification": {"n_estimators": SMALL_SPACE}},
            "hist_gradient_boosting": {"classification": {"max_iter": SMALL_SPACE}},
            "catboost": {"classification": {"iterations": SMALL_SPACE}},
        },
    },
}
TUNED = SMALL | {"modelling": SMALL["modelling"] | {"use_tuned_hyperparameters": True}}


def last_promotion(project: Path) -> dict:
    return json.loads((project / "data/08_reporting/promotion.json").read_text())


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory):
    """One project: a small search, then three train runs: weak (the first model),
    better (with the tuned hyper-parameters), weak again.

    Returns the project and each train run's promotion decision; the gate runs after
    the second.
    """
    project = make_project(tmp_path_factory.mktemp("lifecycle"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)
        run_pipeline(project, "tune", **TUNE)
        promotions = []
        for params in (WEAK, TUNED):
            run_pipeline(project, "train", **params)
            promotions.append(last_promotion(project))
        run_pipeline(project, "gate")  # passes: raises QualityGateError otherwise
        run_pipeline(project, "train", **WEAK)
        promotions.append(last_promotion(project))
        mlflow.set_tracking_uri(f"sqlite:///{project}/mlflow.db")
        yield project, promotions


def test_first_model_is_champion_a_better_one_is_promoted_a_worse_one_is_not(
    lifecycle,
):
    _, promotions = lifecycle
    assert [p["alias"] for p in promotions] == ["champion", "champion", "challenger"]
    assert promotions[0]["reason"].startswith("first model")
    assert promotions[1]["new"]["accuracy"] > promotions[1]["champion"]["accuracy"]
    assert promotions[2]["reason"].startswith("worse than the champion")
    client = MlflowClient()
    assert client.get_registered_model(MODEL).aliases == {
        "champion": 2,
        "challenger": 3,
    }
    assert (
        client.get_model_version(MODEL, "3").tags["promotion"]
        == (promotions[2]["reason"])
    )


def test_gate_exits_non_zero_after_a_model_worse_than_the_champion(lifecycle):
    project, promotions = lifecycle
    kedro = Path(sys.executable).with_name("kedro")  # `make gate` runs this command
    gate = subprocess.run(
        [kedro, "run", "--pipelines=gate"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert gate.returncode == 1
    champion = promotions[2]["champion"]["accuracy"]
    assert f"worse than the champion {champion:.4f}" in gate.stderr
    assert gate.stderr.count("Error: quality gate failed: test ") == 1
    assert "## Quality gate FAILED: breast_cancer (bundled)" in gate.stdout
    assert "| champion v2 |" in gate.stdout
    assert "Not applied: baseline: no block for breast_cancer (bundled)" in gate.stdout
    assert "Traceback" not in gate.stderr


def test_inference_scores_like_the_registered_champion(lifecycle):
    project, _ = lifecycle
    run_pipeline(project, "inference")

    predictions = pd.read_parquet(project / "data/07_model_output/predictions.parquet")
    held_out = pd.read_parquet(project / "data/05_model_input/X_test.parquet")
    champion = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion")
    pd.testing.assert_frame_equal(
        predictions.drop(columns="model_version"), champion.predict(held_out)
    )
    assert set(predictions["model_version"]) == {"2"}
    assert {"predicted", "proba_benign", "proba_malignant"} <= set(predictions)


def test_inference_of_a_csv_file_with_another_alias(lifecycle):
    project, _ = lifecycle
    held_out = pd.read_parquet(project / "data/05_model_input/X_test.parquet")
    held_out.head(7).to_csv(project / "new_rows.csv", index=False)
    run_pipeline(
        project,
        "inference",
        inference={"filepath": "new_rows.csv", "alias": "challenger"},
    )
    predictions = pd.read_parquet(project / "data/07_model_output/predictions.parquet")
    assert len(predictions) == 7
    assert set(predictions["model_version"]) == {"3"}


def test_inference_with_a_version_number_uses_that_version(lifecycle):
    project, _ = lifecycle
    run_pipeline(project, "inference", inference={"version": 1})
    predictions = pd.read_parquet(project / "data/07_model_output/predictions.parquet")
    assert set(predictions["model_version"]) == {"1"}


def test_inference_refuses_a_table_without_the_training_columns(lifecycle):
    project, _ = lifecycle
    held_out = pd.read_parquet(project / "data/05_model_input/X_test.parquet")
    held_out.drop(columns="mean radius").to_csv(project / "bad.csv", index=False)
    with pytest.raises(Exception, match="mean radius"):
        run_pipeline(project, "inference", inference={"filepath": "bad.csv"})


@pytest.fixture
def rest_server(lifecycle):
    """``mlflow models serve`` of the champion on a free loopback port; stopped after."""
    project, _ = lifecycle
    with model_server(
        f"models:/{MODEL}@champion",
        Path(sys.executable),
        MLFLOW_TRACKING_URI=f"sqlite:///{project}/mlflow.db",
    ) as url:
        yield url


def test_rest_server_answers_good_rows_and_rejects_a_bad_one(lifecycle, rest_server):
    project, _ = lifecycle
    rows = pd.read_parquet(project / "data/05_model_input/X_test.parquet")
    rows = rows.head(3)
    expected = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion").predict(rows)

    split = requests.post(
        f"{rest_server}/invocations",
        json={"dataframe_split": json.loads(rows.to_json(orient="split", index=False))},
        timeout=30,
    )
    records = requests.post(
        f"{rest_server}/invocations",
        json={"dataframe_records": rows.to_dict(orient="records")},
        timeout=30,
    )
    for answer in (split, records):
        assert answer.status_code == 200
        predictions = pd.DataFrame(answer.json()["predictions"])
        pd.testing.assert_frame_equal(predictions, expected.reset_index(drop=True))

    bad_row = rows.head(1).astype(object)
    bad_row["mean radius"] = "twelve"
    bad = requests.post(
        f"{rest_server}/invocations",
        json={"dataframe_records": bad_row.to_dict(orient="records")},
        timeout=30,
    )
    assert bad.status_code == 400
    assert "mean radius" in bad.json()["message"]


def test_tune_logs_each_trial_as_a_nested_run(lifecycle):
    (tune,) = mlflow.search_runs(
        experiment_names=["tabular_mlops"],
        filter_string="attributes.run_name = 'tune'",
        output_format="list",
    )
    trials = mlflow.search_runs(
        experiment_names=["tabular_mlops"],
        filter_string=f"tags.mlflow.parentRunId = '{tune.info.run_id}'",
        output_format="list",
    )
    assert len(trials) == 2 * len(MODEL_FAMILIES)  # n_trials per family
    forest = [t for t in trials if t.data.tags["family"] == "random_forest"]
    assert {"n_estimators", "max_depth", "max_features"} <= set(forest[0].data.params)
    assert "cv_roc_auc" in forest[0].data.metrics


def test_train_uses_the_tuned_hyperparameters_when_asked(lifecycle):
    project, _ = lifecycle
    tuned = json.loads(
        (
            project / "data/06_models/tuned_hyperparameters/random_forest.json"
        ).read_text()
    )["hyperparameters"]["classification"]
    assert tuned["n_estimators"] in (5, 10)
    train_runs = mlflow.search_runs(
        experiment_names=["tabular_mlops"],
        filter_string="tags.`kedro.pipeline` = 'train'",
        order_by=["attributes.start_time ASC"],
        output_format="list",
    )
    client = MlflowClient()
    used = [
        json.loads(
            Path(
                client.download_artifacts(
                    run.info.run_id, "candidates/random_forest_config.json"
                )
            ).read_text()
        )["hyperparameters"]
        for run in train_runs
    ]
    assert used[1] == tuned  # the run with modelling.use_tuned_hyperparameters=true
    assert used[0]["n_estimators"] == 1 and used[2]["n_estimators"] == 1
