import pytest

from tabular_mlops.core.errors import InputError
from tabular_mlops.pipelines.inference.nodes import predict


def test_scoring_without_a_registered_model_says_what_to_do(mixed_table):
    with pytest.raises(InputError, match="kedro run --pipelines=train"):
        predict(mixed_table, None)
