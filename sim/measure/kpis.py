"""KPIs of one replication: pure functions of its records. Times are in minutes.

With several sites (community.sites) the core KPIs cover all sites together; each site also gets
``site.<name>.<KPI>`` for the names in SITE_KPIS, computed the same way on its own people.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..model.records import ISOLATED, SAMPLED, TURNED_AWAY, UNSERVED, Records
from .chain_kpis import part_kpis
from .checkpoint_kpis import checkpoint_kpis, queue_on_the_way_s
from .occupancy import intervals, peak, time_average, union_length

CORE_KPIS = (
    "people.arrived", "people.sampled", "people.turned_away", "people.isolated", "people.unserved",
    "throughput.per_hour", "time.completion_min",
    "wait.total.mean_min", "wait.total.p95_min", "wait.total.max_min",
    "wait.entry_check.mean_min", "wait.sampling.mean_min", "time.in_site.mean_min",
    "zone.waiting.peak", "zone.outside.peak", "stations.utilization", "samples.tubes",
)  # fmt: skip

SITE_KPIS = (
    "people.arrived", "people.sampled", "people.turned_away", "people.isolated", "people.unserved",
    "time.completion_min", "wait.total.mean_min", "wait.total.p95_min", "wait.total.max_min",
    "wait.sampling.mean_min", "zone.waiting.peak", "zone.outside.peak", "stations.utilization", "samples.tubes",
)  # fmt: skip


NAN = float("nan")  # a KPI with no value in a replication (nobody swabbed, no case): missing, not 0


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else NAN


def _pct(x: np.ndarray, q: float) -> float:
    return float(np.percentile(x, q)) if len(x) else NAN


def _max(x: np.ndarray) -> float:
    return float(np.max(x)) if len(x) else NAN


def zone_intervals(rec: Records) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """[in, out) of each zone for every person, in seconds since midnight."""
    p, horizon = rec.people, rec.end_s
    admitted = p["arrival"] < rec.close_s
    entry_queue_start = np.where(admitted, p["arrival"], np.nan) if rec.entry_check else np.full(rec.n, np.nan)
    if rec.sites is not None:  # only people at a site with an entry check queue for it
        has_entry = np.asarray(rec.sites.entry_check, dtype=bool)[rec.sites.of_person]
        entry_queue_start = np.where(has_entry, entry_queue_start, np.nan)
    return {
        "entry_queue": intervals(entry_queue_start, p["entry_start"], horizon),
        "outside": intervals(p["queue_join"], p["zone_in"], horizon),
        "waiting": intervals(p["zone_in"], p["station_start"], horizon),
        "stations": intervals(p["station_start"], p["swab_end"], horizon),
        "isolation": intervals(p["iso_in"], p["iso_out"], horizon),
        "isolation_overflow": intervals(np.where(p["outcome"] == ISOLATED, p["entry_end"], np.nan), p["iso_in"], horizon),
    }  # fmt: skip


def counted(rec: Records, warmup_s: float) -> np.ndarray:
    """People in the KPIs: everyone who came; with a warmup, only those who came at or after open + warmup.

    Without a warmup, residents who queue before the doors open are counted like everyone else.
    """
    first = rec.people["first_arrival"]
    came = ~np.isnan(first)
    return came if warmup_s <= 0 else came & (first >= rec.open_s + warmup_s)


def due(rec: Records, warmup_s: float) -> np.ndarray:
    """People the plan expects to swab: everyone who set out (left home, or came), except the isolated.

    Those referred to the isolation zone are handed over there, not left unswabbed. With a warmup, only
    people who set out at or after open + warmup.
    """
    set_out = rec.people["set_out"]
    keep = ~np.isnan(set_out) & (rec.people["outcome"] != ISOLATED)
    return keep if warmup_s <= 0 else keep & (set_out >= rec.open_s + warmup_s)


def stations_open(rec: Records) -> int:
    """Stations opened for the day: all of them, or those the staff could keep staffed (staff.open_posts)."""
    if rec.staff is None:
        return rec.stations
    opened = [rec.staff.open[role] for role in ("sampler", "registrar") if role in rec.staff.open]
    return min(opened) if opened else rec.stations


def unswabbed_kpis(rec: Records, warmup_s: float) -> dict[str, float]:
    """Who set out and was not swabbed, and why: ``people.unswabbed`` and its causes, ``coverage.share``.

    - ``set_out_late``: set out too late to reach the site before admissions stopped, even without
      queueing on the way (called too late, a late-comer);
    - ``delayed``: would have reached the site in time but for the queue at a gate, or was held at one;
    - ``turned_away``: sent away for good at a full waiting zone;
    - ``hard_stop``: inside the site, not yet at a sampler, when service ended.
    """
    p, keep = rec.people, due(rec, warmup_s)
    outcome, set_out = p["outcome"][keep], p["set_out"][keep]
    arrival = p["arrival"][keep]
    gate_queue = np.nan_to_num(queue_on_the_way_s(rec)[keep])
    missed = (outcome == UNSERVED) | (outcome == TURNED_AWAY)
    unserved = missed & (outcome == UNSERVED)
    too_late = unserved & ~(arrival < rec.close_s)  # reached the site after admissions stopped, or never
    delayed = too_late & (set_out < rec.close_s) & (np.isnan(arrival) | (arrival - gate_queue < rec.close_s))
    late = too_late & ~delayed
    hard_stop = unserved & (arrival < rec.close_s)
    swabbed = int(np.sum(outcome == SAMPLED))
    n_missed = int(missed.sum())
    return {
        "people.unswabbed": float(n_missed),
        "people.unswabbed.set_out_late": float(late.sum()),
        "people.unswabbed.delayed": float(delayed.sum()),
        "people.unswabbed.turned_away": float(np.sum(outcome == TURNED_AWAY)),
        "people.unswabbed.hard_stop": float(hard_stop.sum()),
        "coverage.share": swabbed / (swabbed + n_missed) if swabbed + n_missed else NAN,
    }


def trip_kpis(rec: Records, warmup_s: float) -> dict[str, float]:
    """The whole trip: set out (home, or arrival where there is no community) → swab starts, in minutes."""
    p = rec.people
    sampled = due(rec, warmup_s) & (p["outcome"] == SAMPLED)
    door = (p["swab_start"] - p["set_out"])[sampled] / 60
    reached = due(rec, warmup_s) & ~np.isnan(p["first_arrival"])
    return {
        "time.last_arrival_min": _max((p["first_arrival"][reached] - rec.open_s) / 60),
        "wait.door_to_swab.mean_min": _mean(door),
        "wait.door_to_swab.p95_min": _pct(door, 95),
        "wait.door_to_swab.max_min": _max(door),
        "time.to_site.mean_min": _mean((p["first_arrival"] - p["set_out"])[sampled] / 60),
    }


def group_kpis(rec: Records, wait_total_min: np.ndarray, sampled: np.ndarray) -> dict[str, float]:
    """``group.<name>.wait.total.mean_min`` and ``.p95_min`` per population group (arrival at site → swab)."""
    if len(rec.group_names) < 2:
        return {}
    out = {}
    groups = rec.group[sampled]
    for k, name in enumerate(rec.group_names):
        mine = wait_total_min[groups == k]
        out[f"group.{name}.wait.total.mean_min"] = _mean(mine)
        out[f"group.{name}.wait.total.p95_min"] = _pct(mine, 95)
    return out


def station_busy_s(rec: Records) -> float:
    """Total time stations were occupied (registrar or sampler busy), summed over stations."""
    p = rec.people
    done = ~np.isnan(p["station_start"])
    start, end, station = p["station_start"][done], p["swab_end"][done], p["station"][done]
    end = np.where(np.isnan(end), rec.end_s, end)
    busy = 0.0
    for s in np.unique(station):
        mine = station == s
        busy += union_length(start[mine], end[mine])
    return busy


def replication_kpis(rec: Records, warmup_s: float = 0.0) -> dict[str, float]:
    """Every KPI of one replication (NaN where a KPI has no value in it, e.g. nobody swabbed)."""
    p, keep = rec.people, counted(rec, warmup_s)
    outcome = p["outcome"][keep]
    sampled = keep & (p["outcome"] == SAMPLED)
    swab_end_all = p["swab_end"][~np.isnan(p["swab_end"])]
    last_swab = float(swab_end_all.max()) if len(swab_end_all) else rec.open_s
    span_s = max(last_swab - rec.open_s, 1e-9)
    wait_total = (p["swab_start"] - p["arrival"])[sampled] / 60
    entry_wait = (p["entry_start"] - p["arrival"])[keep & ~np.isnan(p["entry_start"])] / 60
    if not rec.entry_check:
        entry_wait = np.zeros(int(sampled.sum()))  # no entry check: nobody waits for one
    queued = keep & ~np.isnan(p["station_start"])
    zones = zone_intervals(rec)
    n_sampled = int(sampled.sum())
    n_open = stations_open(rec)
    tubes = np.unique(p["tube"][keep & (p["tube"] >= 0)])
    kpis = {
        "people.arrived": float(keep.sum()),
        "people.sampled": float(n_sampled),
        "people.turned_away": float(np.sum(outcome == TURNED_AWAY)),
        "people.isolated": float(np.sum(outcome == ISOLATED)),
        "people.unserved": float(np.sum(outcome == UNSERVED)),
        "throughput.per_hour": n_sampled / (max(last_swab - rec.open_s - warmup_s, 1e-9) / 3600) if n_sampled else 0.0,
        "time.completion_min": (last_swab - rec.open_s) / 60 if len(swab_end_all) else NAN,
        "wait.total.mean_min": _mean(wait_total),
        "wait.total.p95_min": _pct(wait_total, 95),
        "wait.total.max_min": _max(wait_total),
        "wait.entry_check.mean_min": _mean(entry_wait),
        "wait.sampling.mean_min": _mean((p["station_start"] - p["queue_join"])[queued] / 60),
        "time.in_site.mean_min": _mean((p["swab_end"] - p["arrival"])[sampled] / 60),
        "zone.waiting.peak": float(peak(*zones["waiting"])),
        "zone.outside.peak": float(peak(*zones["outside"])),
        "zone.isolation.peak": float(peak(*zones["isolation"])),
        "zone.isolation_overflow.peak": float(peak(*zones["isolation_overflow"])),
        "zone.waiting.mean": time_average(*zones["waiting"], rec.open_s, last_swab),
        "stations.open": float(n_open),
        "stations.utilization": station_busy_s(rec) / (n_open * span_s) if n_open and len(swab_end_all) else NAN,
        "samples.tubes": float(len(tubes)),
        "samples.swabs_per_tube": float(rec.tubes.swabs.mean()) if len(rec.tubes) else NAN,
        "samples.household_tubes": float(rec.tubes.households),  # one per household of a sealed compound
        "isolation.wait.max_min": _max((p["iso_in"] - p["entry_end"])[~np.isnan(p["iso_in"])] / 60),
        "people.called": float(rec.called.sum()),
    }
    kpis.update(unswabbed_kpis(rec, warmup_s))
    kpis.update(trip_kpis(rec, warmup_s))
    kpis.update(group_kpis(rec, wait_total, sampled))
    kpis.update(checkpoint_kpis(rec, warmup_s))  # gates and trips, only when the scenario has a community
    kpis.update(part_kpis(rec))  # staff, sample chain, recall, door-to-door: only when the scenario has them
    kpis.update(site_kpis(rec, warmup_s))  # per site, only when the community has several
    return kpis


def site_records(rec: Records, k: int) -> Records:
    """The records of site k alone (its people, stations and tubes) of a several-site replication."""
    assert rec.sites is not None
    mine = rec.sites.of_person == k
    first = rec.sites.first_station(k)
    at_site = (rec.tubes.station >= first) & (rec.tubes.station < first + rec.sites.stations[k])
    return replace(
        rec, people=rec.people.select(mine), group=rec.group[mine],
        building=rec.building[mine], stations=rec.sites.stations[k], entry_check=rec.sites.entry_check[k],
        tubes=rec.tubes.select(at_site), community=None, staff=None, chain=None, sites=None,
    )  # fmt: skip


def site_kpis(rec: Records, warmup_s: float = 0.0) -> dict[str, float]:
    """``site.<name>.<KPI>`` for every site of a several-site replication (empty with one site)."""
    if rec.sites is None:
        return {}
    out = {}
    for k, name in enumerate(rec.sites.names):
        kpis = replication_kpis(site_records(rec, k), warmup_s)
        out.update({f"site.{name}.{kpi}": kpis[kpi] for kpi in SITE_KPIS})
    return out
