"""From a drill's records to the numbers of a scenario: arrivals, registration, swab, stations, pooling.

- Arrivals: a piecewise-constant Poisson profile on steps of 15, 30 or 60 min from opening,
  the step chosen by BIC over the Poisson-process likelihood (Σ n_k log λ_k − λ_k L_k); each
  step's rate with its exact (Garwood) Poisson interval. People who came before opening are in
  the first step (a profile starts at opening); people who came after closing are counted apart.
- Swab: ``swab_end − swab_start``, observed for everyone swabbed.
- Registration: ``swab_start − registered`` is the registration only where the sampler was free
  when it ended. Where the swab starts when the station's previous swab ended (within the
  tolerance τ), the registrar waited for the sampler, and the registration is known only to have
  ended by then: left-censored, at most (previous swab end + τ) − registered. The likelihood counts
  F(bound) for those and the probability of the observed time for the rest (distfit.py); counting
  the waits as registration (the naive fit) overstates it.
- Each duration is divided by the person's group factor (``registration_factor``,
  ``swab_factor``) when the records name groups, since the model multiplies by it.
The scenario language has one registration and one swab distribution per site: the overall fit
goes into the scenario; per-station fits and hourly throughput are in the fit report only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from ..scenario.drill_records import DrillRecords
from ..scenario.schema import Scenario
from ..scenario.units import format_clock
from .distfit import Choice, Durations, Fit, choose, fit_family, goodness, profile_intervals

STEPS_MIN = (15, 30, 60)
TOLERANCE_S = 1.0  # swab_start within this of the previous swab_end: the registrar waited for the sampler
NOT_SEPARATE = 0.95  # registration is not recorded separately when this share of rows has registered == swab_start


@dataclass(frozen=True)
class Step:
    at_s: float
    length_s: float
    count: int
    rate_per_h: float
    ci_per_h: tuple[float, float]


@dataclass(frozen=True)
class ArrivalFit:
    width_min: int
    steps: list[Step]
    bic: dict[int, float]
    used: int
    before_open: int
    after_close: int


def poisson_interval(count: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson mean from one count."""
    a = 1 - level
    low = stats.chi2.ppf(a / 2, 2 * count) / 2 if count > 0 else 0.0
    return float(low), float(stats.chi2.ppf(1 - a / 2, 2 * count + 2) / 2)


def _steps(arrival: np.ndarray, open_s: float, close_s: float, width_s: float) -> tuple[np.ndarray, np.ndarray]:
    edges = np.arange(open_s, close_s, width_s)
    edges = np.r_[edges, close_s]
    counts = np.histogram(np.clip(arrival, open_s, None), bins=edges)[0]
    return edges, counts


def fit_arrivals(arrival: np.ndarray, open_s: float, close_s: float, level: float = 0.95) -> ArrivalFit:
    """The piecewise-constant Poisson profile whose step (15, 30 or 60 min) has the lowest BIC."""
    inside = arrival[arrival < close_s]
    n = len(inside)
    bics, fits = {}, {}
    for width in STEPS_MIN:
        edges, counts = _steps(inside, open_s, close_s, width * 60.0)
        length = np.diff(edges)
        with np.errstate(divide="ignore", invalid="ignore"):
            ll = float(np.sum(np.where(counts > 0, counts * np.log(counts / length), 0.0)) - n)
        bics[width] = -2 * ll + len(counts) * math.log(max(n, 1))
        fits[width] = (edges, counts, length)
    width = min(STEPS_MIN, key=lambda w: (bics[w], -w))  # ties: the coarser step
    edges, counts, length = fits[width]
    steps = []
    for at, count, span in zip(edges[:-1].tolist(), counts.tolist(), length.tolist(), strict=True):
        low, high = poisson_interval(count, level)
        steps.append(Step(at, span, count, count / span * 3600, (low / span * 3600, high / span * 3600)))
    return ArrivalFit(width, steps, bics, n, int(np.sum(arrival < open_s)), int(np.sum(arrival >= close_s)))


def sampler_gap(records: DrillRecords) -> np.ndarray:
    """Each swab's start minus the end of the station's previous swab (NaN for a station's first)."""
    gap = np.full(records.n, np.nan)
    done = records.swabbed
    for s in range(len(records.stations)):
        rows = np.flatnonzero((records.station == s) & done)
        rows = rows[np.argsort(records.swab_start[rows], kind="stable")]
        if len(rows) > 1:
            gap[rows[1:]] = records.swab_start[rows[1:]] - records.swab_end[rows[:-1]]
    return gap


def waited_for_sampler(records: DrillRecords, tolerance_s: float = TOLERANCE_S) -> np.ndarray:
    """Rows whose swab started as the station's previous swab ended: the registrar waited (censored)."""
    return sampler_gap(records) <= tolerance_s


def registration_bounds(records: DrillRecords, tolerance_s: float) -> tuple[np.ndarray, np.ndarray]:
    """registered → swab_start for everyone swabbed, and which of them are upper bounds (left-censored).

    A row is censored when its swab started within the tolerance of the previous swab's end. The
    event that put it there is "registration ended by then", so its bound is the previous swab's
    end plus the tolerance (not its own swab start): a registration that ended a moment after the
    sampler was free falls in the same class, and the bound must hold for it too.
    """
    done = records.swabbed
    observed = (records.swab_start - records.registered)[done]
    gap = sampler_gap(records)[done]
    censored = gap <= tolerance_s
    bound = np.where(censored, observed - gap + tolerance_s, observed)
    return bound, censored


def _factors(records: DrillRecords, scenario: Scenario, kind: str) -> np.ndarray:
    """Each row's group factor for registration or swab (1 where the records name no group)."""
    if records.group is None:
        return np.ones(records.n)
    groups = list(scenario.population.values())
    factor = np.array([getattr(g, f"{kind}_factor") for g in groups])
    return factor[records.group]


def swab_durations(records: DrillRecords, scenario: Scenario) -> Durations:
    done = records.swabbed
    factor = _factors(records, scenario, "swab")[done]
    value = (records.swab_end - records.swab_start)[done] / factor
    return Durations.of(value, half=_half(records) / factor)


def registration_durations(records: DrillRecords, scenario: Scenario, tolerance_s: float = TOLERANCE_S,
                           naive: bool = False) -> Durations:  # fmt: skip
    """registered → swab_start; left-censored where the registrar waited for the sampler (unless `naive`)."""
    done = records.swabbed
    factor = _factors(records, scenario, "registration")[done]
    if naive:
        value = (records.swab_start - records.registered)[done] / factor
        return Durations.of(value, None, _half(records) / factor)
    bound, censored = registration_bounds(records, tolerance_s)
    return Durations.of(bound / factor, censored, _half(records) / factor)


def _half(records: DrillRecords) -> float:
    """Times kept to the second: each duration stands for ± half a second; fractional times are exact."""
    return 0.5 if records.whole_seconds else 0.0


@dataclass(frozen=True)
class StationFit:
    label: str
    swab: Fit
    swab_mean_ci: tuple[float, float]
    swab_ks: float
    registration: Fit | None
    registration_mean_ci: tuple[float, float] | None
    rows: int
    censored: int
    per_hour: list[int]  # swabs in each hour from opening


@dataclass
class FitResult:
    """Everything `drill fit` found, in the scenario's units (seconds, per hour)."""

    records: DrillRecords
    scenario: Scenario
    arrivals: ArrivalFit
    swab: Choice
    registration: Choice | None  # None: not recorded separately
    censored: int
    stations: list[StationFit]
    pool_size: int | None
    tubes: dict[int, int]  # swabs per tube → tubes
    shares: dict[str, tuple[float, float, float]] | None  # group → (share, low, high)
    notes: list[str] = field(default_factory=list)
    tolerance_s: float = TOLERANCE_S

    @property
    def used(self) -> int:
        return self.records.n


def _station_fits(records: DrillRecords, scenario: Scenario, swab: Fit, registration: Fit | None,
                  tolerance_s: float) -> list[StationFit]:  # fmt: skip
    out = []
    open_s = scenario.clock.open
    last = np.nanmax(records.swab_end) if records.swabbed.any() else open_s
    hours = max(int(math.ceil((last - open_s) / 3600)), 1)
    censored = waited_for_sampler(records, tolerance_s)
    for s, label in enumerate(records.stations):
        mine = records.only(records.station == s)
        if not mine.swabbed.sum():
            continue
        sw = swab_durations(mine, scenario)
        sf = fit_family(swab.family, sw) if swab.family not in ("empirical", "fixed") else None
        sw_fit = sf if sf is not None else swab
        sw_ci = _mean_ci(sw_fit, sw)
        rf, rci = None, None
        if registration is not None:
            rd = registration_durations(mine, scenario, tolerance_s)  # a station's own predecessors
            rf = fit_family(registration.family, rd)
            rci = _mean_ci(rf, rd)
        hour = np.floor((mine.swab_end[mine.swabbed] - open_s) / 3600).astype(int)
        per_hour = np.bincount(np.clip(hour, 0, hours - 1), minlength=hours).tolist()
        out.append(StationFit(label, sw_fit, sw_ci, goodness(sw_fit, sw)[0], rf, rci, int(mine.swabbed.sum()),
                              int(censored[records.station == s].sum()), per_hour))  # fmt: skip
    return out


def _mean_ci(fit: Fit, data: Durations) -> tuple[float, float]:
    ci = profile_intervals(fit, data).get("mean")
    return ci if ci is not None else (fit.mean, fit.mean)


def _tubes(records: DrillRecords) -> tuple[int | None, dict[int, int]]:
    """Swabs per tube (most common count: full tubes; part-full ones close at the end) → pooling.size."""
    if records.tube is None:
        return None, {}
    tube = records.tube[records.swabbed & (records.tube >= 0)]
    if not len(tube):
        return None, {}
    sizes, tubes = np.unique(np.bincount(tube)[np.unique(tube)], return_counts=True)
    table = {int(s): int(t) for s, t in zip(sizes.tolist(), tubes.tolist(), strict=True)}
    size = max(table, key=lambda s: (table[s], s))
    return size, table


def _shares(records: DrillRecords, level: float = 0.95) -> dict[str, tuple[float, float, float]] | None:
    """Each group's share of the people, with its exact (Clopper-Pearson) interval."""
    if records.group is None:
        return None
    n = records.n
    a = 1 - level
    out = {}
    for k, name in enumerate(records.groups):
        x = int(np.sum(records.group == k))
        low = float(stats.beta.ppf(a / 2, x, n - x + 1)) if x > 0 else 0.0
        high = float(stats.beta.ppf(1 - a / 2, x + 1, n - x)) if x < n else 1.0
        out[name] = (x / n, low, high)
    return out


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n:,} people"


def fit_records(records: DrillRecords, scenario: Scenario, tolerance_s: float = TOLERANCE_S) -> FitResult:
    """Fit every part of the scenario the records can tell (see the module docstring)."""
    clock = scenario.clock
    notes = []
    arrivals = fit_arrivals(records.arrival, clock.open, clock.close)
    if arrivals.before_open:
        notes.append(f"{_people(arrivals.before_open)} came before opening ({format_clock(clock.open)}); "
                     "they are in the profile's first step")  # fmt: skip
    if arrivals.after_close:
        notes.append(f"{_people(arrivals.after_close)} came at or after closing ({format_clock(clock.close)}); "
                     "they are not in the profile (the plan counts such people unserved)")  # fmt: skip
    if not records.swabbed.any():
        raise ValueError("no row has a swab: nothing to fit but arrivals")
    swab = choose(swab_durations(records, scenario))
    reg_data = registration_durations(records, scenario, tolerance_s)
    registration = None
    if np.mean(reg_data.value <= 0) >= NOT_SEPARATE:  # everyone's registration took "no time"
        notes.append("registration is not recorded separately (registered = swab_start): the base scenario's "
                     "registration is kept")  # fmt: skip
    else:
        families = ("exponential", "uniform", "triangular", "lognormal", "gamma")  # empirical can't be censored
        registration = choose(reg_data, families)
    censored = int(reg_data.censored.sum())
    stations = _station_fits(records, scenario, swab.best, registration.best if registration else None, tolerance_s)
    size, tubes = _tubes(records)
    if size is None:
        notes.append("the records have no tube column: pooling is kept from the base scenario")
    elif size > 50:
        notes.append(f"{size} swabs per tube is more than the scenario allows (50): pooling is kept")
        size = None
    shares = _shares(records)
    if shares is None and any(g.registration_factor != 1 or g.swab_factor != 1 for g in scenario.population.values()):
        notes.append("the records name no groups: the fitted times cover every group, so the groups' factors are 1")
    return FitResult(records, scenario, arrivals, swab, registration, censored, stations, size, tubes, shares,
                     notes, tolerance_s)  # fmt: skip


# --- in the scenario's language --------------------------------------------------------------------------


def seconds(value: float) -> str:
    """A duration the scenario reads back, to a tenth of a second."""
    return f"{round(value, 1):g}s"


def dist_data(fit: Fit) -> Any:
    """The fitted distribution as scenario data (``{dist: gamma, mean: 25.3s, cv: 0.41}``)."""
    p = fit.params
    if fit.family == "fixed":
        return seconds(p["value"])
    if fit.family == "empirical":
        return {"dist": "empirical", "values": [seconds(v) for v in fit.values]}
    if fit.family == "exponential":
        return {"dist": "exponential", "mean": seconds(p["mean"])}
    if fit.family in ("lognormal", "gamma"):
        return {"dist": fit.family, "mean": seconds(p["mean"]), "cv": round(p["cv"], 3)}
    if fit.family == "uniform":
        return {"dist": "uniform", "low": seconds(p["low"]), "high": seconds(max(p["high"], p["low"] + 0.1))}
    low, mode, high = p["low"], p["mode"], p["high"]
    return {"dist": "triangular", "low": seconds(low), "mode": seconds(mode), "high": seconds(max(high, low + 0.1))}


def rate_text(per_hour: float) -> str:
    return f"{per_hour:.6g}/h"


def describe_choice(choice: Choice, short: bool = False) -> str:
    """'gamma, lowest BIC (next lognormal +44); KS D = 0.007, p = 1.00' (short: 'gamma by BIC, KS p = 1.00')."""
    ranked = sorted((f for f in choice.fits.values() if math.isfinite(f.bic)), key=lambda f: f.bic)
    if short:
        p = f"KS p = {choice.ks_p:.2f}" if choice.ks_p is not None else f"KS D = {choice.ks:.3f}"
        return f"{choice.best.family} by BIC, {p}"
    second = f" (next {ranked[1].family} +{ranked[1].bic - ranked[0].bic:.0f})" if len(ranked) > 1 else ""
    p = f", p = {choice.ks_p:.2f}" if choice.ks_p is not None else " (against Kaplan-Meier)"
    return f"{choice.best.family}, lowest BIC{second}; KS D = {choice.ks:.3f}{p}"
