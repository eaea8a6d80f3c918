"""The plan beside the day: the plan's KPIs (replications, with intervals) against the drill's own records.

Actual KPIs are computed from the records directly, with the summary's names and definitions:
``wait.total.*`` arrival → swab start, ``time.completion_min`` opening → last swab done,
``throughput.per_hour`` swabs per hour from opening to the last swab, ``stations.utilization``
stations occupied (registration to swab end) over stations × that span. Per hour from opening:
``hour.<HH:MM>.arrived`` and ``hour.<HH:MM>.sampled``; per station: ``station.<label>.per_hour``
against the plan's ``stations.per_hour`` (every station of the plan is alike). A plan's "range for
one day" is its 95% prediction interval for a single replication: the day is one draw, not a mean.
"""

from __future__ import annotations

import math
from concurrent.futures import Executor
from datetime import datetime, timezone
from typing import Any

import numpy as np
from scipy import stats

from ..experiment.runner import RunResult, run
from ..measure.occupancy import union_length
from ..measure.stats import describe
from ..scenario.drill_records import DrillRecords
from ..scenario.schema import Scenario
from ..scenario.units import format_clock
from .distfit import Durations
from .fit import NOT_SEPARATE, registration_bounds

COMPARED = ("people.arrived", "people.sampled", "throughput.per_hour", "time.completion_min", "wait.total.mean_min",
            "wait.total.p95_min", "wait.total.max_min", "time.in_site.mean_min", "stations.utilization",
            "samples.tubes")  # fmt: skip
BOUNDED = {"stations.utilization": 1.0}  # KPIs that cannot exceed a value


def hours_of(open_s: float, last_s: float) -> list[str]:
    """Hour labels from opening ('08:00', '09:00', ...) up to the hour holding `last_s`."""
    count = max(int(math.floor((last_s - open_s) / 3600)) + 1, 1)
    return [format_clock(open_s + 3600 * h) for h in range(count)]


def _hourly(times: np.ndarray, open_s: float, hours: int) -> np.ndarray:
    """Counts per hour from opening; hour 0 also holds everything before opening (the series' rule)."""
    t = times[~np.isnan(times)]
    edges = open_s + 3600.0 * np.arange(1, hours + 1)
    cumulative = np.searchsorted(np.sort(t), edges, side="right")
    counts = np.diff(np.r_[0, cumulative])
    counts[-1] += int(np.sum(t > edges[-1]))  # the rest in the last hour
    return counts


def actual_kpis(records: DrillRecords, scenario: Scenario, hours: list[str]) -> dict[str, float]:
    """The day's KPIs from its records, with the names of the summary (see the module docstring)."""
    open_s, warmup = scenario.clock.open, scenario.warmup
    keep = records.arrival >= open_s + warmup if warmup > 0 else np.ones(records.n, dtype=bool)
    sampled = keep & records.swabbed
    done = records.swab_end[records.swabbed]
    last = float(done.max()) if len(done) else open_s
    span_s = max(last - open_s, 1e-9)
    wait = (records.swab_start - records.arrival)[sampled] / 60
    out = {
        "people.arrived": float(keep.sum()),
        "people.sampled": float(sampled.sum()),
        "throughput.per_hour": float(sampled.sum()) / (max(last - open_s - warmup, 1e-9) / 3600) if sampled.any() else 0.0,
        "time.completion_min": (last - open_s) / 60,
        "wait.total.mean_min": float(wait.mean()) if len(wait) else 0.0,
        "wait.total.p95_min": float(np.percentile(wait, 95)) if len(wait) else 0.0,
        "wait.total.max_min": float(wait.max()) if len(wait) else 0.0,
        "time.in_site.mean_min": float(((records.swab_end - records.arrival)[sampled] / 60).mean()) if sampled.any() else 0.0,
    }  # fmt: skip
    used = [s for s in range(len(records.stations)) if np.any((records.station == s) & records.swabbed)]
    busy = sum(union_length(records.registered[(records.station == s) & records.swabbed],
                            records.swab_end[(records.station == s) & records.swabbed]) for s in used)  # fmt: skip
    out["stations.utilization"] = busy / (max(len(used), 1) * span_s)
    if records.tube is not None:
        out["samples.tubes"] = float(len(np.unique(records.tube[records.swabbed & (records.tube >= 0)])))
    out["stations.count"] = float(len(used))
    per_station = []
    for s in used:
        value = float(np.sum((records.station == s) & records.swabbed)) / (span_s / 3600)
        out[f"station.{records.stations[s]}.per_hour"] = value
        per_station.append(value)
    out["stations.per_hour"] = float(np.mean(per_station)) if per_station else 0.0
    arrived, swabbed = _hourly(records.arrival, open_s, len(hours)), _hourly(records.swab_end, open_s, len(hours))
    for label, a, s in zip(hours, arrived.tolist(), swabbed.tolist(), strict=True):
        out[f"hour.{label}.arrived"] = float(a)
        out[f"hour.{label}.sampled"] = float(s)
    return out


def day_range(values: np.ndarray, bound: float | None = None) -> tuple[float | None, float | None]:
    """The 95% prediction interval for one more replication (one day), kept inside what is possible."""
    n = len(values)
    if n < 2:
        return None, None
    mean, sd = float(np.mean(values)), float(np.std(values, ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd * math.sqrt(1 + 1 / n)
    low, high = max(mean - half, 0.0), mean + half
    return low, min(high, bound) if bound is not None else high


def _entry(values: np.ndarray, bound: float | None = None) -> dict[str, float | None]:
    entry = describe(values)
    entry["day_low"], entry["day_high"] = day_range(values, bound)
    if entry["ci_low"] is not None:
        entry["ci_low"] = max(entry["ci_low"], 0.0)  # intervals stay inside what is possible
    return entry


def plan_kpis(result: RunResult, hours: list[str]) -> dict[str, dict[str, float | None]]:
    """The plan's KPIs across replications: the summary's entries plus each one's range for one day."""
    scenario = result.scenario
    out = {name: _entry(result.column(name), BOUNDED.get(name)) for name in COMPARED if name in result.kpi_names}
    stations = scenario.site.sampling.stations
    out["stations.count"] = _entry(np.full(len(result.results), float(stations)))
    out["stations.per_hour"] = _entry(result.column("throughput.per_hour") / stations)
    for kind in ("arrived", "sampled"):
        counts = []
        for r in result.results:
            cumulative = r.series[kind]
            marks = np.minimum(60 * np.arange(1, len(hours) + 1), len(cumulative) - 1)
            at = cumulative[marks]
            at[-1] = cumulative[-1]  # the rest in the last hour, as for the records
            counts.append(np.diff(np.r_[0.0, at]))
        stacked = np.array(counts)
        for h, label in enumerate(hours):
            out[f"hour.{label}.{kind}"] = _entry(stacked[:, h])
    return out


def _mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    mean = float(np.mean(values))
    if len(values) < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.975, len(values) - 1) * np.std(values, ddof=1) / math.sqrt(len(values)))
    return mean, mean - half, mean + half


def _effective_mean(scenario: Scenario, kind: str) -> float | None:
    """The plan's mean duration over its population (the distribution's mean times the groups' factors)."""
    sampling = scenario.site.sampling
    dist = sampling.swab if kind == "swab" else sampling.registration
    if dist is None:
        return None
    groups = scenario.population.values()
    factor = sum(g.share * getattr(g, f"{kind}_factor") for g in groups)
    return dist.mean_s * factor


def _dist_mean(scenario: Scenario, kind: str) -> float | None:
    sampling = scenario.site.sampling
    dist = sampling.swab if kind == "swab" else sampling.registration
    return None if dist is None else dist.mean_s


def inputs(records: DrillRecords, scenario: Scenario, tolerance_s: float) -> dict[str, dict[str, Any]]:
    """The plan's assumptions beside what the records show: swab and registration means, as observed.

    The registration's mean is the censored fit's (the registrar's waits for the sampler left out).
    """
    from .distfit import choose

    done = records.swabbed
    half = 0.5 if records.whole_seconds else 0.0
    swab = (records.swab_end - records.swab_start)[done]
    mean, low, high = _mean_interval(swab)
    out: dict[str, dict[str, Any]] = {
        "swab.mean_s": {"plan": _effective_mean(scenario, "swab"), "plan_dist": _dist_mean(scenario, "swab"),
                        "actual": mean, "low": low, "high": high, "rows": len(swab)},
    }  # fmt: skip
    bound, censored = registration_bounds(records, tolerance_s)
    registration = Durations.of(bound, censored, half)
    if len(registration.value) and np.mean(registration.value <= 0) < NOT_SEPARATE:
        choice = choose(registration, ("exponential", "lognormal", "gamma"))
        low, high = choice.intervals.get("mean", (choice.best.mean, choice.best.mean))
        out["registration.mean_s"] = {"plan": _effective_mean(scenario, "registration"),
                                      "plan_dist": _dist_mean(scenario, "registration"), "actual": choice.best.mean,
                                      "low": low, "high": high, "rows": registration.n,
                                      "censored": int(registration.censored.sum()), "family": choice.best.family}  # fmt: skip
    return out


def comparison(scenario: Scenario, records: DrillRecords, replications: int | None = None, seed: int | None = None,
               executor: Executor | None = None, tolerance_s: float = 1.0) -> tuple[dict[str, Any], RunResult]:  # fmt: skip
    """compare.json's content: the plan run through the experiment layer, the day from its records."""
    result = run(scenario, replications, seed, executor)
    summary = result.summary()
    last_plan = scenario.clock.open + 60 * float(np.max(result.column("time.completion_min")))
    last_day = float(np.nanmax(records.swab_end)) if records.swabbed.any() else scenario.clock.open
    last_arrival = float(np.max(records.arrival)) if records.n else scenario.clock.open
    hours = hours_of(scenario.clock.open, max(last_plan, last_day, last_arrival, scenario.clock.close - 1))
    return {
        "scenario": scenario.name,
        "records": records.source,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "replications": summary["replications"],
        "seed": summary["seed"],
        "open": format_clock(scenario.clock.open),
        "rows": {
            "read": records.read,
            "used": records.n,
            "rejected": len(records.rejected),
            "problems": records.problems(),
        },  # fmt: skip
        "hours": hours,
        "stations": [
            records.stations[s]
            for s in range(len(records.stations))
            if np.any((records.station == s) & records.swabbed)
        ],  # fmt: skip
        "plan": plan_kpis(result, hours),
        "actual": actual_kpis(records, scenario, hours),
        "inputs": inputs(records, scenario, tolerance_s),
    }, result
