"""Who comes when: Poisson (constant or piecewise) and building-by-building call-ups.

Arrivals do not depend on the state of the site, so they are drawn up front as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.schema import Arrivals, Callup, Pooling, Scenario
from .rng import Streams


@dataclass(frozen=True)
class ArrivalPlan:
    """Arrival times (s since midnight, sorted) and each person's building (-1: walk-in)."""

    times: np.ndarray
    building: np.ndarray
    group: np.ndarray
    call_times: np.ndarray  # per building, s since midnight
    called: np.ndarray  # residents called per building (before turnout)
    household: np.ndarray  # per person: household of a sealed building (one tube), -1: pooled N-in-1


def _poisson_segments(arrivals: Arrivals, open_s: float, close_s: float) -> list[tuple[float, float, float]]:
    """(start, end, rate per s) segments of a constant or piecewise rate within opening hours."""
    if arrivals.rate is not None:
        return [(open_s, close_s, arrivals.rate)]
    if arrivals.profile is None:
        return []
    steps = arrivals.profile
    segments = []
    for k, step in enumerate(steps):
        start = max(step.at, open_s)
        end = min(steps[k + 1].at if k + 1 < len(steps) else close_s, close_s)
        if end > start:
            segments.append((start, end, step.rate))
    return segments


def poisson_times(segments: list[tuple[float, float, float]], rng: np.random.Generator) -> np.ndarray:
    """A Poisson process: a Poisson count per segment, uniformly placed."""
    parts = []
    for start, end, rate in segments:
        n = rng.poisson(rate * (end - start))
        parts.append(rng.uniform(start, end, n))
    return np.sort(np.concatenate(parts)) if parts else np.empty(0)


def callup_schedule(callup: Callup, open_s: float, rng: np.random.Generator) -> np.ndarray:
    """Call time per building, in the scenario's order of buildings."""
    start = callup.start if callup.start is not None else open_s
    order = np.arange(len(callup.buildings))
    if callup.order == "random":
        order = rng.permutation(order)
    position = np.empty(len(order), dtype=int)
    position[order] = np.arange(len(order))
    interval = callup.interval or 0.0
    return np.array(
        [b.at if b.at is not None else start + position[k] * interval for k, b in enumerate(callup.buildings)]
    )


def households(callup: Callup, pooling: Pooling, rng: np.random.Generator) -> np.ndarray:
    """Each called resident's household (numbered from 0), or -1 in a building that is not sealed.

    A sealed building's residents are split, in order, into households of 1 + Poisson(mean − 1)
    people (the last one takes whoever is left). One draw per resident of every building, so
    sealing one building changes no other building's households.
    """
    residents = np.array([b.residents for b in callup.buildings])
    sizes = 1 + rng.poisson(np.repeat([max(pooling.mean_household(b) - 1, 0.0) for b in callup.buildings], residents))
    out = np.full(int(residents.sum()), -1, dtype=np.int64)
    first, next_id = 0, 0
    for b, n in zip(callup.buildings, residents.tolist(), strict=True):
        if pooling.sealed(b):
            ends = np.cumsum(sizes[first : first + n])
            count = int(np.searchsorted(ends, n)) + 1  # households needed to house n people
            out[first : first + n] = next_id + np.searchsorted(ends[:count], np.arange(n), side="right")
            next_id += count
        first += n
    return out


def household_heads(household: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of people in a household, and for each the row of their household's first member."""
    sealed = np.flatnonzero(household >= 0)
    ids, first = np.unique(household[sealed], return_index=True)
    return sealed, sealed[first][np.searchsorted(ids, household[sealed])]


def callup_times(callup: Callup, call_times: np.ndarray, streams: Streams, household: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Residents who turn out, each arriving a spread after the call, some late.

    A household (`household` ≥ 0) comes or stays home as one, at its first member's time.
    """
    residents = np.array([b.residents for b in callup.buildings])
    building = np.repeat(np.arange(len(residents)), residents)
    turnout = np.array([b.turnout if b.turnout is not None else callup.turnout for b in callup.buildings])
    n = len(building)
    household = np.full(n, -1, dtype=np.int64) if household is None else household
    comes = streams["callup.turnout"].random(n) < turnout[building]
    delay = callup.spread.sample(streams["callup.spread"], n)
    late = streams["callup.late"].random(n) < callup.late.share
    delay = delay + np.where(late, callup.late.delay.sample(streams["callup.late_delay"], n), 0.0)
    sealed, head = household_heads(household)
    comes[sealed], delay[sealed] = comes[head], delay[head]
    times = call_times[building] + delay
    return times[comes], building[comes], household[comes]


def plan_arrivals(scenario: Scenario, streams: Streams) -> ArrivalPlan:
    clock, arrivals = scenario.clock, scenario.arrivals
    walk_ins = poisson_times(_poisson_segments(arrivals, clock.open, clock.close), streams["arrivals"])
    if arrivals.trace is not None:  # the drill's own arrivals, the same in every replication
        walk_ins = np.asarray(arrivals.trace.times, dtype=float)
    times, building = walk_ins, np.full(len(walk_ins), -1)
    household = np.full(len(walk_ins), -1, dtype=np.int64)  # walk-ins are pooled N-in-1
    call_times, called = np.empty(0), np.empty(0, dtype=int)
    if arrivals.callup is not None:
        callup = arrivals.callup
        call_times = callup_schedule(callup, clock.open, streams["callup.order"])
        called = np.array([b.residents for b in callup.buildings])
        homes = None
        if any(scenario.pooling.sealed(b) for b in callup.buildings):
            homes = households(callup, scenario.pooling, streams["pooling.households"])
        t, b, h = callup_times(callup, call_times, streams, homes)
        times, building, household = np.concatenate([times, t]), np.concatenate([building, b]), np.r_[household, h]
    order = np.argsort(times, kind="stable")
    times, building, household = times[order], building[order], household[order]
    shares = np.array([g.share for g in scenario.population.values()])
    group = streams["groups"].choice(len(shares), size=len(times), p=shares / shares.sum())
    if arrivals.trace is not None and arrivals.trace.groups is not None:  # the records' own groups
        names = list(scenario.population)
        group = np.array([names.index(g) for g in arrivals.trace.groups])[order]
    return ArrivalPlan(times, building, group.astype(np.int8), call_times, called, household)
