"""Experiments over scenarios: replications and executors (sweeps and search build on this)."""

from .runner import ReplicationResult, RunResult, SerialExecutor, make_executor, run, run_one

__all__ = ["ReplicationResult", "RunResult", "SerialExecutor", "make_executor", "run", "run_one"]
