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
    "ranges": {"age": [18.0, 90.0]},
}


def test_a_table_like_the_training_one_has_no_problem():
    table = pd.DataFrame(
        {"age": ["31", 40], "city": ["Paris", None], "signup": ["2024-01-02", None]}
    )
    report = check_features(table, SPEC)
    assert report.errors == [] and report.warnings == []
    assert report.summary() == {
        "rows": 2,
        "unseen_category_rows": {},
        "out_of_range_rows": {},
    }
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
        "column 'city' has categories unseen in training in 2 rows: Nice, Rome"
    ]
    with pytest.raises(InputError, match="column 'signup' is missing") as refused:
        report.raise_for_errors()
    assert "column 'age' has values of the wrong type: old" in str(refused.value)


def test_values_outside_the_training_range_are_counted_warnings():
    table = pd.DataFrame(
        {"age": [17, 50, 120, None], "city": "Lyon", "signup": "2024-01-02"}
    )
    report = check_features(table, SPEC)
    assert report.errors == []
    assert report.out_of_range_rows == {"age": 2}
    assert report.warnings == ["column 'age' has 2 values outside the training range"]


def test_an_empty_table_cannot_be_scored():
    table = pd.DataFrame(columns=["age", "city", "signup"])
    with pytest.raises(InputError, match="the table has no rows"):
        check_features(table, SPEC).raise_for_errors()
