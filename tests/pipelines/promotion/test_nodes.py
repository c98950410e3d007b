from types import SimpleNamespace

import pandas as pd
import pytest

from tabular_mlops.core.model import InferencePipeline, RegisteredModel
from tabular_mlops.pipelines.data_processing.nodes import (
    build_feature_spec,
    clean_table,
)
from tabular_mlops.pipelines.modelling.nodes import train_candidate
from tabular_mlops.pipelines.promotion.nodes import (
    decide_promotion,
    prepare_registration,
    score_against_champion,
)

from ..data_processing.test_nodes import DATA
from ..modelling.test_nodes import MODELLING, config

REGISTRY = {"model_name": "churn", "margin": 0.01}


@pytest.fixture
def trained(mixed_table):
    """A model trained on the typed user table, its spec, the table and the same
    rows as a client sends them (untyped text, as in the CSV)."""
    table = clean_table(mixed_table, DATA)
    spec = build_feature_spec(table, DATA)
    model = train_candidate(
        table.drop(columns="label"),
        table[["label"]],
        spec,
        config("linear", spec),
        MODELLING,
        DATA,
    )
    raw_rows = mixed_table.dropna(subset="label").drop(columns="label")
    return model, spec, table, raw_rows


def test_inference_pipeline_scores_raw_rows_like_the_trained_model(trained):
    model, spec, table, raw_rows = trained
    predictions = InferencePipeline(model, spec).predict(None, raw_rows)

    trained_on = model.predict(table.drop(columns="label"))
    assert predictions["predicted"].tolist() == trained_on.tolist()
    assert predictions.columns.tolist() == ["predicted", "proba_churn", "proba_stay"]
    assert predictions[["proba_churn", "proba_stay"]].sum(axis=1).round(6).eq(1).all()


def test_the_registered_spec_holds_the_columns_the_model_learnt(trained):
    model, spec, _, _ = trained
    registered = InferencePipeline(model, spec).feature_spec
    assert registered["target"] == "label" and registered["task"] == "binary"
    assert registered["numeric"] == ["age", "income"]
    assert set(registered["dropped"]) == {"customer_id", "constant"}
    assert registered["ranges"]["age"][0] >= 20


def test_registration_example_holds_the_model_columns_as_json_sends_them(trained):
    model, spec, table, raw_rows = trained
    promotion = {
        "alias": "champion",
        "metric": "roc_auc",
        "new": {"roc_auc": 0.9, "accuracy": 0.8},
        "reason": "x",
        "register": True,
    }
    comparison = pd.DataFrame(
        {"family": ["linear"], "rank": [1], "cv_roc_auc": [0.8], "test_roc_auc": [0.9]}
    )
    registration = prepare_registration(
        InferencePipeline(model, spec),
        raw_rows,
        promotion,
        comparison,
        DATA,
        {"input_example_rows": 30},
    )
    example = registration["input_example"]
    assert example.columns.tolist() == ["age", "income", "city", "signup"]
    assert example["age"].dtype == "float64"
    assert example["signup"].iloc[0] == "2021-01-01"
    assert example["city"].isna().any() and None in example["city"].tolist()
    assert registration["alias"] == "champion"
    assert registration["existing_version"] is None
    assert registration["tags"]["test_roc_auc"] == "0.900000"
    assert registration["tags"]["family"] == "linear"
    card = registration["model_card"]
    assert card.startswith("# Model card: linear predicting `label`")
    assert "- **Data**: customers.csv, 238 labelled rows" in card
    assert "| roc_auc | 0.9000 |" in card


def test_score_against_no_champion_scores_the_new_model_only(trained):
    model, spec, table, raw_rows = trained
    scores = score_against_champion(
        InferencePipeline(model, spec),
        None,
        raw_rows,
        table[["label"]],
        spec,
        MODELLING,
    )
    assert scores["task"] == "binary" and scores["metric"] == "roc_auc"
    assert set(scores["new"]) == {
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "roc_auc",
        "log_loss",
    }
    assert 0.5 < scores["new"]["roc_auc"] <= 1
    assert scores["champion"] is None and not scores["not_comparable"]


def scores(new, champion, metric="roc_auc", **more):
    return {
        "task": "binary",
        "metric": metric,
        "new": {metric: new},
        "champion": None if champion is None else {metric: champion},
        "champion_version": None if champion is None else "3",
        "not_comparable": "",
        **more,
    }


@pytest.mark.parametrize(
    ("new", "champion", "metric", "alias", "reason"),
    [
        (0.90, None, "roc_auc", "champion", "first model of 'churn'"),
        (0.95, 0.93, "roc_auc", "champion", "beats the champion"),
        (0.935, 0.93, "roc_auc", "challenger", "does not beat the champion by"),
        (0.90, 0.93, "roc_auc", "challenger", "worse than the champion"),
        (10.0, 12.0, "rmse", "champion", "beats the champion"),  # lower is better
        (12.0, 10.0, "rmse", "challenger", "worse than the champion"),
    ],
)
def test_promotion(new, champion, metric, alias, reason, caplog):
    decision = decide_promotion(scores(new, champion, metric), REGISTRY, DATA)
    assert decision["alias"] == alias
    assert decision["promoted"] is (alias == "champion")
    assert decision["reason"].startswith(reason)
    assert decision["reason"] in caplog.text
    assert decision["data"] == DATA["filepath"]


def test_a_champion_for_another_problem_blocks_promotion():
    decision = decide_promotion(
        scores(0.9, None, not_comparable="the champion predicts 'y'"), REGISTRY, DATA
    )
    assert decision["alias"] == "challenger"
    assert "registry.model_name" in decision["reason"]


def registered(version, pipeline):
    """A registry version as the ``current_champion`` dataset loads it."""
    return RegisteredModel(
        version, SimpleNamespace(unwrap_python_model=lambda: pipeline)
    )


def scores_of_a_refit(trained, candidate_config):
    """The scores of a model refitted with ``candidate_config`` against the trained
    one, registered as champion version 3."""
    model, spec, table, raw_rows = trained
    refitted = train_candidate(
        table.drop(columns="label"),
        table[["label"]],
        spec,
        candidate_config,
        MODELLING,
        DATA,
    )
    return score_against_champion(
        InferencePipeline(refitted, spec),
        registered("3", InferencePipeline(model, spec)),
        raw_rows,
        table[["label"]],
        spec,
        MODELLING,
    )


def test_the_champion_refitted_is_the_same_model_and_is_not_registered_again(
    trained,
):
    spec = trained[1]
    scores = scores_of_a_refit(trained, config("linear", spec))
    assert scores["same_as_champion"] and scores["champion"] == scores["new"]
    decision = decide_promotion(scores, REGISTRY, DATA)
    assert (decision["alias"], decision["register"]) == ("champion", False)
    assert decision["reason"].startswith("the same model as champion v3")


def test_another_fit_is_not_the_same_model(trained):
    spec = trained[1]
    scores = scores_of_a_refit(
        trained, config("linear", spec) | {"hyperparameters": {"C": 0.01}}
    )
    assert not scores["same_as_champion"]
    assert decide_promotion(scores, REGISTRY, DATA)["register"]
