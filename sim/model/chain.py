"""The sample chain after the swab: tube → box → courier → lab → result, and recall.

Simulated after the site's run from the tubes' sealing times (the chain never feeds back
into the queues), in its own simpy environment. The transporter (转运人员) takes every
sealed tube at each pickup; the lab tests tubes one by one at a rate or in machine
batches; a positive pooled tube recalls its members, each re-swabbed into a single tube
that goes through the same chain. The room-temperature limit is measured, not enforced.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from ..scenario.schema import Scenario
from ..scenario.staffing import Samples
from .records import HOME, RETEST, SITE, ChainRecords, Tubes
from .rng import Streams
from .samples import tube_members


class Chain:
    """The simpy world of the sample chain for one replication."""

    def __init__(self, scenario: Scenario, streams: Streams, tubes: dict[str, np.ndarray],
                 swab_tube: np.ndarray, swab_time: np.ndarray, positive: np.ndarray, start_s: float):  # fmt: skip
        assert scenario.samples is not None
        self.spec: Samples = scenario.samples
        self.scenario, self.streams = scenario, streams
        self.env = simpy.Environment(initial_time=start_s)
        self.t = {k: list(v) for k, v in tubes.items()}  # grows with retest tubes
        n = len(self.t["kind"])
        for name in ("at_lab", "result"):
            self.t[name] = [np.nan] * n
        self.members: list[list[int]] = [[] for _ in range(n)]
        for swab, tube in enumerate(swab_tube.tolist()):
            self.members[tube].append(swab)
        self.swab_time, self.positive = swab_time, positive
        self.retest_of: dict[int, int] = {}  # retest tube → swab
        self.confirmed: list[tuple[float, float]] = []
        self.waiting: list[int] = []  # sealed tubes in the site's boxes
        self.in_box = 0
        self.call = self.env.event()  # the courier is called (a full box, the last tube)
        self.lab_queue = simpy.Store(self.env)
        self.in_lab = 0
        self.recalls = 0
        self.fed = False
        self.trips: list[list[float]] = []
        self.lab_busy_s = 0.0
        lab = self.spec.lab
        self.lab_servers = 1 if lab.tubes_per_hour is not None else int(lab.machines or 1)
        self.env.process(self.feeder())
        self.env.process(self.courier())
        for _ in range(self.lab_servers):
            self.env.process(self.lab_machine())

    def seal(self, tube: int) -> None:
        """A tube goes into the current box; a full box calls the courier."""
        self.waiting.append(tube)
        self.in_box += 1
        if self.spec.courier.when_full and self.in_box >= self.spec.box.capacity:
            self.in_box = 0
            self.ring()

    def ring(self) -> None:
        if not self.call.triggered:
            self.call.succeed()

    def feeder(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        boxed = np.asarray(self.t["boxed"], dtype=float)
        for tube in np.argsort(boxed, kind="stable").tolist():
            if boxed[tube] > env.now:
                yield env.timeout(boxed[tube] - env.now)
            self.seal(tube)
        self.fed = True
        if self.spec.courier.final:
            self.ring()

    def idle(self) -> bool:
        return self.fed and not self.waiting and not self.in_lab and not self.recalls

    def courier(self) -> Generator[simpy.Event, object, None]:
        """Pickups on the schedule, when a box is full and after the last tube; all sealed tubes go."""
        env, spec = self.env, self.spec.courier
        rng = self.streams["courier.travel"]
        every = spec.every
        next_pickup = (self.scenario.clock.open + every if spec.start is None else spec.start) if every else None
        while True:
            waits: list[simpy.Event] = [self.call]
            if next_pickup is not None:
                waits.append(env.timeout(max(0.0, next_pickup - env.now)))
            yield env.any_of(waits)
            if spec.until is not None and env.now > spec.until:
                return  # what is left is not delivered
            if self.call.triggered:
                self.call = env.event()
            while next_pickup is not None and every and next_pickup <= env.now:
                next_pickup += every
            if not self.waiting:
                if self.idle():
                    return
                continue
            load, self.waiting, self.in_box = self.waiting, [], 0
            depart = env.now
            travel = float(spec.travel.sample(rng, 1)[0])
            yield env.timeout(travel)
            for tube in load:
                self.t["at_lab"][tube] = env.now
                self.in_lab += 1
                self.lab_queue.put(tube)
            self.trips.append([depart, env.now, env.now + travel, len(load)])
            yield env.timeout(travel)  # back to the site

    def lab_machine(self) -> Generator[simpy.Event, object, None]:
        """A tube at a time at the lab's rate, or a machine's batch of up to `batch` tubes."""
        env, lab = self.env, self.spec.lab
        rng = self.streams["lab.report"]
        while True:
            first = yield self.lab_queue.get()
            batch = [int(first)]  # type: ignore[call-overload]
            if lab.tubes_per_hour is not None:
                took = 3600.0 / lab.tubes_per_hour
            else:
                assert lab.batch is not None and lab.run_time is not None
                while self.lab_queue.items and len(batch) < lab.batch:
                    batch.append(self.lab_queue.items.pop(0))
                took = lab.run_time
            yield env.timeout(took)
            self.lab_busy_s += took
            for tube, report in zip(batch, lab.report.sample(rng, len(batch)).tolist(), strict=True):
                self.t["result"][tube] = env.now + report
                self.in_lab -= 1
                if self.tube_positive(tube):
                    self.recalls += 1
                    env.process(self.recall(tube, env.now + report))

    def tube_positive(self, tube: int) -> bool:
        if self.t["kind"][tube] == RETEST:
            return bool(self.positive[self.retest_of[tube]])
        return bool(any(self.positive[s] for s in self.members[tube]))

    def recall(self, tube: int, result_s: float) -> Generator[simpy.Event, object, None]:
        """A positive result: single-tube retests of the pool's members, or a confirmed case."""
        env, spec = self.env, self.scenario.recall
        yield env.timeout(max(0.0, result_s - env.now))
        if self.t["kind"][tube] == RETEST:
            swab = self.retest_of[tube]
            self.confirmed.append((float(self.swab_time[swab]), env.now))
            self.recalls -= 1
            return
        assert spec is not None
        members = self.members[tube]
        if spec.by == "site":  # each is phoned and comes back to the site's station
            delays = spec.delay.sample(self.streams["recall.delay"], len(members))
            at = env.now + np.sort(delays)
        else:  # a door-to-door team visits them one after another
            home = self.scenario.doorstep
            walk = home.walk if home is not None else spec.delay
            visit = home.per_household if home is not None else spec.delay
            steps = walk.sample(self.streams["recall.walk"], len(members))
            steps = steps + visit.sample(self.streams["recall.visit"], len(members))
            at = env.now + np.cumsum(steps)
        for swab, when in zip(members, at.tolist(), strict=True):
            yield env.timeout(max(0.0, when - env.now))
            self.retest_of[self.add_tube(RETEST, 1, env.now)] = swab
            self.seal(len(self.t["kind"]) - 1)
            self.ring()  # retests are sent as soon as they are taken
        self.recalls -= 1

    def add_tube(self, kind: int, swabs: int, at: float) -> int:
        for name, value in (("kind", kind), ("swabs", swabs), ("first_swab", at), ("closed", at), ("boxed", at),
                            ("at_lab", np.nan), ("result", np.nan)):  # fmt: skip
            self.t[name].append(value)
        self.members.append([])
        return len(self.t["kind"]) - 1

    def run(self, positives: int, doorstep_last_s: float, doorstep_people: int) -> ChainRecords:
        self.env.run()
        tubes = {name: np.asarray(v, dtype=float) for name, v in self.t.items()}
        tubes["kind"] = tubes["kind"].astype(np.int8)
        tubes["swabs"] = tubes["swabs"].astype(np.int32)
        tubes["retest_of"] = np.full(len(tubes["kind"]), -1, dtype=np.int64)  # the swab a retest repeats
        tubes["retest_of"][list(self.retest_of)] = list(self.retest_of.values())
        trips = np.asarray(self.trips, dtype=float).reshape(-1, 4)
        confirmed = np.asarray(self.confirmed, dtype=float).reshape(-1, 2)
        n_original = int(np.sum(tubes["kind"] != RETEST))
        positive_pools = sum(self.tube_positive(t) for t in range(n_original))
        return ChainRecords(
            tubes=tubes,
            trips={"depart": trips[:, 0], "at_lab": trips[:, 1], "back": trips[:, 2], "tubes": trips[:, 3]},
            confirmed={"swab": confirmed[:, 0], "confirmed": confirmed[:, 1]},
            positives=positives, positive_pools=positive_pools, lab_busy_s=self.lab_busy_s,
            lab_servers=self.lab_servers, limit_s=self.spec.limit,
            doorstep_last_s=doorstep_last_s, doorstep_people=doorstep_people,
            recall=self.scenario.recall is not None, doorstep=self.scenario.doorstep is not None,
        )  # fmt: skip


def run_chain(scenario: Scenario, streams: Streams, station: np.ndarray, swab_end: np.ndarray,
              site_tubes_closed: np.ndarray, site_tubes_first: np.ndarray, site_tubes_swabs: np.ndarray,
              forced_positive: list[int] | None = None, tube_of: np.ndarray | None = None) -> ChainRecords:  # fmt: skip
    """The chain for one replication: site tubes (pooled as samples.pool_tubes), home tubes, retests.

    `forced_positive` lists people (rows of the site's records) made positive whatever the
    prevalence: for tests. `tube_of`: each person's site tube (-1: not swabbed), as given by
    samples.pool_site when households fill their own tubes; default the N-in-1 numbering.
    """
    from .doorstep import plan_visits

    if tube_of is None:
        tube_of = tube_members(station, swab_end, scenario.pooling.size)
    swabbed = np.flatnonzero(tube_of >= 0)
    swab_tube = tube_of[swabbed]
    swab_time = swab_end[swabbed]
    n_site = len(site_tubes_closed)
    kind = [SITE] * n_site
    swabs, first, closed = site_tubes_swabs.tolist(), site_tubes_first.tolist(), site_tubes_closed.tolist()
    last_home, home_people = np.nan, 0
    if scenario.doorstep is not None and scenario.doorstep.households:
        visits = plan_visits(scenario, streams)
        n_home = len(visits.swabbed)
        kind += [HOME] * n_home
        swabs += visits.people.tolist()
        first += visits.swabbed.tolist()
        closed += visits.swabbed.tolist()
        home_tube = n_site + np.repeat(np.arange(n_home), visits.people)
        swab_tube = np.r_[swab_tube, home_tube]
        swab_time = np.r_[swab_time, np.repeat(visits.swabbed, visits.people)]
        last_home, home_people = float(visits.swabbed.max()), int(visits.people.sum())
        boxed = site_tubes_closed.tolist() + visits.boxed.tolist()
    else:
        boxed = list(closed)
    prevalence = scenario.recall.prevalence / 10_000 if scenario.recall is not None else 0.0
    positive = streams["recall.positive"].random(len(swab_tube)) < prevalence
    if forced_positive:
        where = {person: k for k, person in enumerate(swabbed.tolist())}
        positive[[where[p] for p in forced_positive]] = True
    if scenario.recall is None:
        positive[:] = False  # without a recall part, positives are not modelled
    tubes = {"kind": np.asarray(kind), "swabs": np.asarray(swabs), "first_swab": np.asarray(first, dtype=float),
             "closed": np.asarray(closed, dtype=float), "boxed": np.asarray(boxed, dtype=float)}  # fmt: skip
    start = min(boxed) if boxed else scenario.clock.open
    chain = Chain(scenario, streams, tubes, swab_tube, swab_time, positive, min(start, scenario.clock.open))
    return chain.run(int(positive.sum()), last_home, home_people)


def chain_of(scenario: Scenario, streams: Streams, station: np.ndarray, swab_end: np.ndarray, tubes: Tubes,
             tube_of: np.ndarray) -> ChainRecords | None:  # fmt: skip
    """The chain of a replication's site tubes (as samples.pool_site sealed them), or None without a samples part.

    `tube_of`: each person's tube (-1: not swabbed).
    """
    if scenario.samples is None:
        return None
    return run_chain(scenario, streams, station, swab_end, tubes.closed, tubes.first_swab, tubes.swabs,
                     tube_of=tube_of)  # fmt: skip
