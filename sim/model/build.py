"""Wiring one replication: draw, build the simpy world, run it, return the records."""

from __future__ import annotations

import numpy as np
import simpy

from ..scenario.schema import Scenario, Site
from ..scenario.staffing import staffing_warnings
from .arrivals import plan_arrivals
from .chain import chain_of
from .community import CommunityWorld
from .records import PENDING, UNSERVED, PersonLog, Records
from .rng import SiteStreams, Streams
from .samples import pool_site
from .site import Draws, SamplingSite
from .staff import Rotations, site_finished


def draw(scenario: Scenario, streams: Streams, group: np.ndarray, site: Site | None = None) -> Draws:
    """Each person's times from the activity's own stream, scaled by their group's factors.

    `site`: one of community.sites (default the scenario's site).
    """
    n, site = len(group), site if site is not None else scenario.site
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


def further_sites(env: simpy.Environment, scenario: Scenario, streams: Streams, group: np.ndarray,
                  priority: np.ndarray, log: PersonLog, household: np.ndarray | None = None
                  ) -> list[SamplingSite]:  # fmt: skip
    """community.sites: one SamplingSite each, with its own draws; stations numbered after the main site's."""
    assert scenario.community is not None
    first, out = scenario.site.sampling.stations, []
    for name, spec in scenario.community.sites.items():
        draws = draw(scenario, SiteStreams(streams, name), group, spec)
        out.append(SamplingSite(env, scenario, draws, priority, log, spec=spec, first_station=first,
                                household=household))  # fmt: skip
        first += spec.sampling.stations
    return out


def run_replication(scenario: Scenario, replication: int, seed: int | None = None, site: int | None = None) -> Records:
    """Simulate replication 1, 2, ... of a scenario and return its records.

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
    site = SamplingSite(env, scenario, draws, priority[plan.group], log, household=plan.household)
    if community is None:
        env.process(site.arrivals(plan.times))
    else:
        sites = [site, *further_sites(env, scenario, streams, plan.group, priority[plan.group], log, plan.household)]
        community.start(env, sites)  # residents reach their site through their courtyard's gate
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
    tubes, tube_of = pool_site(np.asarray(log.station), np.asarray(log.swab_end, dtype=float), plan.household,
                               scenario.pooling.size, max(clock.close, end))  # fmt: skip
    layout = community.site_layout() if community is not None else None  # several sites, or None
    community_records = community.records() if community is not None else None
    set_out = community.set_out() if community is not None else np.asarray(log.first_arrival, dtype=float)
    records = Records.from_log(
        log, {"household": plan.household, "tube": tube_of, "set_out": set_out}, replication=replication,
        open_s=clock.open, close_s=clock.close, end_s=end, group_names=tuple(scenario.population),
        stations=sum(layout.stations) if layout else scenario.site.sampling.stations,
        entry_check=any(layout.entry_check) if layout else scenario.site.entry_check is not None, sites=layout,
        group=plan.group, building=plan.building,
        call_times=plan.call_times, called=plan.called,
        community=community_records,
        tubes=tubes, chain=chain_of(scenario, streams, log.station, log.swab_end, tubes, tube_of),
        staff=rotations.records(end, staffing_warnings(scenario)) if rotations is not None else None,
    )  # fmt: skip
    return records
