"""Only comparable models compete for ``@champion``: same target, task, class labels
and input columns. ``--params registry.model_name=…`` registers under that name."""

from __future__ import annotations

import mlflow
import pytest
from mlflow import MlflowClient

from tabular_mlops.core.sources import load_bundled_dataset
from tests.conftest import QUICK_TRAINING

pytestmark = pytest.mark.integration


def test_a_boolean_target_model_never_replaces_a_string_label_champion(
    run_kedro, project_path
):
    run_kedro("train", **QUICK_TRAINING)  # labels benign / malignant
    table = load_bundled_dataset("breast_cancer")
    table["target"] = (
        table["target"] == "malignant"
    )  # the same rows, labels True / False
    table.to_csv(project_path / "boolean_target.csv", index=False)

    run_kedro("train", **QUICK_TRAINING, data={"filepath": "boolean_target.csv"})

    client = MlflowClient()
    assert client.get_model_version_by_alias("tabular_mlops", "champion").version == 1
    challenger = client.get_model_version("tabular_mlops", 2)
    assert challenger.aliases == ["challenger"]
    assert (
        "the champion's classes are ['benign', 'malignant']"
        in (challenger.tags["promotion"])
    )
    champion = mlflow.pyfunc.load_model("models:/tabular_mlops@champion")
    predicted = champion.predict(table.drop(columns="target").head(20))["predicted"]
    assert set(predicted) <= {"benign", "malignant"}


def test_registry_model_name_from_params_names_the_registered_model(
    run_kedro, project_path
):
    run_kedro("train", **QUICK_TRAINING, registry={"model_name": "churn"})

    client = MlflowClient()
    assert [model.name for model in client.search_registered_models()] == ["churn"]
    assert client.get_model_version_by_alias("churn", "champion").version == 1
