"""Turns the source table into typed, cleaned, split model input."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
