"""The model that gets registered: source-table rows in, predictions out, with the
code it needs shipped inside it."""

from __future__ import annotations

import shutil
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
from mlflow.models import ModelSignature
from mlflow.pyfunc import PythonModel
from mlflow.types import ColSpec, Schema
from sklearn.pipeline import Pipeline

import tabular_mlops
from tabular_mlops.core.features import FeatureSpec, feature_columns
from tabular_mlops.core.forecasters import Forecaster
from tabular_mlops.core.metrics import predict_with_probabilities
from tabular_mlops.core.series import SERIES_ID, TIME, VALUE, SeriesSpec


class InferencePipeline(PythonModel):
    """The registered model: rows in the source table's format in, predictions out.

    ``model`` is the fitted candidate ``Pipeline``, which builds its own features;
    this wrapper only adds the output format: ``predicted`` and, for classification,
    ``proba_<class>``. ``feature_spec`` is the run's spec with the columns the model
    learnt to read: it serves the scoring contract and the champion comparison.
    ``reference_profile`` describes the training rows, the held-out predictions and
    metrics (``core.monitoring``): what monitoring compares a batch with.
    """

    def __init__(
        self,
        model: Pipeline,
        feature_spec: FeatureSpec,
        reference_profile: dict[str, Any] | None = None,
    ) -> None:
        self.model = model
        self.feature_spec: FeatureSpec = {
            **feature_spec,
            **model.named_steps["features"].spec_,
        }
        self.reference_profile = reference_profile

    @property
    def estimators(self) -> tuple[Any, ...]:
        """What the model unpickles beyond the project: the fitted estimator."""
        return (self.model[-1],)

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict | None = None
    ) -> pd.DataFrame:
        """``predicted`` (and ``proba_<class>``) per row of ``model_input``."""
        return predict_with_probabilities(
            self.model, model_input, self.feature_spec["task"]
        )


class ForecastModel(PythonModel):
    """The registered forecaster: the champion family refitted on every series'
    whole history. A request with rows of ``unique_id``, ``ds`` and ``y`` (a series'
    recent history) gets the ``horizon`` steps after each series' last ``ds``; rows
    with a ``unique_id`` only get those after the history it was fitted on. Out:
    ``unique_id``, ``ds``, ``forecast`` and, where the model gives one, the interval
    ``lo`` / ``hi``.

    ``feature_spec`` is the run's series spec (target, frequency, horizon, series):
    what the champion comparison checks before scoring a registered forecaster.
    """

    def __init__(self, model: Forecaster, series_spec: SeriesSpec) -> None:
        self.model = model
        self.feature_spec = series_spec
        self.reference_profile = None

    @property
    def estimators(self) -> tuple[Any, ...]:
        return self.model.estimators

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict | None = None
    ) -> pd.DataFrame:
        """The forecast per requested series (see the class docstring)."""
        has_history = VALUE in model_input and model_input[VALUE].notna().any()
        if has_history:
            missing = [c for c in self.model.used_exogenous if c not in model_input]
            if missing:
                raise ValueError(
                    f"Send the history's {', '.join(missing)} too: the model reads "
                    "their past values."
                )
            lengths = model_input.dropna(subset=[VALUE]).groupby(SERIES_ID).size()
            if (short := lengths[lengths < self.feature_spec["min_history"]]).any():
                raise ValueError(
                    f"Send at least {self.feature_spec['min_history']} steps of each "
                    f"series' history (got {short.to_dict()}), or only unique_id to "
                    "forecast after the history the model was fitted on."
                )
            history = model_input.dropna(subset=[VALUE]).assign(
                **{
                    SERIES_ID: lambda rows: rows[SERIES_ID].astype("string"),
                    TIME: lambda rows: pd.to_datetime(rows[TIME]),
                }
            )
            return self.model.forecast(history.sort_values([SERIES_ID, TIME]))
        forecast = self.model.forecast()
        wanted = model_input[SERIES_ID].astype("string").unique()
        return forecast[forecast[SERIES_ID].isin(wanted)].reset_index(drop=True)


def forecast_signature(exogenous: list[str]) -> ModelSignature:
    """A forecaster's request: ``unique_id``, and optionally a recent history
    (``ds`` as ISO text, ``y`` and the ``exogenous`` columns)."""
    return ModelSignature(
        inputs=Schema(
            [
                ColSpec("string", SERIES_ID),
                ColSpec("string", TIME, required=False),
                ColSpec("double", VALUE, required=False),
                *(ColSpec("double", name, required=False) for name in exogenous),
            ]
        )
    )


class RegisteredModel(NamedTuple):
    """A model version loaded from the MLflow Model Registry, and its number."""

    version: str
    model: Any  # an mlflow.pyfunc.PyFuncModel


def input_example(
    rows: pd.DataFrame, feature_spec: FeatureSpec, size: int
) -> pd.DataFrame:
    """The first ``size`` rows of the model's input columns, typed as JSON sends
    them (numbers as float, as they may have gaps; the rest as text): MLflow infers
    the model's signature, the training schema, from it."""
    example = rows[feature_columns(feature_spec)].head(size)
    numeric = feature_spec["numeric"]
    text = example.drop(columns=numeric).astype("string").astype(object)
    return pd.concat(
        [example[numeric].astype("float64"), text.where(text.notna(), None)], axis=1
    )


def estimator_requirements(*estimators: Any) -> list[str]:
    """Pins of the packages beyond scikit-learn that the estimators' classes (a
    pipeline's last step) come from, e.g. CatBoost's for the ``catboost`` family, at
    the versions that trained them: a logged model asks for them only when it needs
    them."""
    packages = {
        cls.__module__.partition(".")[0]
        for estimator in estimators
        for cls in type(
            estimator[-1] if isinstance(estimator, Pipeline) else estimator
        ).__mro__
    }
    packages -= {*sys.stdlib_module_names, "sklearn", tabular_mlops.__name__}
    return [f"{package}=={metadata.version(package)}" for package in sorted(packages)]


def with_estimator_requirements(
    save_args: dict[str, Any], *estimators: Any
) -> dict[str, Any]:
    """``save_args`` whose configured ``pip_requirements`` (if any: else MLflow infers
    them) also pin what the model's estimators need beyond scikit-learn."""
    if "pip_requirements" not in save_args:
        return save_args
    return save_args | {
        "pip_requirements": [
            *save_args["pip_requirements"],
            *estimator_requirements(*estimators),
        ]
    }


def stage_model_code(folder: Path) -> Path:
    """A copy of the code a registered model unpickles (the package's ``__init__``
    and ``core``, which imports no Kedro) in ``folder``, for MLflow's ``code_paths``:
    the model then loads where the project is not installed."""
    package = Path(tabular_mlops.__file__).parent
    staged = folder / package.name
    shutil.copytree(
        package / "core",
        staged / "core",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(package / "__init__.py", staged / "__init__.py")
    return staged


def _metrics_table(metrics: dict[str, float]) -> str:
    """``metrics`` as a Markdown table, by name."""
    rows = "\n".join(
        f"| {name} | {value:.4f} |" for name, value in sorted(metrics.items())
    )
    return f"| metric | value |\n|---|---|\n{rows}"


def model_card(
    feature_spec: FeatureSpec, family: str, metrics: dict[str, float], data_name: str
) -> str:
    """A page a person reads without MLflow: what the model predicts, from what and
    how well on the held-out rows (the registry adds where it came from)."""
    task = feature_spec["task"]
    classes = (
        f" (classes: {', '.join(feature_spec['classes'])})"
        if "classes" in feature_spec
        else ""
    )
    inputs = ", ".join(feature_columns(feature_spec))
    dropped = "; ".join(
        f"`{column}` ({reason})" for column, reason in feature_spec["dropped"].items()
    )
    return (
        f"# Model card: {family} predicting `{feature_spec['target']}`\n\n"
        f"- **Task**: {task}{classes}\n"
        f"- **Data**: {data_name}, {feature_spec['rows']} labelled rows\n"
        f"- **Inputs** (source-table columns): {inputs}\n"
        f"- **Ignored columns**: {dropped or 'none'}\n\n"
        f"## Held-out metrics\n\n{_metrics_table(metrics)}\n\n"
        "## Use\n\n"
        "Send rows in the source table's columns (extra columns are ignored); the "
        "model returns `predicted` and, for classification, `proba_<class>`. It is a "
        "pickle: load it only from a registry you trust.\n"
    )


def forecast_model_card(
    series_spec: SeriesSpec, family: str, metrics: dict[str, float], data_name: str
) -> str:
    """The forecaster's page for a person without MLflow: what it forecasts, how
    far ahead and how well on the test window."""
    series = series_spec["series"]
    named = ", ".join(series[:10]) + (
        f" and {len(series) - 10} more" if len(series) > 10 else ""
    )
    return (
        f"# Model card: {family} forecasting `{series_spec['target']}`\n\n"
        f"- **Task**: forecasting {series_spec['horizon']} steps of "
        f"{series_spec['frequency']} (season of {series_spec['season_length']} steps)\n"
        f"- **Data**: {data_name}, {len(series)} series ({named}), "
        f"{series_spec['rows']} time steps; refitted on all of them\n"
        f"- **Exogenous columns** (lag models read them {series_spec['horizon']} "
        f"steps later): {', '.join(series_spec['exogenous']) or 'none'}\n\n"
        "## Test-window errors (fitted before the last horizon steps)\n\n"
        f"{_metrics_table(metrics)}\n\n"
        "## Use\n\n"
        "Send rows of `unique_id` (the series) to get the steps after the history "
        "it was fitted on, or rows of `unique_id`, `ds` and `y` (a recent history) "
        "to get the steps after it. It returns `unique_id`, `ds`, `forecast` and, "
        "where the model gives one, the interval `lo` / `hi`. It is a pickle: load it "
        "only from a registry you trust.\n"
    )
