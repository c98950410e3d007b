import pytest

from tabular_mlops.core.secrets import mask_text, mask_tree, mask_value


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "postgresql://optuna:s3cret@db:5432/tuning",
            "postgresql://optuna:***@db:5432/tuning",
        ),
        (
            "run --params tuning.storage=mysql+pymysql://u:p%40ss@h/d,x=1",
            "run --params tuning.storage=mysql+pymysql://u:***@h/d,x=1",
        ),
        ("sqlite:////tmp/tuning.db", "sqlite:////tmp/tuning.db"),
        ("http://host:5000/path", "http://host:5000/path"),
    ],
)
def test_url_passwords_are_masked(text, masked):
    assert mask_text(text) == masked


def test_parameters_named_like_secrets_are_masked_whatever_their_value():
    assert mask_value("server.api_token", "abc") == "***"
    assert mask_value("db.password", 1234) == "***"
    assert mask_value("tuning.n_trials", 20) == 20
    assert mask_value("tuning.storage", None) is None
    assert mask_tree({"a": {"secret_key": "x", "url": "s://u:p@h"}, "b": [1]}) == {
        "a": {"secret_key": "***", "url": "s://u:***@h"},
        "b": [1],
    }
