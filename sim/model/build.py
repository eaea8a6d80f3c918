"""Wiring one replication: draw, build the simpy world, hand the staff their posts, run, return the records."""

from __future__ import annotations

import numpy as np
import simpy

from ..scenario.schema import Scenario, Site
from ..scenario.staffing import staffing_warnings
from .arrivals import ArrivalPlan, plan_arrivals
from .chain import chain_of
from .community import CommunityWorld
from .records import People, PersonLog, Records
from .rng import SiteStreams, Streams
from .samples import pool_site
from .site import Draws, Post, SamplingSite, finish
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


def build_sites(env: simpy.Environment, scenario: Scenario, streams: Streams, plan: ArrivalPlan,
                log: PersonLog) -> list[SamplingSite]:  # fmt: skip
    """The main site, then community.sites, each with its own draws; stations numbered across them."""
    priority = np.array([0 if g.priority else 1 for g in scenario.population.values()], dtype=np.int8)[plan.group]
    sites = [SamplingSite(env, scenario, draw(scenario, streams, plan.group), priority, log, household=plan.household)]
    first = scenario.site.sampling.stations
    for name, spec in scenario.community.sites.items() if scenario.community is not None else ():
        draws = draw(scenario, SiteStreams(streams, name), plan.group, spec)
        sites.append(SamplingSite(env, scenario, draws, priority, log, spec=spec, first_station=first,
                                  household=plan.household))  # fmt: skip
        first += spec.sampling.stations
    return sites


def staff_posts(scenario: Scenario, site: SamplingSite) -> dict[str, list[Post]]:
    """Every rotated role's posts at the site: stations for samplers and registrars, entry lanes, marshals' beats."""
    assert scenario.staff is not None
    out: dict[str, list[Post]] = {}
    stations = range(len(site.stations))
    for name, role in scenario.staff.roles().items():
        if name in ("sampler", "registrar"):
            out[name] = [site.stations.post(k, sampler=name == "sampler") for k in stations]
        elif name == "entry_checker":
            assert site.entry is not None  # the scenario refuses entry checkers without an entry check
            out[name] = [site.entry.post(k) for k in range(site.entry.capacity)]
        else:
            out[name] = [Post() for _ in range(role.on_duty or 0)]
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
    if community is not None:
        start = community.start_s
    else:
        start = min(scenario.clock.open, float(plan.times[0])) if len(plan.times) else scenario.clock.open
    env = simpy.Environment(initial_time=start)
    log = PersonLog.empty(len(plan.times))
    sites = build_sites(env, scenario, streams, plan, log)
    main = sites[0]
    if community is None:
        env.process(main.arrivals(plan.times))
    else:
        community.start(env, sites)  # residents reach their site through their courtyard's gate
    rotations = None
    if scenario.staff is not None:
        stations = [main.stations.post(k, sampler=True) for k in range(len(main.stations))]
        rotations = Rotations(env, scenario, staff_posts(scenario, main), stations, main.busy, streams)
    clock = scenario.clock
    if clock.hard_stop is not None:
        env.run(until=clock.hard_stop)
    else:
        env.run()
    end = env.now
    if community is not None:  # the walks home booked at the gates ahead (Lanes.defer) end the day like events
        end = max(end, community.settle(clock.hard_stop))
    if rotations is not None and community is None and clock.hard_stop is None:
        end = min(end, site_finished(log, clock.open))  # not the staff's last, idle stretch
    if community is None:  # every planned arrival is on record, also those the hard stop came before
        for i, t in enumerate(plan.times.tolist()):
            main.count_absent(i, t)
    community_records = community.records(clock.hard_stop) if community is not None else None
    finish(log)  # whoever is still pending at the hard stop is unserved
    station, swab_end = np.asarray(log.station), np.asarray(log.swab_end, dtype=float)
    tubes, tube_of = pool_site(station, swab_end, plan.household, scenario.pooling.size, clock.close)
    set_out = community.set_out() if community is not None else np.asarray(log.first_arrival, dtype=float)
    layout = community.site_layout() if community is not None else None  # several sites, or None
    return Records(
        replication=replication, open_s=clock.open, close_s=clock.close, end_s=end,
        people=People.from_log(log, plan.household, tube_of, set_out),
        stations=sum(layout.stations) if layout else scenario.site.sampling.stations,
        entry_check=any(layout.entry_check) if layout else scenario.site.entry_check is not None, sites=layout,
        group=plan.group, building=plan.building, call_times=plan.call_times, called=plan.called,
        community=community_records, tubes=tubes, group_names=tuple(scenario.population),
        chain=chain_of(scenario, streams, station, swab_end, tubes, tube_of),
        staff=rotations.records(end, staffing_warnings(scenario)) if rotations is not None else None,
    )  # fmt: skip
