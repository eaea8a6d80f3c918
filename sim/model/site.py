"""The sampling site: entry check → waiting zone → station (registrar, then sampler) → exit.

Abnormal people go from the entry check to the temporary isolation zone (临时隔离区).
A station (采样台) is a two-person pipeline: the registrar registers the next person while
the sampler swabs the current one, and the registered person steps over only when the
sampler is free; with no registration configured the station is a plain server.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import simpy

from ..scenario.schema import Scenario, Site
from .pools import ServerPool, Zone
from .records import ISOLATED, SAMPLED, TURNED_AWAY, UNSERVED, PersonLog


@dataclass(frozen=True)
class Draws:
    """Every person's service times and chances, drawn up front from their own streams."""

    entry: np.ndarray
    abnormal: np.ndarray  # bool
    stay: np.ndarray
    registration: np.ndarray | None
    swab: np.ndarray
    retry: np.ndarray  # (n, max_tries) bool: comes back after try k
    retry_after: np.ndarray  # (n, max_tries) seconds


class SamplingSite:
    """The simpy world of one site; `person` is the life of one resident at the site.

    `spec` is one of several sites (community.sites; default the scenario's site); its stations
    are recorded from `first_station` on, so several sites can share one PersonLog.
    `household` (per person, -1: none) keeps a household at one station: its first member to
    reach a station takes it for the household, the others are swabbed there into one tube.
    """

    def __init__(self, env: simpy.Environment, scenario: Scenario, draws: Draws, priority: np.ndarray,
                 log: PersonLog, spec: Site | None = None, first_station: int = 0,
                 household: np.ndarray | None = None):  # fmt: skip
        site = spec if spec is not None else scenario.site
        self.first_station = first_station
        self.household = household.tolist() if household is not None and np.any(household >= 0) else None
        self.claims: dict[int, simpy.Event] = {}  # household → its station (an event until one is free)
        self.env, self.draws, self.log, self.priority = env, draws, log, priority
        self.open_s, self.close_s = scenario.clock.open, scenario.clock.close
        self.entry = ServerPool(env, site.entry_check.lanes) if site.entry_check else None
        self.isolation = ServerPool(env, site.isolation.capacity) if site.isolation else None
        self.zone = Zone(env, site.waiting.capacity)
        self.turn_away = site.waiting.when_full == "turn_away"
        self.max_tries = site.waiting.retry.max_tries if site.waiting.retry else 0
        self.stations = ServerPool(env, site.sampling.stations)
        self.sampler_busy = [False] * site.sampling.stations
        self.sampler_waiter: list[simpy.Event | None] = [None] * site.sampling.stations
        self.sampler_free_at = [0.0] * site.sampling.stations  # when each sampler ends the current swab
        sampler = scenario.staff.sampler if scenario.staff is not None else None
        self.hand_disinfection_s = sampler.hand_disinfection if sampler is not None else 0.0

    def arrivals(self, times: np.ndarray) -> Generator[simpy.Event, None, None]:
        """Start each person's process at their arrival time."""
        env = self.env
        for i, t in enumerate(times.tolist()):
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(self.person(i))

    def person(self, i: int) -> Generator[simpy.Event, object, None]:
        env, log, draws = self.env, self.log, self.draws
        prio = int(self.priority[i])
        log.arrival[i] = env.now
        log.tries[i] += 1
        if env.now >= self.close_s:
            log.outcome[i] = UNSERVED  # admissions have stopped
            return
        if env.now < self.open_s:
            yield env.timeout(self.open_s - env.now)

        if self.entry is not None:
            got = self.entry.acquire()
            lane = got if isinstance(got, int) else (yield got)
            log.entry_start[i] = env.now
            yield env.timeout(draws.entry[i])
            log.entry_end[i] = env.now
            if draws.abnormal[i]:
                yield from self.isolate(i, lane)
                return
            self.entry.release(lane)

        if self.turn_away and not self.zone.has_room():
            yield from self.leave_or_retry(i)
            return
        log.queue_join[i] = env.now
        wait_outside = self.zone.enter_or_wait(prio)
        if wait_outside is not None:
            yield wait_outside
        log.zone_in[i] = env.now

        if self.household is None or self.household[i] < 0:
            got = self.stations.acquire(prio)
            station = got if isinstance(got, int) else (yield got)
        else:
            station = yield from self.household_station(self.household[i], prio)
        self.zone.leave()
        log.station_start[i] = env.now
        log.station[i] = self.first_station + station
        if draws.registration is not None:
            yield env.timeout(draws.registration[i])
            if self.sampler_busy[station]:
                self.sampler_waiter[station] = ready = env.event()
                yield ready
            self.sampler_busy[station] = True
            self.stations.release(station)  # the registrar takes the next person
        log.swab_start[i] = env.now
        log.swab_end[i] = env.now + draws.swab[i]
        log.outcome[i] = SAMPLED
        self.sampler_free_at[station] = log.swab_end[i] + self.hand_disinfection_s
        yield env.timeout(draws.swab[i])
        if self.hand_disinfection_s:
            yield env.timeout(self.hand_disinfection_s)  # the sampler's hands, after every person
        if draws.registration is None:
            self.stations.release(station)
        else:
            self.sampler_busy[station] = False
            ready = self.sampler_waiter[station]
            if ready is not None:
                self.sampler_waiter[station] = None
                ready.succeed()

    def household_station(self, h: int, prio: int) -> Generator[simpy.Event, object, int]:
        """The station of household h: the first member queues for any station, the rest for that one."""
        claim = self.claims.get(h)
        if claim is None:
            self.claims[h] = claim = self.env.event()
            got = self.stations.acquire(prio)
            station = got if isinstance(got, int) else (yield got)
            claim.succeed(station)
            return station
        station = claim.value if claim.triggered else (yield claim)
        got = self.stations.acquire_at(station)
        return got if isinstance(got, int) else (yield got)

    def isolate(self, i: int, lane: int) -> Generator[simpy.Event, object, None]:
        """Walk an abnormal person to isolation; if it is full they wait apart at the entrance.

        The checker goes back to the lane at once (a marshal stays with the person), so a full
        isolation zone shows as `isolation.wait.max_min` and `zone.isolation_overflow.peak`.
        """
        assert self.isolation is not None and self.entry is not None
        env, log = self.env, self.log
        self.entry.release(lane)
        log.outcome[i] = ISOLATED
        got = self.isolation.acquire(0)
        place = got if isinstance(got, int) else (yield got)
        log.iso_in[i] = env.now
        yield env.timeout(self.draws.stay[i])
        log.iso_out[i] = env.now  # transferred
        self.isolation.release(place)

    def leave_or_retry(self, i: int) -> Generator[simpy.Event, object, None]:
        """Turned away at a full waiting zone: go home, and perhaps come back later."""
        k = self.log.tries[i] - 1
        if k < self.max_tries and self.draws.retry[i, k]:
            yield self.env.timeout(self.draws.retry_after[i, k])
            yield from self.person(i)  # after closing, person() marks them unserved
        else:
            self.log.outcome[i] = TURNED_AWAY
