import mlflow
import pandas as pd
from sklearn.linear_model import LogisticRegression

from tabular_mlops.pipelines.promotion.nodes import InferencePipeline
from tabular_mlops.tracking.datasets import MlflowRegisteredModelDataset


def registration(alias):
    X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    model = LogisticRegression().fit(X, ["a", "a", "b", "b"])
    spec = {"task": "binary", "numeric": ["x"], "categorical": [], "datetime": []}
    return {
        "python_model": InferencePipeline(model, spec),
        "input_example": X,
        "alias": alias,
        "tags": {"note": alias},
    }


def test_registered_versions_are_found_by_alias_or_version(experiment_id):
    champion = MlflowRegisteredModelDataset(model_name="demo")
    registered = MlflowRegisteredModelDataset(
        model_name="demo", save_args={"pip_requirements": ["scikit-learn"]}
    )
    assert champion.load() is None and not champion.exists()  # no model yet

    with mlflow.start_run():
        registered.save(registration("champion"))
        registered.save(registration("challenger"))

    assert champion.load().version == "1"
    challenger = MlflowRegisteredModelDataset(model_name="demo", alias="challenger")
    loaded = challenger.load()
    assert loaded.version == "2"
    assert loaded.model.predict(pd.DataFrame({"x": [3.0]}))["predicted"][0] == "b"
    assert MlflowRegisteredModelDataset(model_name="demo", model_version=2).exists()
    assert MlflowRegisteredModelDataset(model_name="demo", alias="other").load() is None
    version = mlflow.MlflowClient().get_model_version("demo", "2")
    assert version.tags["note"] == "challenger"
