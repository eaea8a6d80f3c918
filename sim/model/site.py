"""The sampling site, part by part: entry check → waiting zone → station (registrar, then sampler) → exit.

Each part has a small public interface and is the only writer of its columns in the site's PersonLog:
`EntryCheck` (入口核验), `WaitingZone` (等候区), `Stations` (采样台, with the registrar → sampler hand-off
inside) and `IsolationZone` (临时隔离区). `SamplingSite.visit` is a person's time at the site; the site is
the only writer of a person's arrival. Staff take posts out of service through `Stations.post` and
`EntryCheck.post`, never by reaching into the parts.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from ..scenario.schema import Scenario, Site
from .pools import Lanes, ServerPool, Zone, start_at
from .records import ISOLATED, PENDING, SAMPLED, TURNED_AWAY, UNSERVED, PersonLog

Process = Generator[simpy.Event, object, None]


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


class Post:
    """One post a staff member holds: taken out of service after its current person, and back."""

    def __init__(self, pool: ServerPool | None = None, server: int = 0, stations: Stations | None = None):
        self.pool, self.server, self.stations = pool, server, stations

    @property
    def holds_a_queue(self) -> bool:
        """A station or an entry lane (a marshal's beat serves no queue)."""
        return self.pool is not None

    def stop(self) -> Process:
        """Stop after the current person (a sampler also finishes the swab and hand disinfection)."""
        if self.pool is None:
            return
        yield self.pool.hold(self.server)
        if self.stations is not None:
            left = self.stations.free_at[self.server] - self.pool.env.now
            if left > 0:
                yield self.pool.env.timeout(left)

    def reopen(self) -> None:
        if self.pool is not None:
            self.pool.unhold(self.server)

    def close_for_the_day(self) -> None:
        """Out of service from the start: nobody on the roster can keep it staffed (staff.open_posts)."""
        if self.pool is not None:
            self.pool.hold(self.server)


class EntryCheck:
    """Temperature and health code at the entrance: `lanes` checkers, one person each.

    With rotating checkers (staff.entry_checker) a lane can be taken out of service, so the lanes are a
    server pool; without, they are booked first come, first served (pools.Lanes), which needs no event.
    """

    def __init__(self, env: simpy.Environment, lanes: int, log: PersonLog, draws: Draws, rotating: bool):
        self.env, self.log, self.draws = env, log, draws
        self.capacity = lanes
        self.lanes = ServerPool(env, lanes) if rotating else None
        self.booked = None if rotating else Lanes(lanes)

    def check(self, i: int) -> simpy.Event:
        """Queue for a lane and be checked: the event of the check's end (booked lanes: a timeout until then)."""
        env, log = self.env, self.log
        if self.booked is None:
            return env.process(self._at_a_staffed_lane(i))
        log.entry_start[i], log.entry_end[i] = start, end = self.booked.book(env.now, self.draws.entry[i])
        return env.timeout(end - env.now)

    def _at_a_staffed_lane(self, i: int) -> Process:
        assert self.lanes is not None
        with self.lanes.request() as lane:
            yield from lane
            self.log.entry_start[i] = self.env.now
            yield self.env.timeout(self.draws.entry[i])
            self.log.entry_end[i] = self.env.now

    @property
    def queued(self) -> int:
        return self.booked.queued(self.env.now) if self.booked is not None else self.lanes.queued  # type: ignore[union-attr]

    def post(self, lane: int) -> Post:
        assert self.lanes is not None  # posts exist only with rotating checkers
        return Post(self.lanes, lane)


class WaitingZone:
    """The waiting zone's places: enter now or queue outside (priority lane first); or be turned away."""

    def __init__(self, env: simpy.Environment, site: Site, log: PersonLog):
        self.env, self.log = env, log
        self.places = Zone(env, site.waiting.capacity)
        self.turn_away = site.waiting.when_full == "turn_away"

    def full(self) -> bool:
        return not self.places.has_room()

    def join(self, i: int, priority: int) -> simpy.Event | None:
        """Join the queue for a station: a place in the zone now (None), or the event of one handed over to
        them outside it; `entered` when they are in."""
        self.log.queue_join[i] = self.env.now
        return self.places.enter_or_wait(priority)

    def entered(self, i: int) -> None:
        self.log.zone_in[i] = self.env.now

    def leave(self) -> None:
        self.places.leave()

    @property
    def waiting(self) -> int:
        """People in the zone and queueing outside it."""
        return self.places.inside + sum(len(q) for q in self.places.outside)


class Stations:
    """Sampling stations, each a registrar and a sampler working as a two-person pipeline.

    The registrar registers the next person while the sampler swabs the current one; the registered person
    steps over only when the sampler is free (until then the registrar holds them). A swab's end is known
    when it starts, so the sampler's free time is a number, not an event: whoever waits for the sampler
    waits until then, and the person swabbed needs no event of their own. Without registration a station
    is a plain server, released when the swab (and hand disinfection) is done. `household` (per person, -1: none) keeps a household at one station: its
    first member to reach a station takes it for the household, the others are swabbed there into one tube.
    """

    def __init__(self, env: simpy.Environment, n: int, log: PersonLog, draws: Draws, first: int,
                 hand_disinfection_s: float, household: np.ndarray | None):  # fmt: skip
        self.env, self.log, self.draws, self.first = env, log, draws, first
        self.pool = ServerPool(env, n)
        self.free_at = [0.0] * n  # when each sampler ends the current swab (and hand disinfection)
        self.hand_s = hand_disinfection_s
        self.household = household.tolist() if household is not None and np.any(household >= 0) else None
        self.claims: dict[int, simpy.Event] = {}  # household → its station (an event until one is free)

    def __len__(self) -> int:
        return len(self.free_at)

    @property
    def queued(self) -> int:
        return self.pool.queued

    def post(self, station: int, sampler: bool) -> Post:
        """The post of a station's sampler (stops after the swab) or registrar."""
        return Post(self.pool, station, self if sampler else None)

    def step_up(self, i: int, priority: int) -> int | simpy.Event:
        """A station for person i (their household's, where there is one): its number if one is free now, else
        the event of one coming free, whose value is the station."""
        if self.household is None or self.household[i] < 0:
            return self.pool.acquire(priority)
        h = self.household[i]
        if h not in self.claims:  # the household's first member queues for any station, the rest for that one
            self.claims[h] = claim = self.env.event()
            got = self.pool.acquire(priority)
            if isinstance(got, int):
                claim.succeed(got)
            else:
                got.callbacks.append(lambda event: self._claimed(claim, event))
            return got
        return self.env.process(self._at_the_households_station(self.claims[h]))

    @staticmethod
    def _claimed(claim: simpy.Event, station: simpy.Event) -> None:
        claim.succeed(station.value)  # the household's station, for its later members

    def _at_the_households_station(self, claim: simpy.Event) -> Generator[simpy.Event, object, int]:
        taken = claim.value if claim.triggered else (yield claim)
        assert isinstance(taken, int)
        return (yield from self.pool.request_at(taken))

    def serve(self, i: int, station: int) -> Generator[simpy.Event, object, float]:
        """Registration, the hand-off to the sampler, the swab (and the sampler's hand disinfection after it).

        Returns when the person is swabbed (a time that may still be ahead: with registration the process goes
        on at once, the sampler being busy until then).
        """
        env, log, draws = self.env, self.log, self.draws
        log.station_start[i] = env.now
        log.station[i] = self.first + station
        if draws.registration is not None:
            yield env.timeout(draws.registration[i])
            wait = self.free_at[station] - env.now  # the registrar holds them until the sampler is free
            if wait > 0:
                yield env.timeout(wait)
            self.pool.release(station)  # the registrar takes the next person
        swab_end = log.swab_end[i] = env.now + draws.swab[i]
        log.swab_start[i] = env.now
        log.outcome[i] = SAMPLED
        self.free_at[station] = swab_end + self.hand_s
        if draws.registration is None:
            yield env.timeout(self.free_at[station] - env.now)  # swab, then the sampler's hands
            self.pool.release(station)
        return swab_end


class IsolationZone:
    """The temporary isolation zone: abnormal people wait for a place (apart at the entrance) and a transfer."""

    def __init__(self, env: simpy.Environment, capacity: int, log: PersonLog, draws: Draws):
        self.env, self.log, self.draws = env, log, draws
        self.places = ServerPool(env, capacity)

    def admit(self, i: int) -> Process:
        """Isolated from now (counted so even while waiting for a place); in the zone until transferred.

        A full zone shows as `isolation.wait.max_min` and `zone.isolation_overflow.peak`.
        """
        env, log = self.env, self.log
        log.outcome[i] = ISOLATED
        with self.places.request(0) as place:
            yield from place
            log.iso_in[i] = env.now
            yield env.timeout(self.draws.stay[i])
            log.iso_out[i] = env.now  # transferred


class SamplingSite:
    """The simpy world of one site; `visit` is a person's time at the site.

    `spec` is one of several sites (community.sites; default the scenario's site); its stations are
    recorded from `first_station` on, so several sites can share one PersonLog.
    """

    def __init__(self, env: simpy.Environment, scenario: Scenario, draws: Draws, priority: np.ndarray,
                 log: PersonLog, spec: Site | None = None, first_station: int = 0,
                 household: np.ndarray | None = None):  # fmt: skip
        site = spec if spec is not None else scenario.site
        self.env, self.draws, self.log = env, draws, log
        self.priority = priority.tolist()
        self.open_s, self.close_s = scenario.clock.open, scenario.clock.close
        rotating = scenario.staff is not None and scenario.staff.entry_checker is not None and spec is None
        self.entry = EntryCheck(env, site.entry_check.lanes, log, draws, rotating) if site.entry_check else None
        self.isolation = IsolationZone(env, site.isolation.capacity, log, draws) if site.isolation else None
        self.zone = WaitingZone(env, site, log)
        self.max_tries = site.waiting.retry.max_tries if site.waiting.retry else 0
        sampler = scenario.staff.sampler if scenario.staff is not None else None
        self.stations = Stations(env, site.sampling.stations, log, draws, first_station,
                                 sampler.hand_disinfection if sampler is not None else 0.0, household)  # fmt: skip

    def arrivals(self, times: np.ndarray) -> Process:
        """Start each person's visit at their arrival time (a site without a community)."""
        return start_at(self.env, times.tolist(), self.visit)

    def arrive(self, i: int) -> None:
        """A person reaches the site (the only place a person's arrival is written)."""
        log = self.log
        if log.first_arrival[i] != log.first_arrival[i]:  # NaN: the first time
            log.first_arrival[i] = self.env.now
        log.arrival[i] = self.env.now
        log.tries[i] += 1

    def visit(self, i: int) -> Generator[simpy.Event, Any, float]:  # Any: what an event's value is
        """Arrive; be checked; wait in the zone (or outside it); step up to a station; be registered and swabbed.

        One process a person, as in simpy's bank example: each part is asked through its own door, and the
        waits it hands back are yielded here. Returns when the person leaves the site: swabbed (perhaps still
        ahead), or now (not admitted, turned away, transferred from isolation).
        """
        env, zone = self.env, self.zone
        self.arrive(i)
        if env.now >= self.close_s:
            self.log.outcome[i] = UNSERVED  # admissions have stopped
            return env.now
        if env.now < self.open_s:
            yield env.timeout(self.open_s - env.now)
        if self.entry is not None:
            yield self.entry.check(i)
            if self.draws.abnormal[i]:  # the checker is back at the lane at once (a marshal walks them over)
                assert self.isolation is not None  # the scenario refuses abnormal > 0 without an isolation zone
                yield from self.isolation.admit(i)
                return env.now  # transferred from the isolation zone
        if zone.turn_away and zone.full():
            return (yield from self.leave_or_retry(i))
        priority = self.priority[i]
        outside = zone.join(i, priority)
        if outside is not None:
            yield outside  # queueing outside the zone until a place is handed over
        zone.entered(i)
        got = self.stations.step_up(i, priority)
        station = got if isinstance(got, int) else (yield got)  # in the zone until a station frees
        zone.leave()
        return (yield from self.stations.serve(i, station))

    def refer(self, i: int) -> Process:
        """Someone found abnormal at a residence gate reaches the site's isolation zone (no entry check here)."""
        assert self.isolation is not None  # the scenario refuses gate abnormal without isolation
        log = self.log
        log.first_arrival[i] = log.entry_end[i] = self.env.now
        yield from self.isolation.admit(i)

    def count_absent(self, i: int, planned_s: float) -> None:
        """Someone due at the site who never reached it (a resident held up, an arrival after the hard stop)
        counts as arrived at their planned time, then unserved."""
        log = self.log
        if log.first_arrival[i] != log.first_arrival[i]:  # NaN: never reached the site
            log.first_arrival[i] = planned_s

    def leave_or_retry(self, i: int) -> Generator[simpy.Event, object, float]:
        """Turned away at a full waiting zone: go home, and perhaps come back later."""
        k = self.log.tries[i] - 1
        if k < self.max_tries and self.draws.retry[i, k]:
            yield self.env.timeout(self.draws.retry_after[i, k])
            return (yield from self.visit(i))  # after closing, visit() marks them unserved
        self.log.outcome[i] = TURNED_AWAY
        return self.env.now

    def busy(self) -> bool:
        """Still admitting, or someone still waiting for the entry check or a station."""
        if self.env.now < self.close_s:
            return True
        entry_busy = self.entry is not None and self.entry.queued > 0
        return bool(entry_busy or self.stations.queued or self.zone.waiting)

    def waiting(self) -> int:
        """People waiting here: for the entry check, in the waiting zone and outside it."""
        return self.zone.waiting + (self.entry.queued if self.entry is not None else 0)

    def outcome(self, i: int) -> int:
        return self.log.outcome[i]


def finish(log: PersonLog) -> None:
    """After the run: whoever is still pending (at the hard stop) is unserved."""
    log.outcome = [UNSERVED if o == PENDING else o for o in log.outcome]
