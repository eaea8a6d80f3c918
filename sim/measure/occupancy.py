"""Zone occupancy from records: every zone is a set of [in, out) intervals.

An interval with no end (still there when the replication stopped) lasts to the horizon.
"""

from __future__ import annotations

import numpy as np


def union_length(start: np.ndarray, end: np.ndarray) -> float:
    """Total length of the union of the intervals [start, end): each adds only what reaches past the ends
    of those that began before it."""
    if not len(start):
        return 0.0
    order = np.argsort(start)
    a, b = start[order], np.maximum.accumulate(end[order])
    previous_end = np.r_[-np.inf, b[:-1]]
    return float(np.sum(np.clip(b - np.maximum(a, previous_end), 0.0, None)))


def intervals(start: np.ndarray, end: np.ndarray, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """The intervals that began, with missing ends set to the horizon."""
    began = ~np.isnan(start)
    s, e = start[began], end[began]
    return s, np.where(np.isnan(e), horizon, e)


def peak(start: np.ndarray, end: np.ndarray) -> int:
    """Largest number present at once (an exit at the same instant as an entry goes first)."""
    if len(start) == 0:
        return 0
    times = np.concatenate([end, start])
    steps = np.concatenate([-np.ones(len(end), dtype=np.int64), np.ones(len(start), dtype=np.int64)])
    order = np.lexsort((steps, times))
    return int(np.cumsum(steps[order]).max())


def level_at(start: np.ndarray, end: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Number present at each grid time: entered at or before it, not yet left."""
    return np.searchsorted(np.sort(start), grid, side="right") - np.searchsorted(np.sort(end), grid, side="right")


def time_average(start: np.ndarray, end: np.ndarray, t0: float, t1: float) -> float:
    """Time-average number present over [t0, t1]."""
    if t1 <= t0:
        return 0.0
    overlap = np.clip(np.minimum(end, t1) - np.maximum(start, t0), 0.0, None)
    return float(overlap.sum() / (t1 - t0))
