"""Across replications: mean, std, min, max and a 95% t-interval per KPI."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Student-t interval for the mean; (mean, mean) when every value is the same, NaN if n < 2."""
    n = len(values)
    mean = float(np.mean(values))
    if n < 2:
        return math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * np.std(values, ddof=1) / math.sqrt(n))
    return mean - half, mean + half


def describe(values: np.ndarray) -> dict[str, float | None]:
    """The summary.json entry of one KPI (JSON has no NaN: an undefined interval is null)."""
    values = np.asarray(values, dtype=float)
    low, high = t_interval(values)
    out = {
        "mean": float(np.mean(values)),
        "ci_low": low,
        "ci_high": high,
        "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
        "min": float(np.min(values)),
        "max": float(np.max(values)),
    }
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in out.items()}
