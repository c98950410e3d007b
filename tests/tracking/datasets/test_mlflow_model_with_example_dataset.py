import mlflow
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from tabular_mlops.tracking.datasets import MlflowModelWithExampleDataset

X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
Y = ["a", "a", "b", "b"]


@pytest.fixture
def dataset():
    return MlflowModelWithExampleDataset(
        flavor="mlflow.sklearn",
        save_args={
            "name": "champion_model",
            "serialization_format": "cloudpickle",
            "pip_requirements": ["scikit-learn"],
        },
    )


def save_in_a_run(dataset, model) -> str:
    with mlflow.start_run() as run:
        dataset.save((model, X))
    return run.info.run_id


def logged_models(experiment_id):
    return mlflow.search_logged_models(
        experiment_ids=[experiment_id], output_format="list"
    )


def test_the_model_is_logged_with_the_signature_of_its_example(experiment_id, dataset):
    run_id = save_in_a_run(dataset, LogisticRegression().fit(X, Y))
    (logged,) = logged_models(experiment_id)
    assert logged.source_run_id == run_id
    info = mlflow.models.get_model_info(logged.model_uri)
    assert info.signature.inputs.input_names() == ["x"]
    assert list(dataset.load().predict(X)) == Y


def test_an_identical_model_is_linked_to_the_run_not_logged_again(
    experiment_id, dataset
):
    first_run = save_in_a_run(dataset, LogisticRegression().fit(X, Y))
    second_run = save_in_a_run(dataset, LogisticRegression().fit(X, Y))

    (logged,) = logged_models(experiment_id)
    assert logged.source_run_id == first_run
    outputs = mlflow.get_run(second_run).outputs.model_outputs
    assert [output.model_id for output in outputs] == [logged.model_id]
    assert list(dataset.load().predict(X)) == Y


def test_a_different_model_is_logged(experiment_id, dataset):
    save_in_a_run(dataset, LogisticRegression().fit(X, Y))
    run_id = save_in_a_run(dataset, LogisticRegression(C=0.01).fit(X, Y))
    assert run_id in {model.source_run_id for model in logged_models(experiment_id)}
    assert len(logged_models(experiment_id)) == 2
