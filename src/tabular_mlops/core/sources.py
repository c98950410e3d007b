"""Example tables bundled with scikit-learn (and statsforecast's air passengers
series, for forecasting): a default data set with no download."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from sklearn import datasets as sklearn_datasets
from sklearn.utils import Bunch


def load_air_passengers(as_frame: bool = True) -> Bunch:
    """Monthly airline passengers 1949-1960 (thousands), as statsforecast ships
    them: columns ``date`` (month ends) and ``target``."""
    from statsforecast.utils import AirPassengersDF  # noqa: PLC0415 - numba: only when asked

    frame = AirPassengersDF.rename(columns={"ds": "date", "y": "target"})
    return Bunch(frame=frame[["date", "target"]])


BUNDLED_DATASETS: dict[str, Callable[..., Bunch]] = {
    "breast_cancer": sklearn_datasets.load_breast_cancer,
    "wine": sklearn_datasets.load_wine,
    "iris": sklearn_datasets.load_iris,
    "diabetes": sklearn_datasets.load_diabetes,
    "air_passengers": load_air_passengers,
}


def bundled_source(name: str) -> str:
    """Where a bundled data set comes from, as the MLflow run lists it."""
    if name == "air_passengers":
        return "statsforecast.utils.AirPassengersDF"
    return f"sklearn.datasets.load_{name}"


def load_bundled_dataset(name: str) -> pd.DataFrame:
    """Load a bundled data set with its target in a ``target`` column.

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
