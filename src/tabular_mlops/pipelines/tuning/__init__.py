"""Searches each model family's hyper-parameters with Optuna."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
