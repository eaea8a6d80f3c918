"""Which KPI names a scenario produces, predicted from the scenario alone (nothing is run).

So that a target on a misspelt or absent KPI is refused before any work (`drill validate`, `run`,
`search`). One table: each row is a part of the scenario and the names it adds; ``<gate>`` and
``<site>`` stand for each of the scenario's gate and site names. tests/test_kpi_names.py runs one
replication of every seed scenario and checks these names equal those `replication_kpis` returns.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from ..scenario.checks import Finding
from ..scenario.schema import Scenario, parse_target
from .kpis import SITE_KPIS

_STATS = ("wait.mean_min", "wait.p95_min", "wait.max_min", "queue.peak", "passed", "redirected")

KPI_TABLE: tuple[tuple[str, Callable[[Scenario], bool], tuple[str, ...]], ...] = (
    ("every scenario", lambda s: True, (
        "people.arrived", "people.sampled", "people.turned_away", "people.isolated", "people.unserved",
        "people.called", "throughput.per_hour", "time.completion_min",
        "wait.total.mean_min", "wait.total.p95_min", "wait.total.max_min", "wait.entry_check.mean_min",
        "wait.sampling.mean_min", "time.in_site.mean_min", "zone.waiting.peak", "zone.outside.peak",
        "zone.isolation.peak", "zone.isolation_overflow.peak", "zone.waiting.mean", "isolation.wait.max_min",
        "stations.open", "stations.utilization", "samples.tubes", "samples.swabs_per_tube",
        "samples.household_tubes", "people.unswabbed", "people.unswabbed.set_out_late", "people.unswabbed.delayed",
        "people.unswabbed.turned_away", "people.unswabbed.hard_stop", "coverage.share", "time.last_arrival_min",
        "wait.door_to_swab.mean_min", "wait.door_to_swab.p95_min", "wait.door_to_swab.max_min",
        "time.to_site.mean_min",
    )),
    ("two or more population groups", lambda s: len(s.population) > 1, (
        "group.<group>.wait.total.mean_min", "group.<group>.wait.total.p95_min",
    )),
    ("community", lambda s: s.community is not None, (
        *(f"checkpoint.<gate>.{x}" for x in _STATS), *(f"checkpoint.all.{x}" for x in _STATS),
        "checkpoint.all.referred", "checkpoint.all.held",
        "trip.mean_min", "trip.p95_min", "trip.max_min", "trip.residents",
        "returnees.arrived", "returnees.home", "returnees.sampled",
        "callup.buildings_uncalled", "callup.last_call_min", "wait.gate.mean_min",
    )),
    ("community.sites", lambda s: s.community is not None and bool(s.community.sites), (
        *(f"site.<site>.{x}" for x in SITE_KPIS),
    )),
    ("staff", lambda s: s.staff is not None, (
        "stations.closed_min", "entry.closed_min", "staff.ppe_hours", "staff.rotations", "buffer.wait.max_min",
        "staff.warnings",
    )),
    ("samples", lambda s: s.samples is not None, (
        "samples.age_at_lab.max_min", "samples.age_at_lab.p95_min", "samples.over_limit", "samples.not_delivered",
        "samples.result.p95_min", "samples.result.max_min", "samples.last_result_min", "lab.utilization",
        "courier.trips",
    )),
    ("recall", lambda s: s.samples is not None and s.recall is not None, (
        "recall.positives", "recall.pools", "recall.retests", "recall.confirmed", "recall.confirmed.max_min",
    )),
    ("doorstep", lambda s: s.samples is not None and s.doorstep is not None, (
        "doorstep.last_min", "doorstep.people",
    )),
)  # fmt: skip


def kpi_names(scenario: Scenario) -> list[str]:
    """Every KPI name one replication of `scenario` reports, in table order."""
    gates = scenario.community.gate_names() if scenario.community is not None else []
    sites = scenario.community.site_names() if scenario.community is not None else []
    names: list[str] = []
    for _part, applies, patterns in KPI_TABLE:
        if not applies(scenario):
            continue
        for pattern in patterns:
            if "<gate>" in pattern:
                names += [pattern.replace("<gate>", gate) for gate in gates]
            elif "<site>" in pattern:
                names += [pattern.replace("<site>", site) for site in sites]
            elif "<group>" in pattern:
                names += [pattern.replace("<group>", group) for group in scenario.population]
            else:
                names.append(pattern)
    return names


def unknown_kpi(name: str, known: list[str]) -> str | None:
    """Why `name` is not a KPI of the scenario (with the nearest name), or None if it is one."""
    if name in known:
        return None
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown KPI {name!r}; {hint}this scenario reports {len(known)} KPIs (scenarios/README.md, KPI names)"


def unknown_targets(scenario: object) -> list[Finding]:
    """A finding at each of the scenario's targets that names a KPI it does not report (a loader check)."""
    if not isinstance(scenario, Scenario):
        return []
    known = kpi_names(scenario)
    out = []
    for k, target in enumerate(scenario.targets):
        why = unknown_kpi(parse_target(target)[0], known)
        if why is not None:
            out.append(Finding(("targets", k), why))
    return out
