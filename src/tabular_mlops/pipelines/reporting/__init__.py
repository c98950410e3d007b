"""Predictions, diagnostics and tracked artefacts for the champion; the run's report."""

from .pipeline import create_pipeline, create_report_pipeline

__all__ = ["create_pipeline", "create_report_pipeline"]
