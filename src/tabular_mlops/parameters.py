"""The parameter tree, typed: checked once before any node runs.

Nodes still receive plain dictionaries (so kedro-mlflow logs them flattened); this
model only refuses bad values early, naming the key, the value and what is allowed.
The allowed values come from the code that uses them: ``ESTIMATORS``, ``SCORERS``,
``BUNDLED_DATASETS`` and the estimators' own parameter constraints. Every model family
of ``ESTIMATORS`` needs its parameter block and a search space.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from kedro.framework.hooks import hook_impl
from kedro.framework.project import pipelines
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)
from sklearn.base import BaseEstimator

from tabular_mlops.core.errors import InputError
from tabular_mlops.core.estimators import ESTIMATORS, MODEL_FAMILIES, SIZE_RULES
from tabular_mlops.core.forecasters import (
    FORECASTER_SETS,
    FORECASTING_FAMILIES,
    estimator_class,
)
from tabular_mlops.core.metrics import SCORERS
from tabular_mlops.core.secrets import mask_value
from tabular_mlops.core.sources import BUNDLED_DATASETS

if TYPE_CHECKING:  # built at run time from the code; mypy sees plain strings
    BundledDataset: TypeAlias = str
    ModelFamily: TypeAlias = str
    ForecastingFamily: TypeAlias = str
    ClassificationMetric: TypeAlias = str
    RegressionMetric: TypeAlias = str
else:
    BundledDataset = Literal[tuple(BUNDLED_DATASETS)]
    ModelFamily = Literal[tuple(ESTIMATORS)]
    ForecastingFamily = Literal[FORECASTING_FAMILIES]
    ClassificationMetric = Literal[tuple(SCORERS["binary"])]
    RegressionMetric = Literal[tuple(SCORERS["regression"])]


class Section(BaseModel):
    """A block of parameters: every key known, none missing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _only_known_keys(cls, values: Any) -> Any:
        if isinstance(values, dict):
            unknown = sorted(set(values) - set(cls.model_fields), key=str)
            if unknown:
                raise ValueError(
                    f"unknown key {', '.join(map(repr, unknown))}; "
                    f"allowed keys: {', '.join(cls.model_fields)}"
                )
        return values


class DataParameters(Section):
    # A column named by a number (data.target=10) is that column's name, as text.
    model_config = ConfigDict(coerce_numbers_to_str=True)
    dataset: BundledDataset
    filepath: str | None
    separator: str | None = Field(min_length=1, max_length=1)
    target: str = Field(min_length=1)
    task: Literal["auto", "classification", "regression", "forecasting"]
    id_unique_share: float = Field(gt=0, le=1)
    time_column: str = Field(min_length=1)
    series_column: str | None = Field(min_length=1)
    horizon: int = Field(ge=1)
    frequency: str | None = Field(min_length=1)


class SplitParameters(Section):
    test_size: float = Field(gt=0, lt=1)
    random_state: int


class ChampionMetric(Section):
    classification: ClassificationMetric
    regression: RegressionMetric


class Preprocessing(Section):
    min_category_frequency: int = Field(ge=1)


class LargeData(Section):
    min_rows: int | None = Field(ge=1)
    cv_folds: int = Field(ge=2)


class WideData(Section):
    min_columns: int | None = Field(ge=1)


class ModellingParameters(Section):
    random_state: int
    cv_folds: int = Field(ge=2)
    large_data: LargeData
    wide_data: WideData
    champion_metric: ChampionMetric
    preprocessing: Preprocessing
    use_tuned_hyperparameters: bool


class Hyperparameters(Section):
    classification: dict[str, Any]
    regression: dict[str, Any]


class Candidate(Section):
    family: ModelFamily
    hyperparameters: Hyperparameters
    large_data_hyperparameters: Hyperparameters | None = None
    wide_data_hyperparameters: Hyperparameters | None = None

    @model_validator(mode="after")
    def _estimator_accepts_hyperparameters(self) -> Candidate:
        """The estimator's own constraints: the names it accepts and, for
        scikit-learn's, their ranges (CatBoost checks its ranges when it fits)."""
        blocks = (
            "hyperparameters",
            *(f"{rule}_hyperparameters" for rule in SIZE_RULES),
        )
        for block in blocks:
            for kind, values in getattr(self, block) or ():
                estimator_class = ESTIMATORS[self.family][kind]
                allowed = inspect.signature(estimator_class).parameters
                if unknown := sorted(set(values) - set(allowed)):
                    raise ValueError(
                        f"{kind} {block}: {estimator_class.__name__} has no "
                        f"hyper-parameter {', '.join(map(repr, unknown))}; it has "
                        f"{', '.join(allowed)}"
                    )
                estimator = estimator_class(**values)
                if isinstance(estimator, BaseEstimator):
                    try:
                        estimator._validate_params()
                    except ValueError as error:
                        raise ValueError(f"{kind} {block}: {error}") from None
        return self


class CandidateBlock(Section):
    candidate: Candidate


class ForecastingParameters(Section):
    folds: int = Field(ge=1)
    champion_metric: Literal["mae", "rmse", "mape", "smape", "mase"]
    season_length: int | None = Field(ge=1)
    fill_gaps: Literal["interpolate", "forward_fill", "zero"]
    short_series: Literal["error", "drop"]
    interval_level: int = Field(gt=0, lt=100)
    random_state: int
    plotted_series: int = Field(ge=1)


class Forecaster(Section):
    family: ForecastingFamily
    hyperparameters: dict[str, Any]


class ForecasterBlock(Section):
    forecaster: Forecaster


class ReportingParameters(Section):
    permutation_repeats: int = Field(ge=1)
    permutation_max_rows: int = Field(ge=1)
    permutation_max_features: int = Field(ge=1)
    top_features: int = Field(ge=1)
    input_example_rows: int = Field(ge=1)


class TuningParameters(Section):
    n_trials: int | None = Field(ge=1)
    timeout: float | None = Field(gt=0)
    seed: int
    n_jobs: int = Field(ge=1)
    storage: str | None
    study_name: str = Field(min_length=1)
    search_spaces: dict[ModelFamily, dict[str, dict[str, Any]]]


class RegistryParameters(Section):
    model_name: str = Field(min_length=1)
    forecasting_model_name: str = Field(min_length=1)
    margin: float = Field(ge=0)


class GateThresholds(Section):
    classification: dict[ClassificationMetric, float]
    regression: dict[RegressionMetric, float]


class AllowedChange(Section):
    max_drop: float | None = Field(ge=0)
    max_relative_drop: float | None = Field(ge=0)


class GateParameters(Section):
    thresholds: GateThresholds
    baseline: AllowedChange
    champion: AllowedChange


class MonitorParameters(Section):
    filepath: str = Field(min_length=1)
    step: int | None = Field(ge=0)
    alpha: float = Field(gt=0, lt=1)
    min_distance: float = Field(ge=0)
    max_missing_increase: float = Field(ge=0)
    max_unseen_share: float = Field(ge=0)
    max_out_of_range_share: float = Field(ge=0)
    max_metric_drop: float = Field(ge=0)
    fail_on_alarm: bool
    alert_url: str | None
    reference_sample_size: int = Field(ge=10)


class InferenceOverrides(BaseModel):
    """``--params "inference.…"`` for the inference catalog entries (globals.yml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    filepath: str | None = None
    alias: str | None = None
    version: int | None = Field(default=None, ge=1)


_candidate_blocks: dict[str, Any] = {
    **dict.fromkeys(MODEL_FAMILIES, CandidateBlock),
    **dict.fromkeys(FORECASTING_FAMILIES, ForecasterBlock),
}
Parameters = create_model(
    "Parameters",
    __config__=ConfigDict(extra="allow", frozen=True),
    data=DataParameters,
    split=SplitParameters,
    modelling=ModellingParameters,
    forecasting=ForecastingParameters,
    reporting=ReportingParameters,
    tuning=TuningParameters,
    registry=RegistryParameters,
    gate=GateParameters,
    monitor=MonitorParameters,
    inference=(InferenceOverrides | None, None),
    **_candidate_blocks,
)
"""All of the project's parameters. Other top-level blocks are allowed only when a
registered pipeline reads them (see ``validate_parameters``)."""


def _describe(error: Mapping[str, Any]) -> str:
    key = ".".join(map(str, error["loc"])) or "parameters"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"{key}: missing"
    if isinstance(error.get("input"), dict):
        return f"{key}: {message}"
    return f"{key} = {mask_value(key, error['input'])!r}: {message}"


def _family_problems(params: dict[str, Any]) -> list[str]:
    """Each family's block names that family, and each model family (not the
    forecasting ones) has a search space."""
    problems = []
    for families, entry in (
        (MODEL_FAMILIES, "candidate"),
        (FORECASTING_FAMILIES, "forecaster"),
    ):
        for family in families:
            block = params.get(family)
            config = block.get(entry) if isinstance(block, dict) else None
            named = config.get("family") if isinstance(config, dict) else family
            if named != family:
                problems.append(
                    f"{family}.{entry}.family = {named!r}: must be '{family}', the "
                    "name of its block"
                )
    tuning = params.get("tuning")
    spaces = tuning.get("search_spaces") if isinstance(tuning, dict) else None
    if isinstance(spaces, dict):
        problems += [
            f"tuning.search_spaces.{family}: missing; every model family needs "
            "a search space"
            for family in MODEL_FAMILIES
            if family not in spaces
        ]
    return problems


def _forecaster_problems(params: dict[str, Any]) -> list[str]:
    """Hyper-parameter names each forecaster's model does not accept; checked for a
    forecasting run only, as it imports statsforecast, mlforecast and CatBoost."""
    data = params.get("data")
    if not isinstance(data, dict) or data.get("task") != "forecasting":
        return []
    problems = []
    for family in FORECASTING_FAMILIES:
        forecaster = params.get(family, {}).get("forecaster", {})
        model_class = estimator_class(family)
        allowed = [
            name
            for name in inspect.signature(model_class).parameters
            if name not in FORECASTER_SETS
        ]
        if unknown := sorted(
            set(forecaster.get("hyperparameters") or ()) - set(allowed)
        ):
            problems.append(
                f"{family}.forecaster.hyperparameters: {model_class.__name__} has no "
                f"hyper-parameter {', '.join(map(repr, unknown))}; it has "
                f"{', '.join(allowed)}"
            )
    return problems


def validate_parameters(params: dict[str, Any], used_blocks: Iterable[str]) -> None:
    """Raise ``InputError`` listing every bad parameter.

    Args:
        params: The run's parameters (configuration merged with ``--params``).
        used_blocks: Top-level parameter names that the registered pipelines read;
            any other top-level name not in ``Parameters`` is a misspelling.
    """
    problems = []
    try:
        Parameters.model_validate(params)
    except ValidationError as error:
        problems = [_describe(detail) for detail in error.errors()]
    problems += _family_problems(params)
    if not problems:
        problems += _forecaster_problems(params)
    allowed = set(Parameters.model_fields) | set(used_blocks)
    problems += [
        f"{key}: unknown top-level key; allowed: {', '.join(sorted(allowed))}"
        for key in sorted(set(params) - allowed)
    ]
    if problems:
        raise InputError(
            "Invalid parameters:\n"
            + "\n".join(f"  - {problem}" for problem in problems)
            + "\nFix them in conf/base/parameters_*.yml (or your conf/<env>/) or "
            "in --params."
        )


class ParameterValidationHook:
    """Refuses bad parameters before any node runs, and before kedro-mlflow opens a
    run (so no MLflow run is left behind)."""

    @hook_impl(tryfirst=True)
    def after_catalog_created(self, parameters: dict[str, Any]) -> None:
        """Reads the parameters the catalog was given (``parameters`` holds them
        all), rather than loading the configuration once more."""
        used_blocks = {
            name.removeprefix("params:").split(".")[0]
            for pipeline in pipelines.values()
            for name in pipeline.inputs()
            if name.startswith("params:")
        }
        validate_parameters(parameters["parameters"], used_blocks)
