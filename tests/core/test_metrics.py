import logging

import pytest

from tabular_mlops.core.metrics import cv_folds_for, rank_candidates

LARGE_DATA = {"min_rows": 100_000, "cv_folds": 2}


@pytest.mark.parametrize(
    ("rows", "large_data", "folds"),
    [
        (99_999, LARGE_DATA, 5),
        (100_000, LARGE_DATA, 2),
        (10_000_000, LARGE_DATA | {"min_rows": None}, 5),
    ],
)
def test_large_tables_are_cross_validated_with_the_large_data_folds(
    rows, large_data, folds
):
    assert cv_folds_for(rows, 5, large_data) == folds


def test_the_log_says_why_a_large_table_gets_fewer_folds(caplog):
    with caplog.at_level(logging.INFO):
        cv_folds_for(400_000, 5, LARGE_DATA)
    assert (
        "400000 labelled rows, at least modelling.large_data.min_rows=100000: "
        "2-fold cross-validation (modelling.large_data.cv_folds) instead of 5."
    ) in caplog.text


def test_the_comparison_holds_scores_to_six_decimals():
    comparison = rank_candidates(
        {"linear": {"cv_rmse": 1.0123456789, "test_rmse": 2 / 3}}, "rmse"
    )
    assert comparison.loc[0, ["cv_rmse", "test_rmse"]].tolist() == [1.012346, 0.666667]
