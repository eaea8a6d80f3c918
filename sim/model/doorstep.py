"""Door-to-door sampling (上门采样): teams visit households, one tube per household.

A team walks to a household, samples everyone there, walks on; after each round of
households it walks back to the site and puts the round's tubes into the site's box.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from ..scenario.schema import Scenario
from .rng import Streams


@dataclass(frozen=True)
class HomeVisits:
    """One row per household (its tube): team, swab time, and when the tube reached the site box."""

    team: np.ndarray
    swabbed: np.ndarray  # end of the visit: the household's swabs and tube
    boxed: np.ndarray
    people: np.ndarray  # swabs in the tube


def plan_visits(scenario: Scenario, streams: Streams) -> HomeVisits:
    """Households in list order go to whichever team is free first."""
    spec = scenario.doorstep
    assert spec is not None
    n = spec.households
    walk = spec.walk.sample(streams["doorstep.walk"], n)
    visit = spec.per_household.sample(streams["doorstep.visit"], n)
    back = spec.walk.sample(streams["doorstep.walk_back"], n)
    start = scenario.clock.open if spec.start is None else spec.start
    per_round = spec.round or n
    team = np.zeros(n, dtype=np.int32)
    swabbed = np.zeros(n)
    boxed = np.zeros(n)
    free = [(start, k) for k in range(spec.teams)]  # (time free, team)
    rounds: list[list[int]] = [[] for _ in range(spec.teams)]  # households of each team's current round
    for h in range(n):
        t, k = heapq.heappop(free)
        t += walk[h] + visit[h]
        team[h], swabbed[h] = k, t
        rounds[k].append(h)
        if len(rounds[k]) == per_round:
            t += back[h]  # back to the site with the round's tubes
            boxed[rounds[k]] = t
            rounds[k] = []
        heapq.heappush(free, (t, k))
    for rest in rounds:
        if rest:
            boxed[rest] = swabbed[rest[-1]] + back[rest[-1]]
    return HomeVisits(team, swabbed, boxed, np.full(n, spec.people_per_household, dtype=np.int32))
