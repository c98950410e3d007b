"""Project pipelines: the stages, ``train`` (which runs them all), ``tune``,
``gate`` and ``inference``."""

from __future__ import annotations

from kedro.pipeline import Pipeline

from tabular_mlops.pipelines import (
    data_processing,
    inference,
    modelling,
    registry,
    reporting,
    tuning,
)
from tabular_mlops.pipelines.modelling.pipeline import MODEL_FAMILIES


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    stages = {
        "data_processing": data_processing.create_pipeline(),
        "modelling": modelling.create_pipeline(),
        "reporting": reporting.create_pipeline(),
        "registry": registry.create_pipeline(),
    }
    train = sum(stages.values(), Pipeline([]))
    # One model family, not registered: e.g. `kedro run --pipelines=train_linear`.
    single_family = {
        f"train_{family}": stages["data_processing"]
        + modelling.create_pipeline(families=[family])
        + stages["reporting"]
        for family in MODEL_FAMILIES
    }
    return {
        **stages,
        "train": train,
        "__default__": train,
        **single_family,
        "tune": stages["data_processing"] + tuning.create_pipeline(),
        "gate": registry.create_gate_pipeline(),
        "inference": inference.create_pipeline(),
    }
