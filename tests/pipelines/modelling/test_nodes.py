import logging

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.estimators import ESTIMATORS
from tabular_mlops.core.metrics import SCORERS
from tabular_mlops.pipelines.modelling.nodes import (
    choose_hyperparameters,
    cross_validate_candidate,
    evaluate_candidate,
    rank_candidates,
    select_champion,
    train_candidate,
)

MODELLING = {
    "random_state": 0,
    "cv_folds": 3,
    "large_data": {"min_rows": 100_000, "cv_folds": 2},
    "wide_data": {"min_columns": 1000},
    "champion_metric": {"classification": "roc_auc", "regression": "rmse"},
    "preprocessing": {"min_category_frequency": 2},
    "use_tuned_hyperparameters": False,
}
DATA = {"id_unique_share": 0.9}


def small_spec(task: str, **more: str) -> dict:
    """The feature spec of a small, narrow table: no large- or wide-data settings."""
    return {
        "task": task,
        "rows": 100,
        "numeric": ["a"],
        "categorical": [],
        "datetime": [],
        **more,
    }


CATBOOST_QUIET = {"logging_level": "Silent", "allow_writing_files": False}
HYPERPARAMETERS = {
    "linear": {"classification": {"max_iter": 500}, "regression": {}},
    "random_forest": {
        "classification": {"n_estimators": 20},
        "regression": {"n_estimators": 20},
    },
    "hist_gradient_boosting": {
        "classification": {"max_iter": 20},
        "regression": {"max_iter": 20},
    },
    "catboost": {
        "classification": CATBOOST_QUIET | {"iterations": 20},
        "regression": CATBOOST_QUIET | {"iterations": 20},
    },
}


def candidate(family):
    return {"family": family, "hyperparameters": HYPERPARAMETERS[family]}


def config(family, spec):
    """The ``candidate_config`` a run of ``spec``'s task uses (untuned)."""
    return choose_hyperparameters(candidate(family), {}, spec, MODELLING)


def with_category(features: np.ndarray, rng) -> pd.DataFrame:
    frame = pd.DataFrame(features, columns=[f"x{i}" for i in range(features.shape[1])])
    frame["colour"] = rng.choice(["red", "blue", None], len(frame)).astype(object)
    frame.loc[::7, "x0"] = np.nan
    return frame


@pytest.fixture
def classification_data():
    rng = np.random.default_rng(0)
    features, labels = make_classification(n_samples=160, n_features=5, random_state=0)
    spec = small_spec("binary", target="y")
    return (
        with_category(features, rng),
        pd.DataFrame({"y": np.where(labels, "yes", "no")}),
        spec,
    )


@pytest.fixture
def regression_data():
    rng = np.random.default_rng(0)
    features, target = make_regression(
        n_samples=160, n_features=5, noise=5, random_state=0
    )
    spec = small_spec("regression", target="y")
    return with_category(features, rng), pd.DataFrame({"y": target}), spec


@pytest.mark.parametrize("family", sorted(ESTIMATORS))
@pytest.mark.parametrize("data", ["classification_data", "regression_data"])
def test_candidates_fit_and_score_mixed_columns_with_gaps(family, data, request):
    X, y, spec = request.getfixturevalue(data)
    model = train_candidate(X, y, spec, config(family, spec), MODELLING, DATA)
    cv_scores = cross_validate_candidate(
        X, y, spec, config(family, spec), MODELLING, DATA
    )
    metrics = evaluate_candidate(model, X, y, spec, cv_scores)
    for metric in SCORERS[spec["task"]]:
        assert np.isfinite(metrics[f"cv_{metric}"])
        assert np.isfinite(metrics[f"test_{metric}"])
        assert metrics[f"cv_{metric}_std"] >= 0


def test_unseen_category_at_prediction_is_ignored(classification_data):
    X, y, spec = classification_data
    model = train_candidate(X, y, spec, config("linear", spec), MODELLING, DATA)
    unseen = X.head(3).assign(colour="ultraviolet")
    assert len(model.predict(unseen)) == 3


def test_error_metrics_are_positive(regression_data):
    X, y, spec = regression_data
    cv_scores = cross_validate_candidate(
        X, y, spec, config("linear", spec), MODELLING, DATA
    )
    assert cv_scores["cv_rmse"] > 0 and cv_scores["cv_mae"] > 0
    assert cv_scores["cv_r2"] > 0.9


def test_cross_validation_is_reproducible(classification_data):
    X, y, spec = classification_data
    first = cross_validate_candidate(
        X, y, spec, config("random_forest", spec), MODELLING, DATA
    )
    assert (
        cross_validate_candidate(
            X, y, spec, config("random_forest", spec), MODELLING, DATA
        )
        == first
    )


def test_rank_candidates_orders_by_cv_metric_in_its_direction():
    spec = small_spec("regression")
    ranked = rank_candidates(
        MODELLING,
        spec,
        linear={"cv_rmse": 3.0, "test_rmse": 3.1},
        random_forest={"cv_rmse": 1.0, "test_rmse": 1.2},
    )
    assert ranked["family"].tolist() == ["random_forest", "linear"]
    assert ranked["rank"].tolist() == [1, 2]

    spec = small_spec("binary")
    ranked = rank_candidates(
        MODELLING,
        spec,
        linear={"cv_roc_auc": 0.9, "test_roc_auc": 0.9},
        random_forest={"cv_roc_auc": 0.8, "test_roc_auc": 0.95},
    )
    assert ranked["family"].iloc[0] == "linear"


def test_select_champion_returns_best_ranked_model():
    comparison = pd.DataFrame({"family": ["random_forest", "linear"], "rank": [1, 2]})
    assert select_champion(comparison, linear="L", random_forest="RF") == "RF"


TUNED = {
    "linear": {
        "task": "binary",
        "hyperparameters": {"classification": {"C": 0.1, "max_iter": 500}},
    }
}


def test_configured_hyperparameters_are_kept_unless_tuned_ones_are_asked_for():
    chosen = choose_hyperparameters(
        candidate("linear"),
        TUNED,
        small_spec("binary"),
        MODELLING,
    )
    assert chosen == {"family": "linear", "hyperparameters": {"max_iter": 500}}


def test_tuned_hyperparameters_replace_the_configured_ones_for_the_task():
    modelling = MODELLING | {"use_tuned_hyperparameters": True}
    chosen = choose_hyperparameters(
        candidate("linear"),
        TUNED,
        small_spec("binary"),
        modelling,
    )
    assert chosen == {
        "family": "linear",
        "hyperparameters": {"C": 0.1, "max_iter": 500},
    }


@pytest.mark.parametrize(
    ("family", "task"), [("random_forest", "binary"), ("linear", "regression")]
)
def test_asking_for_tuned_hyperparameters_that_do_not_exist_fails(family, task):
    modelling = MODELLING | {"use_tuned_hyperparameters": True}
    with pytest.raises(InputError, match="kedro run --pipelines=tune"):
        choose_hyperparameters(
            candidate(family),
            TUNED,
            small_spec(task),
            modelling,
        )


def test_cross_validation_logs_each_fold_as_it_ends(classification_data, caplog):
    X, y, spec = classification_data
    with caplog.at_level(logging.INFO):
        scores = cross_validate_candidate(
            X, y, spec, config("linear", spec), MODELLING, DATA
        )
    folds = [m for m in caplog.messages if m.startswith("linear: CV fold")]
    assert [m.split(",")[0] for m in folds] == [
        f"linear: CV fold {fold}/3" for fold in (1, 2, 3)
    ]
    fold_aucs = [float(m.rsplit("=", 1)[1]) for m in folds]
    assert np.mean(fold_aucs) == pytest.approx(scores["cv_roc_auc"], abs=1e-4)
