"""Closed forms of queueing theory: the yardsticks for the simulator.

Used by the validation tests and by the sanity line printed beside simulated results.
Rates are per second, times in seconds.
"""

from __future__ import annotations

import math

import numpy as np

from .scenario.schema import Scenario


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load a = λ/μ (erlangs)."""
    if offered_load >= servers:
        return 1.0
    term, total = 1.0, 1.0  # a^k / k!, summed for k < c
    for k in range(1, servers):
        term *= offered_load / k
        total += term
    last = term * offered_load / servers / (1 - offered_load / servers)
    return last / (total + last)


def mmc_mean_wait(arrival_rate: float, service_mean: float, servers: int) -> float:
    """Mean time in queue of M/M/c (Erlang C); infinite when unstable."""
    load = arrival_rate * service_mean
    if load >= servers:
        return math.inf
    return erlang_c(servers, load) * service_mean / (servers - load)


def mmck_blocking(arrival_rate: float, service_mean: float, servers: int, capacity: int) -> float:
    """Share of arrivals turned away in M/M/c/K, K = servers + waiting places."""
    a = arrival_rate * service_mean
    weights = [1.0]
    for k in range(1, capacity + 1):
        weights.append(weights[-1] * a / min(k, servers))
    return weights[-1] / sum(weights)


def mmck_mean_wait(arrival_rate: float, service_mean: float, servers: int, capacity: int) -> float:
    """Mean time in queue of admitted arrivals in M/M/c/K (Little's law on the queue)."""
    a = arrival_rate * service_mean
    weights = [1.0]
    for k in range(1, capacity + 1):
        weights.append(weights[-1] * a / min(k, servers))
    total = sum(weights)
    probs = [w / total for w in weights]
    queue = sum((k - servers) * p for k, p in enumerate(probs) if k > servers)
    return queue / (arrival_rate * (1 - probs[-1]))


def station_cycle_s(scenario: Scenario, draws: int = 20_000) -> float:
    """Mean seconds between swabs at a busy station.

    With registration a station is a two-stage pipeline with no room between the stages:
    when the queue never empties, person n+1 registers while person n is swabbed, so the
    sampler starts every max(R, S) seconds and the cycle is E[max(R, S)], estimated here
    from a fixed-seed sample (the same number every time).
    """
    sampling = scenario.site.sampling
    rng = np.random.default_rng(0)
    shares = np.array([g.share for g in scenario.population.values()])
    group = rng.choice(len(shares), size=draws, p=shares / shares.sum())
    swab = sampling.swab.sample(rng, draws) * np.array([g.swab_factor for g in scenario.population.values()])[group]
    if sampling.registration is None:
        return float(swab.mean())
    factors = np.array([g.registration_factor for g in scenario.population.values()])[group]
    reg = sampling.registration.sample(rng, draws) * factors
    return float(np.maximum(reg, swab).mean())


def expected_arrivals(scenario: Scenario) -> float:
    """Expected number of people who come while the site admits them."""
    arrivals, clock = scenario.arrivals, scenario.clock
    total = 0.0
    if arrivals.rate is not None:
        total += arrivals.rate * clock.duration
    if arrivals.profile is not None:
        steps = arrivals.profile
        for k, step in enumerate(steps):
            start = max(step.at, clock.open)
            end = min(steps[k + 1].at if k + 1 < len(steps) else clock.close, clock.close)
            total += step.rate * max(end - start, 0.0)
    if arrivals.callup is not None:
        callup = arrivals.callup
        total += sum(b.residents * (callup.turnout if b.turnout is None else b.turnout) for b in callup.buildings)
    return total


def offered_load(scenario: Scenario) -> dict[str, float]:
    """Offered load per station over the opening hours: ≥ 1 means the queue can only grow."""
    rate = expected_arrivals(scenario) / scenario.clock.duration
    cycle = station_cycle_s(scenario)
    stations = scenario.site.sampling.stations
    return {
        "arrival_per_hour": rate * 3600,
        "capacity_per_hour": stations * 3600 / cycle,
        "load_per_station": rate * cycle / stations,
    }
