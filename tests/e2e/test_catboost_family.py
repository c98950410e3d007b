"""The catboost family end to end on a user table with text categories and gaps:
CatBoost reads the categories itself, wins, is logged and registered asking for
CatBoost, and answers over REST, a missing and an unseen category included."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import requests

from tests.conftest import crippled, make_project, model_server, run_pipeline
from tests.e2e.conftest import install_clean_python, predict_in, tracking_store

pytestmark = pytest.mark.integration

MODEL = "tabular_mlops"
CITIES = [f"city_{index:02d}" for index in range(20)]
RISKY = set(CITIES[::3])
CATBOOST_VERSION = "1.2.10"


def churn_table(rows: int = 600) -> pd.DataFrame:
    """Churn driven by which of 20 cities a customer lives in, and by usage: a
    category interaction the crippled families below cannot learn."""
    rng = np.random.default_rng(0)
    city = rng.choice(CITIES, rows)
    usage = rng.gamma(2.0, 10.0, rows)
    risk = np.isin(city, list(RISKY)) * 1.5 - usage / 20 + rng.normal(0, 0.5, rows)
    table = pd.DataFrame(
        {
            "city": city.astype(object),
            "plan": rng.choice(["basic", "plus", "pro"], rows).astype(object),
            "usage": usage.round(1),
            "churn": np.where(risk > np.median(risk), "yes", "no"),
        }
    )
    table.loc[::9, "city"] = None
    table.loc[::13, "plan"] = None
    table.loc[::11, "usage"] = np.nan
    return table


OTHERS_CRIPPLED = {  # so that catboost is the champion
    **crippled("linear", "random_forest", "hist_gradient_boosting"),
    "catboost": {
        "candidate": {"hyperparameters": {"classification": {"iterations": 100}}}
    },
    "modelling": {"cv_folds": 3},
    "reporting": {"permutation_repeats": 1},
}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("catboost"))
    source = project / "data/01_raw/churn.csv"
    source.parent.mkdir(parents=True)
    churn_table().to_csv(source, index=False)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(project)
        run_pipeline(
            project,
            "train",
            data={"filepath": str(source), "target": "churn"},
            **OTHERS_CRIPPLED,
        )
    return project


@pytest.fixture(scope="module")
def client(project: Path) -> Iterator[mlflow.MlflowClient]:
    with tracking_store(project) as client:
        yield client


def test_catboost_is_the_registered_champion_logged_like_the_others(client):
    version = client.get_model_version_by_alias(MODEL, "champion")
    assert version.tags["family"] == "catboost"
    run = client.get_run(version.run_id).data
    assert run.params["catboost.hyperparameters.iterations"] == "100"
    assert run.params["catboost.hyperparameters.depth"] == "6"
    assert run.metrics["catboost.cv_roc_auc"] > 0.8
    assert run.metrics["champion.test_roc_auc"] == run.metrics["catboost.test_roc_auc"]


def test_the_categories_are_catboosts_own_not_one_hot_columns(client):
    model = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion")
    estimator = model.unwrap_python_model().model[-1]
    names = estimator.feature_names_
    assert sorted(names) == ["city", "plan", "usage"]
    assert sorted(names[i] for i in estimator.get_cat_feature_indices()) == [
        "city",
        "plan",
    ]


@pytest.fixture(scope="module")
def registered(client, tmp_path_factory) -> Path:
    """The registered champion's files, downloaded outside the project."""
    return Path(
        mlflow.artifacts.download_artifacts(
            f"models:/{MODEL}@champion", dst_path=str(tmp_path_factory.mktemp("model"))
        )
    )


def test_the_logged_and_registered_models_ask_for_catboost(
    client, registered, tmp_path
):
    requirements = (registered / "requirements.txt").read_text().split()
    assert f"catboost=={CATBOOST_VERSION}" in requirements
    assert {line.split("==")[0] for line in requirements} == {
        "mlflow-skinny",
        "scikit-learn",
        "pandas",
        "numpy",
        "cloudpickle",
        "catboost",
    }
    version = client.get_model_version_by_alias(MODEL, "champion")
    [tracked] = mlflow.search_logged_models(
        filter_string=f"source_run_id = '{version.run_id}' AND name = 'champion_model'",
        output_format="list",
    )
    tracked_folder = mlflow.artifacts.download_artifacts(
        tracked.model_uri, dst_path=str(tmp_path / "tracked")
    )
    assert f"catboost=={CATBOOST_VERSION}" in (
        Path(tracked_folder, "requirements.txt").read_text().split()
    )


def test_rest_answers_rows_with_missing_and_unseen_categories(project, client):
    rows = churn_table().drop(columns="churn").head(6)
    rows.loc[0, "city"] = None
    rows.loc[1, "city"] = "a city never seen"
    expected = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion").predict(rows)
    payload = {"dataframe_split": json.loads(rows.to_json(orient="split"))}
    with model_server(
        f"models:/{MODEL}@champion",
        Path(sys.executable),
        MLFLOW_TRACKING_URI=f"sqlite:///{project}/mlflow.db",
    ) as url:
        response = requests.post(f"{url}/invocations", json=payload, timeout=60)
    assert response.status_code == 200, response.text
    served = pd.DataFrame(response.json()["predictions"], index=rows.index)
    pd.testing.assert_frame_equal(served, expected)
    assert set(served["predicted"]) <= {"yes", "no"}


def test_the_registered_model_predicts_the_same_where_only_its_requirements_are(
    registered, tmp_path
):
    rows = churn_table().drop(columns="churn").head(20)
    python = install_clean_python(registered / "requirements.txt", tmp_path)
    in_project = mlflow.pyfunc.load_model(str(registered)).predict(rows)
    assert predict_in(python, registered, rows, tmp_path) == in_project.to_dict(
        orient="list"
    )
