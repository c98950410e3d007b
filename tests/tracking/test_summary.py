import pandas as pd

from tabular_mlops.tracking.summary import training_summary


def test_training_summary_names_data_task_candidates_and_champion():
    comparison = pd.DataFrame(
        {
            "family": ["random_forest", "linear"],
            "rank": [1, 2],
            "cv_rmse": [1.5, 2.25],
            "test_rmse": [1.75, 2.5],
        }
    )
    summary = training_summary(
        data={"dataset": "diabetes", "filepath": "prices.csv"},
        feature_spec={"rows": 442, "task": "regression", "target": "price"},
        candidate_comparison=comparison,
        metric="rmse",
        report="data/08_reporting/report.html",
    )
    assert summary == [
        "Trained on prices.csv: 442 rows, regression task on 'price'.",
        "Candidates by mean CV rmse (lower is better): "
        "random_forest 1.5000, linear 2.2500.",
        "Champion: random_forest, test rmse 1.7500.",
        "Report: data/08_reporting/report.html",
    ]


def summary_of_registration(promotion_decision):
    return training_summary(
        data={"dataset": "breast_cancer", "filepath": None},
        feature_spec={"rows": 569, "task": "binary", "target": "target"},
        candidate_comparison=pd.DataFrame(
            {
                "family": ["linear"],
                "rank": [1],
                "cv_roc_auc": [0.99],
                "test_roc_auc": [0.98],
            }
        ),
        metric="roc_auc",
        report="data/08_reporting/report.html",
        promotion_decision=promotion_decision,
    )


def test_a_registering_run_says_which_alias_the_model_earned_and_why():
    summary = summary_of_registration(
        {
            "alias": "challenger",
            "register": True,
            "reason": "worse than the champion: test roc_auc 0.9800 vs 0.9900.",
        }
    )
    assert summary[-1] == (
        "Registered as challenger: worse than the champion: test roc_auc 0.9800 vs "
        "0.9900. `make gate` judges it."
    )


def test_a_run_that_refitted_the_champion_says_it_registered_nothing():
    summary = summary_of_registration(
        {
            "alias": "champion",
            "register": False,
            "reason": "the same model as champion v3 (identical fitted model and "
            "features): no new version, this run links to it",
        }
    )
    assert summary[-1].startswith("Not registered: the same model as champion v3")
