import logging

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression

from tabular_mlops.core import reports


@pytest.fixture
def wide():
    """A fitted classifier on 12 columns, 3 of them informative."""
    features, labels = make_classification(
        n_samples=150, n_features=12, n_informative=3, shuffle=False, random_state=0
    )
    X = pd.DataFrame(features, columns=[f"c{i}" for i in range(12)])
    y = pd.Series(np.where(labels, "pos", "neg"))
    return LogisticRegression().fit(X, y), X, y


def importance(model, X, y, **limits):
    arguments = {"max_rows": 1000, "max_features": 1000} | limits
    return reports.feature_importance(
        model, X, y, "binary", "roc_auc", repeats=3, random_state=0, **arguments
    )


def test_shuffling_a_few_columns_at_a_time_gives_scikit_learns_importances(
    wide, monkeypatch, caplog
):
    model, X, y = wide
    monkeypatch.setattr(reports, "PROGRESS_EVERY", 5)
    with caplog.at_level(logging.INFO, logger=reports.__name__):
        stepwise = importance(model, X, y).set_index("feature")
    expected = permutation_importance(
        model, X, y, scoring="roc_auc", n_repeats=3, random_state=0
    )
    np.testing.assert_allclose(
        stepwise.loc[X.columns, "importance_mean"], expected.importances_mean
    )
    progress = [r.getMessage() for r in caplog.records if "columns" in r.getMessage()]
    assert progress == [
        "Permutation importance: 3 shuffles of each of 12 columns on 150 test rows.",
        "Permutation importance: 5/12 columns",
        "Permutation importance: 10/12 columns",
        "Permutation importance: 12/12 columns",
    ]


def test_a_wide_table_is_scored_on_a_random_subset_of_columns_it_names(wide, caplog):
    model, X, y = wide
    with caplog.at_level(logging.INFO, logger=reports.__name__):
        subset = importance(model, X, y, max_features=4, max_rows=100)
    assert len(subset) == 4
    assert set(subset["feature"]) < set(X.columns)
    assert "4 of the 12 input columns, drawn at random" in caplog.text
    assert subset.equals(importance(model, X, y, max_features=4, max_rows=100))
