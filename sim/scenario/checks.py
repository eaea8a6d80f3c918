"""Cross-checks of a valid scenario: errors for what is certainly wrong, warnings for what is likely wrong.

Each finding carries the key path it is about, so the loader locates it by file and line without
reading the message (as it does for a model validator's CheckError). These run after validation, on
a scenario whose parts already fit together. Errors stop the loader (exit 2); warnings are shown by the terminal and carried
into summary.json's ``warnings``, which the report shows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .schema import Scenario
from .staffing import staffing_warnings
from .types import KeyPath
from .units import format_clock

__all__ = ["Finding", "KeyPath", "scenario_errors", "scenario_warnings"]


@dataclass(frozen=True)
class Finding:
    """One cross-check result: the key path it is about and what is wrong, in the planner's words."""

    path: KeyPath
    message: str

    def __str__(self) -> str:
        return f"{'.'.join(str(p) for p in self.path)}: {self.message}"


def scenario_errors(scenario: Any) -> list[Finding]:
    """What is certainly wrong in a scenario that passed validation (empty for a city round)."""
    if not isinstance(scenario, Scenario):
        return []
    return [
        *_duplicate_names(scenario),
        *_courtyards_hold_their_buildings(scenario),
        *_times_that_cannot_work(scenario),
    ]


def scenario_warnings(scenario: Scenario) -> list[str]:
    """What is likely wrong, as 'key.path: message' lines (staffing warnings included)."""
    found = [*_after_closing(scenario), *_buildings_outside_courtyards(scenario)]
    return [str(f) for f in found] + staffing_warnings(scenario)


def _duplicates(names: list[str]) -> list[tuple[int, int]]:
    """(position, first position) of every name given before."""
    first: dict[str, int] = {}
    out = []
    for k, name in enumerate(names):
        if name in first:
            out.append((k, first[name]))
        else:
            first[name] = k
    return out


def _duplicate_names(s: Scenario) -> list[Finding]:
    out = []
    callup = s.arrivals.callup
    if callup is not None:
        names = [b.name for b in callup.buildings]
        for k, first in _duplicates(names):
            out.append(Finding(("arrivals", "callup", "buildings", k, "name"),
                               f"{names[k]!r} is also the name of buildings.{first}; give each building its own name"))  # fmt: skip
    if s.community is not None:
        names = [yard.name for yard in s.community.courtyards]
        for k, first in _duplicates(names):
            out.append(Finding(("community", "courtyards", k, "name"),
                               f"{names[k]!r} is also the name of courtyards.{first}; give each courtyard its own name"))  # fmt: skip
    return out


def _courtyards_hold_their_buildings(s: Scenario) -> list[Finding]:
    """A courtyard's residents (its weight for walk-ins and traffic) include its buildings' residents."""
    if s.community is None or s.arrivals.callup is None:
        return []
    residents = Counter({b.name: b.residents for b in s.arrivals.callup.buildings})
    names = [b.name for b in s.arrivals.callup.buildings]
    out = []
    for k, (yard, members) in enumerate(zip(s.community.courtyards, s.community.building_names(names), strict=True)):
        inside = sum(residents[name] for name in members)
        if yard.residents is not None and yard.residents < inside:
            out.append(Finding(("community", "courtyards", k, "residents"),
                               f"{yard.residents:,} is fewer than the {inside:,} residents of its buildings "
                               f"({', '.join(members)}); a courtyard holds at least its buildings' residents"))  # fmt: skip
    return out


def _times_that_cannot_work(s: Scenario) -> list[Finding]:
    out = []
    clock = s.clock
    if s.warmup >= clock.duration:
        out.append(Finding(("warmup",), f"{s.warmup / 60:g} min is not shorter than the session "
                                        f"({clock.duration / 60:g} min): nobody would be counted in the KPIs"))  # fmt: skip
    community = s.community
    if community is not None and community.until is not None and community.until <= clock.open:
        out.append(Finding(("community", "until"),
                           f"{format_clock(community.until)} is not after the site opens ({format_clock(clock.open)}): "
                           "the community's flows would stop before any sampling"))  # fmt: skip
    return out


def _after_closing(s: Scenario) -> list[Finding]:
    """Times that fall after admissions stop: their arrivals are never drawn, or are turned away unserved."""
    close, out = s.clock.close, []
    at_close = format_clock(close)
    for k, step in enumerate(s.arrivals.profile or []):
        if step.at > close:
            out.append(Finding(("arrivals", "profile", k, "at"),
                               f"{format_clock(step.at)} is after the site closes ({at_close}): this step never applies"))  # fmt: skip
    callup = s.arrivals.callup
    timetable = s.community is None or s.community.control == "timetable"
    if callup is not None and timetable:
        start = callup.start if callup.start is not None else s.clock.open
        late = []
        for k, b in enumerate(callup.buildings):
            at = b.at if b.at is not None else start + k * (callup.interval or 0.0)
            if at >= close:
                late.append(k)
        if late:
            k = late[0]
            key: KeyPath = ("arrivals", "callup", "buildings", k, "at") if callup.buildings[k].at is not None else (
                "arrivals", "callup", "interval")  # fmt: skip
            which = f", from {callup.buildings[k].name!r} on" if callup.order == "listed" else ""
            out.append(Finding(key, f"{len(late)} of {len(callup.buildings)} buildings are called at or after the "
                                    f"site closes ({at_close}){which}: their residents would be unserved"))  # fmt: skip
    community = s.community
    if community is not None:
        until = community.until if community.until is not None else close
        flows = [("returnees", "profile", community.returnees.profile if community.returnees else [])]
        if community.background is not None:
            flows += [("background", "outbound", community.background.outbound),
                      ("background", "inbound", community.background.inbound)]  # fmt: skip
        for part, name, steps in flows:
            for k, flow in enumerate(steps):
                if flow.at >= until:
                    out.append(Finding(("community", part, name, k, "at"),
                                       f"{format_clock(flow.at)} is not before the flows stop "
                                       f"({format_clock(until)}, community.until): this step never applies"))  # fmt: skip
    if s.staff is not None:
        for k, pause in enumerate(s.staff.pauses):
            if pause.at >= close:
                out.append(Finding(("staff", "pauses", k, "at"),
                                   f"{format_clock(pause.at)} is not before the site closes ({at_close})"))  # fmt: skip
    return out


def _buildings_outside_courtyards(s: Scenario) -> list[Finding]:
    """With courtyards, a called building in none of them skips every gate and walk."""
    if s.community is None or s.arrivals.callup is None:
        return []
    names = [b.name for b in s.arrivals.callup.buildings]
    inside = {name for members in s.community.building_names(names) for name in members}
    outside = [k for k, name in enumerate(names) if name not in inside]
    if not outside:
        return []
    first = names[outside[0]]
    more = f" and {len(outside) - 1} more buildings are" if len(outside) > 1 else " is"
    return [Finding(("arrivals", "callup", "buildings", outside[0], "name"),
                    f"{first!r}{more} in no courtyard: their residents reach the site without a gate or a walk")]  # fmt: skip
