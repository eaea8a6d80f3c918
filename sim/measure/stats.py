"""Across replications: mean, std, min, max and a 95% interval per KPI that stays inside what is possible.

The interval is Student's t where it fits. Where the t-interval would leave the range a KPI can take
(a count below 0, a share above 1: typical of rare events and skewed measures), it is replaced by an
exact Poisson (Garwood) interval for counts that look Poisson (variance at most twice the mean), and
otherwise by a percentile bootstrap of the mean (fixed seed), which stays within the values seen.
A KPI with no value in a replication (NaN: no positive case, nobody swabbed) is left out there, and
the summary says in how many replications it was defined (``n``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .catalogue import KpiSpec, spec_of

BOOTSTRAP_RESAMPLES = 4000


def _t_quantile(p: float, df: int) -> float:
    from scipy import stats  # scipy loads only when a summary is made, not when the CLI starts

    return float(stats.t.ppf(p, df))


def t_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Student-t interval for the mean; (mean, mean) when every value is the same, NaN if n < 2."""
    n = len(values)
    if n < 2:
        return math.nan, math.nan
    mean = float(np.mean(values))
    half = _t_quantile(0.5 + level / 2, n - 1) * float(np.std(values, ddof=1)) / math.sqrt(n)
    return mean - half, mean + half


def poisson_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for the mean count per replication, from the total over n replications."""
    from scipy import stats

    n, total = len(values), float(np.sum(values))
    alpha = 1 - level
    low = stats.chi2.ppf(alpha / 2, 2 * total) / 2 if total > 0 else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * total + 2) / 2
    return float(low) / n, float(high) / n


def bootstrap_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (fixed seed: the same numbers every time)."""
    rng = np.random.default_rng(0)
    means = rng.choice(values, size=(BOOTSTRAP_RESAMPLES, len(values)), replace=True).mean(axis=1)
    alpha = 1 - level
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def _inside(low: float, high: float, spec: KpiSpec | None) -> bool:
    if spec is None:
        return True
    tol = 1e-9
    return not (
        (spec.lower is not None and low < spec.lower - tol) or (spec.upper is not None and high > spec.upper + tol)
    )


def interval(values: np.ndarray, spec: KpiSpec | None = None, level: float = 0.95) -> tuple[float, float, str | None]:
    """(low, high, method) of a KPI's mean over its defined values; method 't', 'poisson' or 'bootstrap'."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return math.nan, math.nan, None
    low, high = t_interval(values, level)
    if _inside(low, high, spec):
        return low, high, "t"
    assert spec is not None
    mean = float(np.mean(values))
    poisson_like = float(np.var(values, ddof=1)) <= 2 * max(mean, 1e-12)
    if spec.kind == "count" and np.all(values == np.round(values)) and poisson_like:
        low, high = poisson_interval(values, level)
        return low, high, "poisson"
    low, high = bootstrap_interval(values, level)
    return low, high, "bootstrap"


def describe(values: np.ndarray, name: str | None = None) -> dict[str, Any]:
    """The summary.json entry of one KPI (JSON has no NaN: an undefined value is null).

    `n` is the number of replications in which the KPI had a value; `interval` how the 95% interval
    was made (see the module docstring).
    """
    values = np.asarray(values, dtype=float)
    defined = values[~np.isnan(values)]
    if not len(defined):
        return {"mean": None, "ci_low": None, "ci_high": None, "std": None, "min": None, "max": None, "n": 0,
                "interval": None}  # fmt: skip
    low, high, method = interval(defined, spec_of(name) if name else None)
    out = {
        "mean": float(np.mean(defined)),
        "ci_low": low,
        "ci_high": high,
        "std": float(np.std(defined, ddof=1)) if len(defined) > 1 else 0.0,
        "min": float(np.min(defined)),
        "max": float(np.max(defined)),
        "n": int(len(defined)),
        "interval": method,
    }
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in out.items()}
