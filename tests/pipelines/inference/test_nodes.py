import pytest

from tabular_mlops.pipelines.inference.nodes import predict


def test_scoring_without_a_registered_model_says_what_to_do(mixed_table):
    with pytest.raises(ValueError, match="kedro run --pipeline=train"):
        predict(mixed_table, None)
