"""Monitoring: a batch the model scores against the model's reference profile."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
