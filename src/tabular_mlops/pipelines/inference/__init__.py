"""Scores a table with a registered model."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
