import mlflow

from tabular_mlops.tracking.datasets import MlflowParamsDataset


def candidate_config(tmp_path) -> MlflowParamsDataset:
    return MlflowParamsDataset(
        prefix="linear",
        dataset={"type": "json.JSONDataset", "filepath": str(tmp_path / "c.json")},
    )


def test_the_leaves_are_run_parameters_and_the_dict_loads_back(experiment_id, tmp_path):
    config = {"family": "linear", "hyperparameters": {"C": 1.0, "max_iter": 2000}}
    dataset = candidate_config(tmp_path)
    with mlflow.start_run() as run:
        dataset.save(config)
    assert mlflow.get_run(run.info.run_id).data.params == {
        "linear.family": "linear",
        "linear.hyperparameters.C": "1.0",
        "linear.hyperparameters.max_iter": "2000",
    }
    assert dataset.load() == config
    assert dataset.exists()


def test_without_a_run_the_dict_is_saved_and_nothing_logged(experiment_id, tmp_path):
    dataset = candidate_config(tmp_path)
    dataset.save({"family": "linear"})
    assert dataset.load() == {"family": "linear"}
    assert mlflow.search_runs(output_format="list") == []
