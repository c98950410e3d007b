import mlflow

from tabular_mlops.tracking.datasets import MlflowTagsDataset


def test_tags_go_to_the_active_run(experiment_id):
    with mlflow.start_run() as run:
        MlflowTagsDataset().save({"model_version": "3", "batch_digest": "ab"})
    tags = mlflow.get_run(run.info.run_id).data.tags
    assert (tags["model_version"], tags["batch_digest"]) == ("3", "ab")


def test_without_a_run_nothing_is_logged(experiment_id):
    MlflowTagsDataset().save({"model_version": "3"})
    assert mlflow.search_runs(output_format="list") == []
