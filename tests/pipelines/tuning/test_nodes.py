import numpy as np
import optuna
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.tuning import suggest_hyperparameters
from tabular_mlops.pipelines.tuning.nodes import tune_candidate

from ..modelling.test_nodes import DATA, MODELLING, candidate, small_spec

LINEAR_SPACE = {
    "classification": {
        "C": {"type": "float", "low": 1e-3, "high": 100.0, "log": True},
        "class_weight": {"type": "categorical", "choices": [None, "balanced"]},
    }
}
TUNING = {
    "n_trials": 4,
    "timeout": None,
    "seed": 0,
    "n_jobs": 1,
    "storage": None,
    "study_name": "test",
}


@pytest.fixture
def data():
    features, labels = make_classification(n_samples=120, n_features=4, random_state=0)
    X = pd.DataFrame(features, columns=list("abcd"))
    y = pd.DataFrame({"y": np.where(labels, "yes", "no")})
    return (
        X,
        y,
        small_spec("binary", target="y"),
    )


def tune(data, **tuning):
    X, y, spec = data
    return tune_candidate(
        X, y, spec, candidate("linear"), LINEAR_SPACE, MODELLING, TUNING | tuning, DATA
    )


def test_suggestions_follow_the_search_space():
    space = {
        "rate": {"type": "float", "low": 0.01, "high": 0.3, "log": True},
        "trees": {"type": "int", "low": 50, "high": 400, "step": 50},
        "depth": {"type": "categorical", "choices": [None, 4, 8]},
    }
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(20):
        suggested = suggest_hyperparameters(study.ask(), space)
        assert 0.01 <= suggested["rate"] <= 0.3
        assert suggested["trees"] in range(50, 401, 50)
        assert suggested["depth"] in (None, 4, 8)
    assert study.trials[0].distributions["rate"].log


def test_the_budget_counts_trials_and_the_best_trial_wins(data):
    tuned, trials = tune(data, n_trials=3)
    assert trials["number"].tolist() == [0, 1, 2]
    assert tuned["trials"] == 3
    assert tuned["cv_roc_auc"] == trials["metrics.cv_roc_auc"].max()
    best = trials.loc[trials["metrics.cv_roc_auc"].astype(float).idxmax()]
    hyperparameters = tuned["hyperparameters"]["classification"]
    assert hyperparameters["C"] == best["params.C"]
    assert hyperparameters["max_iter"] == 500  # not searched: kept as configured
    assert set(trials) == {
        "number",
        "params.C",
        "params.class_weight",
        "metrics.cv_roc_auc",
        "metrics.duration_s",
    }


def test_same_seed_and_budget_give_the_same_search(data):
    first_tuned, first_trials = tune(data)
    second_tuned, second_trials = tune(data)
    other_tuned, other_trials = tune(data, seed=1)
    assert first_tuned == second_tuned
    params = ["params.C", "params.class_weight"]
    pd.testing.assert_frame_equal(first_trials[params], second_trials[params])
    assert first_trials["params.C"].tolist() != other_trials["params.C"].tolist()


def test_a_search_without_budget_is_refused(data):
    with pytest.raises(InputError, match="no budget"):
        tune(data, n_trials=None, timeout=None)


def test_workers_sharing_a_storage_split_the_trial_budget(data, tmp_path):
    storage = f"sqlite:///{tmp_path / 'tuning.db'}"
    _, first = tune(data, storage=storage, n_trials=3)
    tuned, second = tune(data, storage=storage, n_trials=5)
    _, third = tune(data, storage=storage, n_trials=5)

    assert first["number"].tolist() == [0, 1, 2]
    assert second["number"].tolist() == [3, 4]  # the total, not 5 more
    assert third.empty
    assert tuned["trials"] == 5
    scores = pd.concat([first, second])["metrics.cv_roc_auc"]
    assert tuned["cv_roc_auc"] == scores.max()
    # The joining worker's sampler does not replay the first worker's trials.
    assert not set(second["params.C"]) & set(first["params.C"])
