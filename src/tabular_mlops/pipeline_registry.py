"""Project pipelines: the three stages and ``train``, which runs them all."""

from __future__ import annotations

from kedro.pipeline import Pipeline

from tabular_mlops.pipelines import data_processing, modelling, reporting


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    stages = {
        "data_processing": data_processing.create_pipeline(),
        "modelling": modelling.create_pipeline(),
        "reporting": reporting.create_pipeline(),
    }
    train = sum(stages.values(), Pipeline([]))
    return {**stages, "train": train, "__default__": train}
