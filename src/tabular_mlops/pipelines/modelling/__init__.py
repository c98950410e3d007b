"""Trains one candidate per model family and selects the champion."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
