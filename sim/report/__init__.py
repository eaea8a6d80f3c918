"""The drill report: figures and documents from a saved results folder. It never runs the model."""

from .build import Report, build_report
from .data import Results, ResultsError, load_results

__all__ = ["Report", "Results", "ResultsError", "build_report", "load_results"]
