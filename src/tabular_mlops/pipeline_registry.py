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
    return {
        **stages,
        "train": train,
        "__default__": train,
        "tune": stages["data_processing"] + tuning.create_pipeline(),
        "gate": registry.create_gate_pipeline(),
        "inference": inference.create_pipeline(),
    }
