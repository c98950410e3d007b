import mlflow
from mlflow import MlflowClient

from tabular_mlops.tracking.datasets import MlflowMetricsSeriesDataset


def test_successive_runs_add_steps_to_one_series_run(experiment_id):
    linked = []
    for step, value in ((1, 0.1), (2, 0.5)):
        with mlflow.start_run() as run:
            MlflowMetricsSeriesDataset().save(
                {
                    "series": "monitoring · v1",
                    "metrics": {"drift": {"value": value, "step": step}},
                }
            )
        linked.append(mlflow.get_run(run.info.run_id).data.tags["monitor.series_run"])
    (series,) = mlflow.search_runs(
        filter_string="attributes.run_name = 'monitoring · v1'", output_format="list"
    )
    history = MlflowClient().get_metric_history(series.info.run_id, "drift")
    assert [(point.step, point.value) for point in history] == [(1, 0.1), (2, 0.5)]
    assert series.info.status == "FINISHED"
    assert linked == [series.info.run_id] * 2
