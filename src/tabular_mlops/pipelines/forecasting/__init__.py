"""Backtests one forecaster per family, registers the champion, forecasts with it."""

from .pipeline import (
    create_inference_pipeline,
    create_pipeline,
    create_registration_pipeline,
    create_report_pipeline,
)

__all__ = [
    "create_inference_pipeline",
    "create_pipeline",
    "create_registration_pipeline",
    "create_report_pipeline",
]
