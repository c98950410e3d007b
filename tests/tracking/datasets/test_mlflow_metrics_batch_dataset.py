import mlflow
from mlflow import MlflowClient

from tabular_mlops.tracking.datasets import MlflowMetricsBatchDataset


def test_metrics_and_their_steps_are_logged_to_the_active_run(experiment_id):
    dataset = MlflowMetricsBatchDataset(prefix="scores")
    with mlflow.start_run() as run:
        dataset.save(
            {
                "auc": {"value": 0.9, "step": 0},
                "loss": [{"value": 0.5, "step": 0}, {"value": 0.3, "step": 1}],
            }
        )
        assert dataset.load() == {
            "scores.auc": {"value": 0.9, "step": 0},
            "scores.loss": [{"value": 0.5, "step": 0}, {"value": 0.3, "step": 1}],
        }
    history = MlflowClient().get_metric_history(run.info.run_id, "scores.loss")
    assert [(m.step, m.value) for m in history] == [(0, 0.5), (1, 0.3)]
    assert mlflow.get_run(run.info.run_id).data.metrics["scores.auc"] == 0.9
