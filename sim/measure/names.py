"""Which KPI names a scenario produces, predicted from the scenario alone (nothing is run).

So that a target on a misspelt or absent KPI is refused before any work (`drill validate`, `run`,
`search`). The names and when each is reported are the KPI catalogue's (`catalogue.py`, its `when`);
here is the test of each `when` on a scenario, and the placeholders filled in with the scenario's
gates, groups and sites. tests/test_kpi_names.py runs one replication of every seed scenario and
checks these names equal those `replication_kpis` returns.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from ..scenario.checks import Finding
from ..scenario.schema import Scenario, parse_target
from .catalogue import CATALOGUE, SITE_FAMILY
from .kpis import SITE_KPIS

# the test of each `when` of the catalogue on a site scenario (a city round's names come from its run)
CONDITIONS: dict[str, Callable[[Scenario], bool]] = {
    "site": lambda s: True,
    "groups": lambda s: len(s.population) > 1,
    "community": lambda s: s.community is not None,
    "sites": lambda s: s.community is not None and bool(s.community.sites),
    "staff": lambda s: s.staff is not None,
    "samples": lambda s: s.samples is not None,
    "recall": lambda s: s.samples is not None and s.recall is not None,
    "doorstep": lambda s: s.samples is not None and s.doorstep is not None,
}


def _expand(pattern: str, scenario: Scenario) -> list[str]:
    """A catalogue name with its placeholder filled in with each of the scenario's gates, groups or sites."""
    community = scenario.community
    if pattern == SITE_FAMILY:
        return [f"site.{site}.{kpi}" for site in (community.site_names() if community else []) for kpi in SITE_KPIS]
    if "<gate>" in pattern:
        return [pattern.replace("<gate>", gate) for gate in (community.gate_names() if community else [])]
    if "<group>" in pattern:
        return [pattern.replace("<group>", group) for group in scenario.population]
    return [pattern]


def kpi_names(scenario: Scenario) -> list[str]:
    """Every KPI name one replication of `scenario` reports, in catalogue order."""
    names: list[str] = []
    for spec in CATALOGUE:
        if any(when in CONDITIONS and CONDITIONS[when](scenario) for when in spec.when):
            names += _expand(spec.name, scenario)
    return names


def unknown_kpi(name: str, known: list[str]) -> str | None:
    """Why `name` is not a KPI of the scenario (with the nearest name), or None if it is one."""
    if name in known:
        return None
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown KPI {name!r}; {hint}this scenario reports {len(known)} KPIs (scenarios/KPIS.md)"


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
