"""Predictions, diagnostics and tracked artefacts for the champion."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
