"""Registers the champion as a whole inference pipeline, behind a promotion gate."""

from .pipeline import create_gate_pipeline, create_pipeline

__all__ = ["create_gate_pipeline", "create_pipeline"]
