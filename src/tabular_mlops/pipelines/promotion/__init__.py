"""Registers the champion as a whole inference pipeline, as champion or challenger."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
