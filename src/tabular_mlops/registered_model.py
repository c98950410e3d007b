"""A model version loaded from the MLflow Model Registry.

Its own light module: node modules that annotate with it are imported wherever the
registered model is unpickled, and must not pull in Kedro's datasets there.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class RegisteredModel(NamedTuple):
    """A loaded registered model and its version number."""

    version: str
    model: Any  # an mlflow.pyfunc.PyFuncModel
