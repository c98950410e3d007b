import numpy as np
import pandas as pd
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from sklearn.datasets import make_classification

from tabular_mlops.core.estimators import MODEL_FAMILIES
from tabular_mlops.pipelines.tuning import create_pipeline

from ..modelling.test_nodes import DATA, MODELLING, candidate, small_spec
from .test_nodes import LINEAR_SPACE, TUNING

SEARCH_SPACES = {
    "linear": LINEAR_SPACE,
    "random_forest": {
        "classification": {"max_depth": {"type": "int", "low": 2, "high": 4}}
    },
    "hist_gradient_boosting": {
        "classification": {
            "learning_rate": {"type": "float", "low": 0.05, "high": 0.3, "log": True}
        }
    },
    "catboost": {"classification": {"depth": {"type": "int", "low": 2, "high": 4}}},
}


def test_pipeline_tunes_every_family(tmp_path):
    features, labels = make_classification(n_samples=100, n_features=4, random_state=0)
    tuning = TUNING | {"n_trials": 2, "search_spaces": SEARCH_SPACES}
    catalog = DataCatalog(
        {
            "X_train": MemoryDataset(pd.DataFrame(features, columns=list("abcd"))),
            "y_train": MemoryDataset(pd.DataFrame({"y": np.where(labels, "a", "b")})),
            "feature_spec": MemoryDataset(small_spec("binary", target="y")),
            "params:modelling": MemoryDataset(MODELLING),
            "params:tuning": MemoryDataset(tuning),
            "params:data": MemoryDataset(DATA),
            **{
                f"params:tuning.search_spaces.{family}": MemoryDataset(
                    SEARCH_SPACES[family]
                )
                for family in MODEL_FAMILIES
            },
            **{
                f"params:{family}.candidate": MemoryDataset(candidate(family))
                for family in MODEL_FAMILIES
            },
        }
    )
    outputs = SequentialRunner().run(create_pipeline(), catalog)

    tuned = outputs["tuned_hyperparameters"].load()
    assert set(tuned) == set(MODEL_FAMILIES)
    assert (
        2
        <= tuned["random_forest"]["hyperparameters"]["classification"]["max_depth"]
        <= 4
    )
    for family in MODEL_FAMILIES:
        assert len(outputs[f"{family}.tuning_trials"].load()) == 2
