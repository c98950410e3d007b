import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression


@pytest.fixture
def fitted():
    """A fitted binary classifier with its features, labels and feature spec."""
    features, labels = make_classification(
        n_samples=120, n_features=4, n_informative=2, random_state=0
    )
    X = pd.DataFrame(features, columns=list("abcd"))
    y = pd.DataFrame({"y": np.where(labels, "pos", "neg")})
    model = LogisticRegression().fit(X, y["y"])
    return model, X, y, {"target": "y", "task": "binary"}
