"""Experiments over scenarios: replications and executors (sweeps and search build on this)."""

from .executors import open_executor
from .plan import plan_variant, variant
from .runner import ReplicationResult, RunResult, SerialExecutor, run, run_one
from .search import SearchResult, search
from .sweep import Axis, SweepResult, run_sweep

__all__ = [
    "Axis", "ReplicationResult", "RunResult", "SearchResult", "SerialExecutor", "SweepResult", "open_executor", "plan_variant", "run",
    "run_one", "run_sweep", "search", "variant",
]  # fmt: skip
