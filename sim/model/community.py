"""The community around the site: residents' trips through their courtyard's gate (卡口), everyday
gate traffic, returnees, and the grid workers who call buildings by timetable or by feedback.

Actors, one generator each:
- a resident leaves home when their building is called (call + the spread drawn as in
  arrivals.py), is checked at the gate going out, walks to the site, is sampled there
  (SamplingSite.person), walks back and is checked coming in;
- background traffic (work, shopping, deliveries, visitors) crosses a gate once; whoever has
  no valid test proof is sent to the site first;
- a returnee (返乡人员) reaches a gate from outside, usually without proof: sent to be tested,
  let home once sampled, held at the gate if the site is closed (the Qingshan Road 2 case);
- a grid worker (网格员) calls the buildings: at the timetable's times, or the next one when the
  site's queue plus residents on their way drops below a threshold (under feedback, one grid
  worker per site, watching that site and calling the buildings of its courtyards).

Several sites (community.sites) share one environment and one PersonLog: each actor goes to
their courtyard's site (walk-ins who come direct, to the main site).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import replace

import numpy as np
import simpy

from ..scenario.community import FlowStep
from ..scenario.schema import Scenario
from .arrivals import ArrivalPlan, household_heads, poisson_times
from .pools import Lanes, Later, ahead, start_at
from .records import (
    BACKGROUND,
    HELD,
    IN,
    ISOLATED,
    OUT,
    PASSAGE_PENDING,
    PASSED,
    REDIRECTED,
    REFERRED,
    RESIDENT,
    RETURNEE,
    SAMPLED,
    CommunityRecords,
    GateLog,
    Sites,
)
from .rng import Streams
from .site import SamplingSite

NAN = float("nan")


def _segments(steps: list[FlowStep], until_s: float) -> list[tuple[float, float, float]]:
    """(start, end, rate per s) of a piecewise-constant rate that stops at until_s."""
    out = []
    for k, step in enumerate(steps):
        end = min(steps[k + 1].at if k + 1 < len(steps) else until_s, until_s)
        if end > step.at:
            out.append((step.at, end, step.rate))
    return out


class CommunityWorld:
    """Draws every actor of the community up front and runs them around its SamplingSites.

    The site's person rows are the arrival plan's rows (residents, walk-ins) followed by one
    row per visitor or returnee who may need the site (no proof, or abnormal at the gate).
    """

    def __init__(self, scenario: Scenario, streams: Streams, plan: ArrivalPlan):
        assert scenario.community is not None
        self.scenario, self.spec = scenario, scenario.community
        self.open_s, self.close_s = scenario.clock.open, scenario.clock.close
        self.gate_names = tuple(self.spec.gate_names())
        self._gates()
        self._residents(plan, streams)
        self._visitors(streams)
        self._paths(streams)
        self.plan = self._site_plan(plan, streams)
        yard_site = np.asarray(self.spec.courtyard_sites(), dtype=np.int32)
        self.site_of = np.where(self.yard >= 0, yard_site[np.maximum(self.yard, 0)], 0).astype(np.int32)
        self.building_site = np.where(self.yard_of_building >= 0, yard_site[np.maximum(self.yard_of_building, 0)], 0)
        self.site_of_row = np.zeros(len(self.plan.times), dtype=np.int32)  # each site row's site
        needs = self.site_row >= 0
        self.site_of_row[self.site_row[needs]] = self.site_of[needs]
        uncalled = self.time[~self.called]
        self.start_s = min(self.open_s, float(np.min(uncalled, initial=np.inf)),
                           float(np.min(self.planned_calls, initial=np.inf)))  # fmt: skip
        n = len(self.time)
        self.residents_of = [np.flatnonzero(self.called & (self.building == b)).tolist()
                             for b in range(len(self.planned_calls))]  # fmt: skip
        self.leave = np.full(n, np.nan)
        self.home = np.full(n, np.nan)
        self.sampled = np.zeros(n, bool)
        self.log = GateLog()
        self.en_route = [0] * len(self.spec.site_names())  # residents on their way, per site
        self.uncalled = 0

    def _gates(self) -> None:
        """Number the gates courtyard by courtyard: lanes, layout, and which gates each courtyard has."""
        spec = self.spec
        self.yard_gates: list[list[int]] = []
        self.layouts: list[str] = []
        self.lanes: list[int] = []
        for yard in spec.courtyards:
            self.yard_gates.append(list(range(len(self.lanes), len(self.lanes) + len(yard.gates))))
            self.layouts += [gate.layout or spec.layout for gate in yard.gates]
            self.lanes += [gate.lanes for gate in yard.gates]

    def _residents(self, plan: ArrivalPlan, streams: Streams) -> None:
        """One actor per row of the arrival plan: called residents and walk-ins, with their courtyard."""
        spec, callup = self.spec, self.scenario.arrivals.callup
        names = [b.name for b in callup.buildings] if callup else []
        yard_of_building = np.full(len(names), -1)
        for k, members in enumerate(spec.building_names(names)):
            for name in members:
                yard_of_building[names.index(name)] = k
        self.yard_of_building = yard_of_building
        residents = np.array([b.residents for b in callup.buildings]) if callup else np.zeros(0)
        weight = np.array([
            float(yard.residents) if yard.residents is not None else float(residents[yard_of_building == k].sum())
            for k, yard in enumerate(spec.courtyards)
        ])  # fmt: skip
        self.share = weight / weight.sum() if weight.sum() > 0 else np.full(len(weight), 1 / len(weight))
        self.called = plan.building >= 0
        building = np.maximum(plan.building, 0)
        yard = np.where(self.called, yard_of_building[building], -1) if len(names) else np.full(len(plan.times), -1)
        if spec.walk_ins == "via_gates":
            pick = streams["community.walk_ins"].choice(len(self.share), size=len(plan.times), p=self.share)
            yard = np.where(self.called, yard, pick)
        self.yard = yard.astype(np.int32)
        self.delay = np.where(self.called, plan.times - plan.call_times[building], 0.0) if len(names) else \
            np.zeros(len(plan.times))  # fmt: skip
        self.building = plan.building
        self.household = plan.household  # per plan row; visitors and returnees are in none
        self.planned_calls = plan.call_times
        self.time = plan.times
        self.kind = np.full(len(plan.times), RESIDENT, dtype=np.int8)
        self.direction = np.full(len(plan.times), OUT, dtype=np.int8)
        self.no_proof = np.zeros(len(plan.times), dtype=bool)

    def _visitors(self, streams: Streams) -> None:
        """Background traffic and returnees: Poisson flows of the whole community, split by residents."""
        spec = self.spec
        until = spec.until if spec.until is not None else self.close_s
        flows = []
        if spec.background is not None:
            bg = spec.background
            flows += [("background.outbound", BACKGROUND, OUT, bg.outbound, bg.no_proof),
                      ("background.inbound", BACKGROUND, IN, bg.inbound, bg.no_proof)]  # fmt: skip
        if spec.returnees is not None:
            flows.append(("returnees", RETURNEE, IN, spec.returnees.profile, spec.returnees.no_proof))
        n0 = len(self.time)
        kinds, dirs, times, no_proof = [self.kind], [self.direction], [self.time], [self.no_proof]
        for key, kind, direction, steps, share_no_proof in flows:
            t = poisson_times(_segments(steps, until), streams[f"community.{key}"])
            kinds.append(np.full(len(t), kind, dtype=np.int8))
            dirs.append(np.full(len(t), direction, dtype=np.int8))
            times.append(t)
            no_proof.append(streams[f"community.{key}.no_proof"].random(len(t)) < share_no_proof)
        self.kind, self.direction = np.concatenate(kinds), np.concatenate(dirs)
        self.time, self.no_proof = np.concatenate(times), np.concatenate(no_proof)
        extra = len(self.time) - n0
        yard = streams["community.courtyard"].choice(len(self.share), size=extra, p=self.share)
        self.yard = np.concatenate([self.yard, yard]).astype(np.int32)
        self.delay = np.concatenate([self.delay, np.zeros(extra)])
        self.called = np.concatenate([self.called, np.zeros(extra, bool)])
        self.building = np.concatenate([self.building, np.full(extra, -1)])
        self.abnormal = (streams["community.abnormal"].random(len(self.time)) < spec.check.abnormal) & (self.yard >= 0)

    def _paths(self, streams: Streams) -> None:
        """Each actor's gate (the same both ways), walk each way, and check time per passage."""
        spec, n = self.spec, len(self.time)
        u = streams["community.gate"].random(n)
        self.gate = np.full(n, -1, dtype=np.int32)
        self.walk = np.zeros((n, 2))
        walk_rng = streams["community.walk"]
        for k, court in enumerate(spec.courtyards):
            mine = np.flatnonzero(self.yard == k)
            gates = np.array(self.yard_gates[k])
            self.gate[mine] = gates[(u[mine] * len(gates)).astype(int)]
            self.walk[mine] = (court.walk or spec.walk).sample(walk_rng, 2 * len(mine)).reshape(len(mine), 2)
        members, head = household_heads(self.household)  # a household keeps together: one gate, one walk
        self.gate[members], self.walk[members] = self.gate[head], self.walk[head]
        self.check_s = np.zeros((2, n, 2))  # [direction, actor, passage]
        for step in spec.check.steps:
            t = step.time.sample(streams[f"community.check.{step.name}"], 2 * n).reshape(n, 2)
            for direction, word in ((OUT, "out"), (IN, "in")):
                if step.on in ("both", word):
                    self.check_s[direction] += t

    def _site_plan(self, plan: ArrivalPlan, streams: Streams) -> ArrivalPlan:
        """The site's rows: the plan's, then one per visitor who may need the site (no proof, abnormal)."""
        n0 = len(plan.times)
        needs_site = (self.no_proof | self.abnormal)[n0:]
        extra = int(needs_site.sum())
        self.site_row = np.concatenate([np.arange(n0), np.full(len(self.time) - n0, -1)])
        self.site_row[n0 + np.flatnonzero(needs_site)] = n0 + np.arange(extra)
        shares = np.array([g.share for g in self.scenario.population.values()])
        group = streams["community.groups"].choice(len(shares), size=extra, p=shares / shares.sum())
        call_times = plan.call_times.copy()
        if self.spec.control == "feedback":
            call_times[:] = np.nan  # filled in when the grid worker calls
        return replace(
            plan,
            times=np.concatenate([plan.times, self.time[n0:][needs_site]]),
            building=np.concatenate([plan.building, np.full(extra, -1)]),
            household=np.concatenate([plan.household, np.full(extra, -1, dtype=np.int64)]),
            group=np.concatenate([plan.group, group.astype(np.int8)]),
            call_times=call_times,
        )

    # --- running -----------------------------------------------------------------------------

    def start(self, env: simpy.Environment, sites: list[SamplingSite]) -> None:
        """Create the gates and start the grid worker(s), the walk-ins, visitors and returnees.

        `sites`: the main site, then community.sites in their order (all on one PersonLog).
        """
        self.env, self.sites, self.site = env, sites, sites[0]
        self.pools: list[tuple[Lanes, Lanes]] = []
        for lanes, layout in zip(self.lanes, self.layouts, strict=True):
            out = Lanes(lanes)
            self.pools.append((out, out) if layout == "shared" else (out, Lanes(lanes)))
        # what the processes read, as plain lists (numpy scalars are slow to index and to add)
        self._gate, self._yard, self._kind = self.gate.tolist(), self.yard.tolist(), self.kind.tolist()
        self._site_of, self._site_row = self.site_of.tolist(), self.site_row.tolist()
        self._walk, self._check = self.walk.tolist(), self.check_s.tolist()
        self._abnormal, self._no_proof = self.abnormal.tolist(), self.no_proof.tolist()
        self._direction, self._delay = self.direction.tolist(), self.delay.tolist()
        self._leave, self._home = self.leave.tolist(), self.home.tolist()
        self._sampled = self.sampled.tolist()
        env.process(self.starter(np.flatnonzero(~self.called)))
        if self.called.any():
            if self.spec.control == "timetable":
                env.process(self.grid_worker_timetable())
            else:
                for k in range(len(sites)):
                    order = [b for b in self.call_order() if self.building_site[b] == k]
                    if order:
                        env.process(self.grid_worker_feedback(k, order))

    def starter(self, actors: np.ndarray) -> Generator[simpy.Event, object, None]:
        """Start each uncalled actor (walk-in, visitor, returnee) at their time, one event each: a resident's
        process starts then (Later); a visitor reaches the gate in a timeout's callback, and is a process
        only if the gate sends them on (pools.ahead schedules them a batch at a time)."""
        env = self.env
        order = actors[np.argsort(self.time[actors], kind="stable")].tolist()

        def start(k: int, delay: float) -> None:
            a = order[k]
            if self._kind[a] == RESIDENT:
                Later(env, self.resident(a), delay)
            else:
                env.timeout(delay).callbacks.append(lambda _: self.start_visitor(a))

        return ahead(env, self.time[order].tolist(), start)

    def call(self, b: int) -> None:
        """A grid worker calls building b: its residents leave home after their own delay."""
        self.plan.call_times[b] = self.env.now
        delay, residents = self._delay, self.residents_of[b]
        leaving = sorted(residents, key=delay.__getitem__)  # each leaves home after their own delay
        now = self.env.now
        self.env.process(start_at(self.env, [now + delay[a] for a in leaving], lambda k: self.resident(leaving[k])))

    def call_order(self) -> list[int]:
        return np.argsort(self.planned_calls, kind="stable").tolist()

    def grid_worker_timetable(self) -> Generator[simpy.Event, None, None]:
        env = self.env
        for b in self.call_order():
            t = float(self.planned_calls[b])
            if t > env.now:
                yield env.timeout(t - env.now)
            self.call(b)

    def waiting_and_on_the_way(self, k: int = 0) -> int:
        """What site k's grid worker watches: people waiting at the site and residents on their way there."""
        return self.sites[k].waiting() + self.en_route[k]

    def grid_worker_feedback(self, site: int, order: list[int]) -> Generator[simpy.Event, None, None]:
        """Call the next building (of `order`) once the site's queue plus people on the way is under the threshold."""
        env, fb = self.env, self.spec.feedback
        first = float(self.planned_calls[order].min())
        if first > env.now:
            yield env.timeout(first - env.now)
        for k, b in enumerate(order):
            if k > 0:
                last = env.now
                yield env.timeout(fb.min_interval)
                give_up = last + fb.max_interval if fb.max_interval is not None else np.inf
                while self.waiting_and_on_the_way(site) >= fb.threshold and env.now < min(self.close_s, give_up):
                    yield env.timeout(min(fb.check_every, max(give_up - env.now, 0.0)))
            if env.now >= self.close_s:
                self.uncalled += len(order) - k  # admissions have stopped
                return
            self.call(b)

    def resident(self, a: int) -> Generator[simpy.Event, object, None]:
        """Leave home, out through the gate, walk, be sampled, walk back, in through the gate, home.

        The gate's queue, its check and the walk after it are one wait (gates are first come, first served).
        """
        env = self.env
        self._leave[a] = env.now
        gated, k = self._yard[a] >= 0, self._site_of[a]
        self.en_route[k] += 1
        if gated:
            outcome, done = self.cross(a, OUT, 0, on_test_trip=True)
            if outcome == REFERRED:
                self.en_route[k] -= 1
                yield from self.to_isolation(a, done)
                return
            yield env.timeout(done - env.now + self._walk[a][0])
        self.en_route[k] -= 1
        done = yield from self.at_site(a)
        if self.site.outcome(self._site_row[a]) == ISOLATED:
            return  # taken from the site's isolation zone, not home
        if not gated:
            self._home[a] = done
            return
        self.cross_later(a, done + self._walk[a][1], on_test_trip=True)  # the rest of the swab, the walk back

    def start_visitor(self, a: int) -> None:
        """Someone at a gate from outside or inside, checked in turn; a process only if they must go on to the
        site (no proof) or to the isolation zone (abnormal)."""
        self._leave[a] = self.env.now
        direction = self._direction[a]
        outcome, done = self.cross(a, direction, 0, on_test_trip=False)
        if outcome in (REDIRECTED, REFERRED):
            self.env.process(self.visitor_after(a, outcome, done))
        elif outcome == PASSED and direction == IN:
            self._home[a] = done

    def visitor_after(self, a: int, outcome: int, done: float) -> Generator[simpy.Event, object, None]:
        """Sent on from the gate: to the site to be tested (no proof), or to the isolation zone (abnormal)."""
        env = self.env
        if outcome == REFERRED:
            yield from self.to_isolation(a, done)
            return
        yield env.timeout(done - env.now + self._walk[a][0])
        done = yield from self.at_site(a)
        if self._direction[a] == OUT or self.site.outcome(self._site_row[a]) == ISOLATED:
            return  # sampled on the way out, then gone about their business (or isolated)
        self.cross_later(a, done + self._walk[a][1], on_test_trip=False)

    def cross(self, a: int, direction: int, k: int, on_test_trip: bool) -> tuple[int, float]:
        """Join the gate's queue now and be checked in turn ("一扫三查一测"); the outcome and when the check ends."""
        now = self.env.now
        start, done = self.pools[self._gate[a]][direction].book(now, self._check[direction][a][k])
        return self.passage(a, direction, k, on_test_trip, now, start, done), done

    def cross_later(self, a: int, t: float, on_test_trip: bool) -> None:
        """Back at the gate at t, on the way in, for a check in turn; home after it, if let in. Nothing the
        simulation needs follows, so the walk there is no event: the gate books it in its turn (Lanes.defer)."""

        def booked(start: float, done: float) -> None:
            if self.passage(a, IN, 1, on_test_trip, t, start, done) == PASSED:
                self._home[a] = done

        self.pools[self._gate[a]][IN].defer(t, self._check[IN][a][1], booked)

    def settle(self, hard_stop_s: float | None) -> float:
        """Book the gates' deferred joins (up to the hard stop); returns the latest of them (-inf if none)."""
        latest = -math.inf
        for pools in self.pools:
            for lanes in dict.fromkeys(pools):  # a shared gate's lanes once, in a fixed order
                lanes.settle(math.inf if hard_stop_s is None else hard_stop_s, before=hard_stop_s is not None)
                latest = max(latest, lanes.latest)
        return latest

    def passage(self, a: int, direction: int, k: int, on_test_trip: bool, t: float, start: float, done: float
                ) -> int:  # fmt: skip
        """Record a's passage (joined at t, checked from start to done, crossing k of their day) and its outcome."""
        log = self.log
        row = log.joined(self._gate[a], direction, a, t)
        log.start[row], log.end[row] = start, done
        if k == 0 and self._abnormal[a]:
            outcome = REFERRED  # fever or a yellow/red code: to the isolation zone
        elif on_test_trip or not self._no_proof[a] or self._sampled[a]:
            outcome = PASSED
        elif k > 0 or done >= self.close_s:
            outcome = HELD  # no proof and no way to be tested today
        else:
            outcome = REDIRECTED
        log.outcome[row] = outcome
        return outcome

    def at_site(self, a: int) -> Generator[simpy.Event, object, float]:
        """Go through the actor's sampling site; returns when they leave it (the swab may still be going on)."""
        row, site = self._site_row[a], self.sites[self._site_of[a]]
        done = yield from site.visit(row)  # their time at the site, retries included
        self._sampled[a] = site.outcome(row) == SAMPLED
        return done

    def to_isolation(self, a: int, done: float) -> Generator[simpy.Event, object, None]:
        """Referred at the gate (checked until `done`): walk to the site's temporary isolation zone."""
        yield self.env.timeout(done - self.env.now + self._walk[a][0])
        yield from self.sites[self._site_of[a]].refer(self._site_row[a])

    # --- records -----------------------------------------------------------------------------

    def site_layout(self) -> Sites | None:
        """Which site each person row went to, when the community has further sites."""
        if not self.spec.sites:
            return None
        specs = [self.scenario.site, *self.spec.sites.values()]
        return Sites(
            names=tuple(self.spec.site_names()),
            stations=tuple(spec.sampling.stations for spec in specs),
            entry_check=tuple(spec.entry_check is not None for spec in specs),
            of_person=self.site_of_row,
        )

    def set_out(self) -> np.ndarray:
        """When each person row set out: left home (residents), reached a gate (visitors), or was due to.

        Residents of buildings never called count from their planned time, like the site's record of them.
        """
        rows = self.site_row >= 0
        out = np.full(len(self.plan.times), np.nan)
        left = np.where(np.isnan(self.leave), self.time, self.leave)
        out[self.site_row[rows]] = left[rows]
        return out

    def records(self, hard_stop_s: float | None) -> CommunityRecords:
        """The community's records; also puts residents who never reached the site on the site's record.

        A resident still at home or on the way when the replication stopped (or whose building was
        never called) was planned to come: they count as arrived at their planned time, unserved.
        Checks booked to start or end after the hard stop had not happened when service ended: their
        passage is pending, and nobody got home by one.
        """
        self.leave, self.home = np.asarray(self._leave, dtype=float), np.asarray(self._home, dtype=float)
        self.sampled = np.asarray(self._sampled, dtype=bool)
        if hard_stop_s is not None:
            self.home[self.home > hard_stop_s] = np.nan
            log = self.log
            for row in np.flatnonzero(np.asarray(log.end) > hard_stop_s).tolist():
                log.outcome[row] = PASSAGE_PENDING
                log.end[row] = NAN
                if log.start[row] > hard_stop_s:
                    log.start[row] = NAN
        for a in np.flatnonzero(self.kind == RESIDENT).tolist():
            planned = float(self.leave[a]) if self.leave[a] == self.leave[a] else float(self.time[a])
            self.site.count_absent(int(self.site_row[a]), planned)
        return CommunityRecords(
            gate_names=self.gate_names,
            passages=self.log.columns(),
            actors={
                "kind": self.kind,
                "courtyard": self.yard,
                "site_row": self.site_row,
                "leave": self.leave,
                "home": self.home,
                "sampled": self.sampled,
                "no_proof": self.no_proof,
                "gate": self.gate,
            },  # fmt: skip
            control=self.spec.control,
            uncalled=self.uncalled,
        )
