"""tabular-mlops"""

__version__ = "0.1"
