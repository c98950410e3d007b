import mlflow
import pandas as pd

from tabular_mlops.tracking.tuning_trials import TuningTrialRunsHook


def test_each_trial_becomes_a_nested_run_with_its_params_and_metrics(experiment_id):
    trials = pd.DataFrame(
        {
            "number": [0, 1],
            "params.C": [0.1, 10.0],
            "metrics.cv_roc_auc": [0.91, 0.95],
        },
        dtype=object,
    )
    with mlflow.start_run() as parent:
        TuningTrialRunsHook().after_node_run(
            {"linear.tuning_trials": trials, "linear.tuned": {"C": 10.0}}
        )
    children = mlflow.search_runs(
        [experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
        order_by=["tags.trial"],
    )
    assert children["tags.mlflow.runName"].tolist() == [
        "linear.trial_0",
        "linear.trial_1",
    ]
    assert children["params.C"].tolist() == ["0.1", "10.0"]
    assert children["metrics.cv_roc_auc"].tolist() == [0.91, 0.95]
    assert set(children["tags.family"]) == {"linear"}


def test_nothing_is_logged_without_an_active_run(experiment_id):
    TuningTrialRunsHook().after_node_run(
        {"linear.tuning_trials": pd.DataFrame({"number": [0]})}
    )
    assert mlflow.search_runs([experiment_id]).empty
