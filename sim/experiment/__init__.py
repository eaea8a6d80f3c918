"""Experiments over scenarios: replications and executors (sweeps and search build on this)."""

from .runner import ReplicationResult, RunResult, SerialExecutor, make_executor, run, run_one
from .search import SearchResult, search
from .sweep import Axis, SweepResult, run_sweep, variant

__all__ = [
    "Axis", "ReplicationResult", "RunResult", "SearchResult", "SerialExecutor", "SweepResult", "make_executor", "run",
    "run_one", "run_sweep", "search", "variant",
]  # fmt: skip
