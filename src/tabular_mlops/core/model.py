"""The model that gets registered: source-table rows in, predictions out, with the
code it needs shipped inside it."""

from __future__ import annotations

import shutil
import sys
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
from mlflow.pyfunc import PythonModel
from sklearn.pipeline import Pipeline

import tabular_mlops
from tabular_mlops.core.features import FeatureSpec, feature_columns
from tabular_mlops.core.metrics import predict_with_probabilities


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

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict | None = None
    ) -> pd.DataFrame:
        """``predicted`` (and ``proba_<class>``) per row of ``model_input``."""
        return predict_with_probabilities(
            self.model, model_input, self.feature_spec["task"]
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


def estimator_requirements(model: Any) -> list[str]:
    """Pins of the packages beyond scikit-learn that the estimator's classes (a
    pipeline's last step) come from, e.g. CatBoost's for the ``catboost`` family, at
    the versions that trained it: a logged model asks for them only when it needs
    them."""
    estimator = model[-1] if isinstance(model, Pipeline) else model
    packages = {cls.__module__.partition(".")[0] for cls in type(estimator).__mro__}
    packages -= {*sys.stdlib_module_names, "sklearn", tabular_mlops.__name__}
    return [f"{package}=={metadata.version(package)}" for package in sorted(packages)]


def with_estimator_requirements(
    save_args: dict[str, Any], model: Any
) -> dict[str, Any]:
    """``save_args`` whose configured ``pip_requirements`` (if any: else MLflow infers
    them) also pin what the model's estimator needs beyond scikit-learn."""
    if "pip_requirements" not in save_args:
        return save_args
    return save_args | {
        "pip_requirements": [
            *save_args["pip_requirements"],
            *estimator_requirements(model),
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
    scores = "\n".join(
        f"| {name} | {value:.4f} |" for name, value in sorted(metrics.items())
    )
    return (
        f"# Model card: {family} predicting `{feature_spec['target']}`\n\n"
        f"- **Task**: {task}{classes}\n"
        f"- **Data**: {data_name}, {feature_spec['rows']} labelled rows\n"
        f"- **Inputs** (source-table columns): {inputs}\n"
        f"- **Ignored columns**: {dropped or 'none'}\n\n"
        "## Held-out metrics\n\n| metric | value |\n|---|---|\n"
        f"{scores}\n\n"
        "## Use\n\n"
        "Send rows in the source table's columns (extra columns are ignored); the "
        "model returns `predicted` and, for classification, `proba_<class>`. It is a "
        "pickle: load it only from a registry you trust.\n"
    )
