import mlflow
import pandas as pd
import pytest
from kedro.io import DatasetError

from tabular_mlops.core.errors import find_input_error
from tabular_mlops.core.estimators import build_candidate
from tabular_mlops.core.model import InferencePipeline
from tabular_mlops.tracking.datasets import MlflowRegisteredModelDataset

QUICK = {"pip_requirements": ["scikit-learn"]}  # MLflow would infer them, slowly
X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 0.5, 2.5]})


def registration(alias):
    model = build_candidate(
        "linear",
        {},
        "binary",
        random_state=0,
        min_category_frequency=1,
        id_unique_share=0.9,
    ).fit(X, ["a", "a", "b", "b", "a", "b"])
    spec = {"target": "y", "task": "binary", "rows": 6, "classes": ["a", "b"]}
    return {
        "python_model": InferencePipeline(model, spec),
        "input_example": X,
        "alias": alias,
        "tags": {"note": alias},
        "model_card": f"# Model card: {alias}\n",
        "reference_profile": {"rows": 6},
    }


def test_registered_versions_are_found_by_alias_or_version(experiment_id):
    champion = MlflowRegisteredModelDataset(model_name="demo")
    registered = MlflowRegisteredModelDataset(
        model_name="demo",
        report_artifact="reports/report.html",
        save_args={"pip_requirements": ["scikit-learn"]},
    )
    assert champion.load() is None and not champion.exists()  # no model yet

    with mlflow.start_run() as run:
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
    assert version.description.startswith("# Model card: challenger\n")
    page = f"#/experiments/{experiment_id}/runs/{run.info.run_id}"
    assert f"by MLflow run [`{run.info.run_id}`]({page})" in version.description
    assert f"[reports/report.html]({page}/artifacts/reports/report.html)" in (
        version.description
    )


def test_a_run_of_an_already_registered_model_links_to_its_version(experiment_id):
    registered = MlflowRegisteredModelDataset(model_name="demo", save_args=QUICK)
    with mlflow.start_run() as first:
        registered.save(registration("champion"))
    with mlflow.start_run() as again:
        registered.save({"existing_version": "1"})
    versions = mlflow.MlflowClient().search_model_versions("name = 'demo'")
    assert [str(version.version) for version in versions] == ["1"]
    for run in (first, again):
        tags = mlflow.get_run(run.info.run_id).data.tags
        assert (tags["registry.model"], tags["registry.version"]) == ("demo", "1")


def test_a_version_carries_its_code_model_card_and_reference_profile(
    experiment_id, tmp_path
):
    with mlflow.start_run():
        MlflowRegisteredModelDataset(model_name="demo", save_args=QUICK).save(
            registration("champion")
        )
    local = mlflow.artifacts.download_artifacts(
        "models:/demo@champion", dst_path=str(tmp_path)
    )
    shipped = (
        {path.relative_to(local).as_posix() for path in tmp_path.rglob("*.py")}
        | {path.name for path in tmp_path.rglob("*.md")}
        | {path.name for path in tmp_path.rglob("*.json")}
    )
    assert {
        "code/tabular_mlops/__init__.py",
        "code/tabular_mlops/core/model.py",
        "model_card.md",
        "reference_profile.json",
    } <= shipped
    assert not any(name.startswith("code/tabular_mlops/pipelines") for name in shipped)


def test_a_version_an_older_project_registered_is_a_clear_error(
    experiment_id, monkeypatch
):
    with mlflow.start_run():
        MlflowRegisteredModelDataset(model_name="demo", save_args=QUICK).save(
            registration("champion")
        )

    def old_pickle(uri):
        raise ModuleNotFoundError("No module named 'tabular_mlops.pipelines.registry'")

    monkeypatch.setattr(mlflow.pyfunc, "load_model", old_pickle)
    with pytest.raises(DatasetError) as refused:  # Kedro wraps what a load raises
        MlflowRegisteredModelDataset(model_name="demo").load()
    problem = find_input_error(refused.value)
    assert "an earlier version of this project registered it" in str(problem)


def required(**options) -> MlflowRegisteredModelDataset:
    return MlflowRegisteredModelDataset(model_name="demo", required=True, **options)


def problem(dataset: MlflowRegisteredModelDataset) -> str:
    with pytest.raises(DatasetError) as refused:
        dataset.load()
    return str(find_input_error(refused.value))


def test_a_required_model_that_is_missing_is_a_clear_error(experiment_id):
    assert "No model is registered as 'demo'" in problem(required())
    with mlflow.start_run():
        MlflowRegisteredModelDataset(model_name="demo", save_args=QUICK).save(
            registration("champion")
        )
    assert problem(required(alias="staging")) == (
        "Registered model 'demo' has no version with the alias 'staging' (aliases: "
        "champion). Name one of them, or a version number."
    )
    assert problem(required(model_version=4)) == (
        "Registered model 'demo' has no version 4 (versions: 1)."
    )
    assert required(model_version=1).load().version == "1"
