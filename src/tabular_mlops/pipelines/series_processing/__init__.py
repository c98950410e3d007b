"""Turns a table of time series into regular series and a test window."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
