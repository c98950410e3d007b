"""Example tables bundled with scikit-learn: a default data set with no download."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from sklearn import datasets as sklearn_datasets
from sklearn.utils import Bunch

BUNDLED_DATASETS: dict[str, Callable[..., Bunch]] = {
    "breast_cancer": sklearn_datasets.load_breast_cancer,
    "wine": sklearn_datasets.load_wine,
    "iris": sklearn_datasets.load_iris,
    "diabetes": sklearn_datasets.load_diabetes,
}


def load_bundled_dataset(name: str) -> pd.DataFrame:
    """Load a scikit-learn bundled data set with its target in a ``target`` column.

    Class labels are given their names (e.g. ``malignant``), as a user's table would.
    """
    bunch = BUNDLED_DATASETS[name](as_frame=True)
    table = bunch.frame
    if "target_names" in bunch:
        table["target"] = bunch.target_names[table["target"]]
    return table


def source_name(data: Mapping[str, Any]) -> str:
    """What a run was trained on, in words: the user's file, or the bundled set."""
    return data["filepath"] or f"{data['dataset']} (bundled)"
