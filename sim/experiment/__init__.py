"""Experiments over scenarios: replications and executors (sweeps and search build on this)."""

from .executors import open_executor
from .runner import ReplicationResult, RunResult, SerialExecutor, run, run_one
from .search import SearchResult, search
from .sweep import Axis, SweepResult, run_sweep, variant

__all__ = [
    "Axis", "ReplicationResult", "RunResult", "SearchResult", "SerialExecutor", "SweepResult", "open_executor", "run",
    "run_one", "run_sweep", "search", "variant",
]  # fmt: skip
