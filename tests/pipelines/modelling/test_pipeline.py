import numpy as np
import pandas as pd
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from kedro_datasets.pandas import CSVDataset
from sklearn.datasets import make_classification

from tabular_mlops.core.estimators import MODEL_FAMILIES
from tabular_mlops.pipelines.modelling import create_pipeline

from .test_nodes import DATA, HYPERPARAMETERS, MODELLING, small_spec


def test_pipeline_trains_every_family_and_picks_a_champion(tmp_path):
    features, labels = make_classification(n_samples=150, n_features=4, random_state=0)
    X = pd.DataFrame(features, columns=list("abcd"))
    y = pd.DataFrame({"y": np.where(labels, "yes", "no")})
    catalog = DataCatalog(
        {
            "X_train": MemoryDataset(X.iloc[:100]),
            "y_train": MemoryDataset(y.iloc[:100]),
            "X_test": MemoryDataset(X.iloc[100:]),
            "y_test": MemoryDataset(y.iloc[100:]),
            "feature_spec": MemoryDataset(small_spec("binary", target="y")),
            "tuned_hyperparameters": MemoryDataset({}),
            "candidate_comparison": CSVDataset(
                filepath=str(tmp_path / "comparison.csv")
            ),
            "params:modelling": MemoryDataset(MODELLING),
            "params:data": MemoryDataset(DATA),
            **{
                f"params:{family}.candidate": MemoryDataset(
                    {"family": family, "hyperparameters": HYPERPARAMETERS[family]}
                )
                for family in MODEL_FAMILIES
            },
        }
    )
    outputs = SequentialRunner().run(create_pipeline(), catalog)

    comparison = catalog.load("candidate_comparison")
    assert sorted(comparison["family"]) == sorted(MODEL_FAMILIES)
    champion = outputs["champion_model"].load()
    assert type(champion[-1]).__name__.startswith(
        {
            "linear": "Logistic",
            "random_forest": "RandomForest",
            "hist_gradient_boosting": "HistGradient",
            "catboost": "CatBoost",
        }[comparison["family"].iloc[0]]
    )
    assert champion.score(X.iloc[100:], y["y"].iloc[100:]) > 0.8
