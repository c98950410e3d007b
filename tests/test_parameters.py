import copy

import pytest
from kedro.config import OmegaConfigLoader

from tabular_mlops.core.errors import InputError
from tabular_mlops.parameters import validate_parameters
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def base_parameters():
    loader = OmegaConfigLoader(
        str(REPO_ROOT / "conf"), base_env="base", default_run_env="local"
    )
    return loader["parameters"]


def changed(parameters, key, value):
    """A copy of ``parameters`` with the dotted ``key`` set to ``value``."""
    parameters = copy.deepcopy(parameters)
    *parents, leaf = key.split(".")
    block = parameters
    for parent in parents:
        block = block.setdefault(parent, {})
    block[leaf] = value
    return parameters


def test_the_shipped_parameters_are_valid(base_parameters):
    validate_parameters(base_parameters, used_blocks=[])


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("data.dataset", "titanic", "data.dataset = 'titanic': .*'breast_cancer'"),
        ("data.task", "clustering", "data.task = 'clustering': .*'regression'"),
        ("split.test_size", 0, "split.test_size = 0: Input should be greater than 0"),
        ("split.test_size", 1.5, "split.test_size = 1.5: Input should be less than 1"),
        ("split.tset_size", 0.3, "split: unknown key 'tset_size'; .*test_size"),
        (
            "modelling.cv_folds",
            1,
            "modelling.cv_folds = 1: .*greater than or equal to 2",
        ),
        (
            "modelling.champion_metric.regression",
            "mse",
            "champion_metric.regression = 'mse': Input should be 'rmse', 'mae' or 'r2'",
        ),
        (
            "linear.candidate.family",
            "svm",
            "linear.candidate.family = 'svm': .*'random_forest'",
        ),
        (
            "hist_gradient_boosting.candidate.hyperparameters.regression.learning_rate",
            -1,
            "regression hyperparameters: The 'learning_rate' parameter of "
            "HistGradientBoostingRegressor must be a float in the range",
        ),
        (
            "linear.candidate.hyperparameters.classification.CC",
            1,
            "LogisticRegression has no hyper-parameter 'CC'; it has penalty, C, ",
        ),
        (
            "random_forest.candidate.large_data_hyperparameters.regression.max_samples",
            0,
            "regression large_data_hyperparameters: The 'max_samples' parameter",
        ),
        (
            "hist_gradient_boosting.candidate.wide_data_hyperparameters.regression"
            ".max_features",
            2.0,
            "regression wide_data_hyperparameters: The 'max_features' parameter",
        ),
        ("modelling.wide_data.min_columns", 0, "min_columns = 0: .*or equal to 1"),
        (
            "modelling.large_data.cv_folds",
            1,
            "large_data.cv_folds = 1: .*or equal to 2",
        ),
        (
            "gate.thresholds.classification.auc",
            0.9,
            "classification.auc.\\[key\\] = .auc.: Input should be .accuracy",
        ),
        (
            "gate.champion.max_drop",
            -0.1,
            "gate.champion.max_drop = -0.1: .*or equal to 0",
        ),
        ("reporting.top_features", "many", "reporting.top_features = 'many'"),
        (
            "modeling.cv_folds",
            3,
            "modeling: unknown top-level key; allowed: .*catboost, data, .*modelling",
        ),
    ],
)
def test_bad_values_are_refused_with_key_value_and_allowed(
    base_parameters, key, value, message
):
    with pytest.raises(InputError, match=message):
        validate_parameters(changed(base_parameters, key, value), used_blocks=[])


def test_every_problem_is_listed_at_once(base_parameters):
    parameters = changed(base_parameters, "split.test_size", 2)
    parameters = changed(parameters, "data.dataset", "titanic")
    with pytest.raises(InputError) as refused:
        validate_parameters(parameters, used_blocks=[])
    assert "split.test_size" in str(refused.value)
    assert "data.dataset" in str(refused.value)


def test_blocks_read_by_other_pipelines_are_allowed(base_parameters):
    parameters = base_parameters | {"scoring": {"batch_size": 10}}
    validate_parameters(parameters, used_blocks=["scoring"])
    with pytest.raises(InputError, match="scoring: unknown top-level key"):
        validate_parameters(parameters, used_blocks=[])


def test_inference_overrides_are_checked(base_parameters):
    validate_parameters(base_parameters | {"inference": {"alias": "challenger"}}, [])
    with pytest.raises(InputError, match="inference.alais"):
        validate_parameters(base_parameters | {"inference": {"alais": "x"}}, [])
