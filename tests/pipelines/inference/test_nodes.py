import logging

import mlflow
import pandas as pd
import pytest

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.model import InferencePipeline, RegisteredModel
from tabular_mlops.pipelines.data_processing.nodes import (
    build_feature_spec,
    clean_table,
)
from tabular_mlops.pipelines.inference.nodes import check_scoring_table, predict
from tabular_mlops.pipelines.modelling.nodes import train_candidate

from ..modelling.test_nodes import DATA as MODEL_DATA
from ..modelling.test_nodes import MODELLING, config

DATA = MODEL_DATA | {"target": "label", "task": "auto"}


@pytest.fixture
def registered(mixed_table, tmp_path):
    """A registered model as the inference pipeline loads it (an MLflow pyfunc)."""
    table = clean_table(mixed_table, DATA)
    spec = build_feature_spec(table, DATA)
    features = table.drop(columns="label")
    model = train_candidate(
        features, table[["label"]], spec, config("linear", spec), MODELLING, DATA
    )
    path = tmp_path / "model"
    mlflow.pyfunc.save_model(  # requirements named: MLflow would infer them, slowly
        path, python_model=InferencePipeline(model, spec), pip_requirements=["pandas"]
    )
    return RegisteredModel("7", mlflow.pyfunc.load_model(str(path)))


@pytest.fixture
def rows(mixed_table):
    return mixed_table.drop(columns="label").head(10)


def test_a_table_like_the_training_one_is_scored(registered, rows):
    checks, metrics = check_scoring_table(rows.assign(extra="ignored"), registered)
    assert checks == {"rows": 10, "unseen_category_rows": {}, "out_of_range_rows": {}}
    assert metrics["scoring.rows"] == {"value": 10, "step": 0}
    predictions = predict(rows, registered, checks, monitoring_passed=True)
    assert len(predictions) == 10 and set(predictions["model_version"]) == {"7"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: rows.drop(columns="age"), "column 'age' is missing"),
        (
            lambda rows: rows.assign(income="a lot"),
            "column 'income' has values of the wrong type: a lot",
        ),
        (lambda rows: rows.iloc[:0], "the table has no rows"),
    ],
)
def test_a_table_the_model_cannot_score_is_refused_naming_the_column(
    registered, rows, change, message
):
    with pytest.raises(InputError, match=message):
        check_scoring_table(change(rows), registered)


def test_unseen_categories_and_out_of_range_values_are_counted_warnings(
    registered, rows, caplog
):
    changed = rows.assign(city=["Mars"] * 3 + list(rows["city"][3:]), age=200)
    with caplog.at_level(logging.WARNING):
        checks, metrics = check_scoring_table(changed, registered)
    assert checks["unseen_category_rows"] == {"city": 3}
    assert checks["out_of_range_rows"] == {"age": 10}
    assert metrics["scoring.unseen_category_rows"]["value"] == 3
    assert metrics["scoring.out_of_range_rows"]["value"] == 10
    assert "categories unseen in training in 3 rows: Mars" in caplog.text
    assert isinstance(
        predict(changed, registered, checks, monitoring_passed=True), pd.DataFrame
    )
