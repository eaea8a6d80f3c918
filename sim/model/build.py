"""Wiring one replication: draw, build the simpy world, run it, return the records."""

from __future__ import annotations

import numpy as np
import simpy

from ..scenario.schema import Scenario
from ..scenario.staffing import staffing_warnings
from .arrivals import plan_arrivals
from .chain import chain_of
from .community import CommunityWorld
from .records import PENDING, UNSERVED, PersonLog, Records
from .rng import Streams
from .samples import pool_tubes
from .site import Draws, SamplingSite
from .staff import Rotations, site_finished


def draw(scenario: Scenario, streams: Streams, group: np.ndarray) -> Draws:
    """Each person's times from the activity's own stream, scaled by their group's factors."""
    n, site = len(group), scenario.site
    groups = list(scenario.population.values())
    reg_factor = np.array([g.registration_factor for g in groups])[group]
    swab_factor = np.array([g.swab_factor for g in groups])[group]
    zeros = np.zeros(n)
    entry, abnormal = zeros, np.zeros(n, dtype=bool)
    if site.entry_check is not None:
        entry = site.entry_check.time.sample(streams["entry_check"], n)
        abnormal = streams["abnormal"].random(n) < site.entry_check.abnormal
    stay = site.isolation.stay.sample(streams["isolation"], n) if site.isolation else zeros
    registration = None
    if site.sampling.registration is not None:
        registration = site.sampling.registration.sample(streams["registration"], n) * reg_factor
    swab = site.sampling.swab.sample(streams["swab"], n) * swab_factor
    retry = site.waiting.retry
    tries = retry.max_tries if retry else 0
    comes_back = streams["retry"].random((n, tries)) < (retry.share if retry else 0.0)
    after = retry.after.sample(streams["retry_after"], n * tries).reshape(n, tries) if retry else np.zeros((n, 0))
    return Draws(entry, abnormal, stay, registration, swab, comes_back, after)


def run_replication(scenario: Scenario, replication: int, seed: int | None = None, site: int | None = None) -> Records:
    """Simulate one replication of a scenario and return its records.

    `site` numbers a site within a city: it gives the site its own random streams.
    """
    streams = Streams(scenario.seed if seed is None else seed, replication, site)
    plan = plan_arrivals(scenario, streams)
    community = CommunityWorld(scenario, streams, plan) if scenario.community is not None else None
    if community is not None:
        plan = community.plan  # plus visitors and returnees the gates may send to the site
    priority = np.array([0 if g.priority else 1 for g in scenario.population.values()], dtype=np.int8)
    draws = draw(scenario, streams, plan.group)
    if community is not None:
        start = community.start_s
    else:
        start = min(scenario.clock.open, float(plan.times[0])) if len(plan.times) else scenario.clock.open
    env = simpy.Environment(initial_time=start)
    log = PersonLog(len(plan.times))
    log.first_arrival = plan.times.tolist()
    site = SamplingSite(env, scenario, draws, priority[plan.group], log)
    if community is None:
        env.process(site.arrivals(plan.times))
    else:
        community.start(env, site)  # residents reach the site through their courtyard's gate
    clock = scenario.clock
    rotations = Rotations(env, scenario, site, streams) if scenario.staff is not None else None
    if clock.hard_stop is not None:
        env.run(until=clock.hard_stop)
    else:
        env.run()
    end = env.now
    if rotations is not None and community is None and clock.hard_stop is None:
        end = min(end, site_finished(log, clock.open))  # not the staff's last, idle stretch
    log.outcome = [UNSERVED if o == PENDING else o for o in log.outcome]  # still there at the hard stop
    tubes = pool_tubes(
        np.asarray(log.station), np.asarray(log.swab_end, dtype=float), scenario.pooling.size, max(clock.close, end)
    )
    records = Records.from_log(
        log, replication=replication, open_s=clock.open, close_s=clock.close, end_s=end,
        stations=scenario.site.sampling.stations, entry_check=scenario.site.entry_check is not None,
        group=plan.group, building=plan.building,
        call_times=plan.call_times, called=plan.called,
        community=community.records() if community is not None else None,
        tubes=tubes, chain=chain_of(scenario, streams, log.station, log.swab_end, tubes),
        staff=rotations.records(end, staffing_warnings(scenario)) if rotations is not None else None,
    )  # fmt: skip
    return records
