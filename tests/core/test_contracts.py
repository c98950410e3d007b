import pandas as pd
import pytest

from tabular_mlops.core.contracts import check_features
from tabular_mlops.core.errors import InputError

SPEC = {
    "target": "label",
    "numeric": ["age"],
    "categorical": ["city"],
    "datetime": ["signup"],
    "categories": {"city": ["Lyon", "Paris"]},
}


def test_a_table_like_the_training_one_has_no_problem():
    table = pd.DataFrame(
        {"age": ["31", 40], "city": ["Paris", None], "signup": ["2024-01-02", None]}
    )
    report = check_features(table, SPEC)
    assert report.errors == [] and report.warnings == []
    report.raise_for_errors()


def test_missing_columns_wrong_types_and_unseen_categories_are_reported():
    table = pd.DataFrame(
        {"age": [31, "old", 40], "city": ["Paris", "Nice", "Rome"], "extra": 1}
    )
    report = check_features(table, SPEC)
    assert report.missing_columns == ["signup"]
    assert report.wrong_types == {"age": ["old"]}
    assert report.unseen_categories == {"city": ["Nice", "Rome"]}
    assert report.warnings == [
        "column 'city' has categories unseen in training: Nice, Rome"
    ]
    with pytest.raises(InputError, match="column 'signup' is missing") as refused:
        report.raise_for_errors()
    assert "column 'age' has values of the wrong type: old" in str(refused.value)
