"""The quality gate of the last trained model, and its committed baseline."""

from .pipeline import create_baseline_pipeline, create_pipeline

__all__ = ["create_baseline_pipeline", "create_pipeline"]
