"""Variants of the plan that relieve its binding constraints, run with common random numbers.

The report may only recommend what a run backs. From the base run's bottleneck (bottleneck.py) this module
builds the changes that relieve each binding stage (gate lanes, entry lanes with their checkers, stations
with their staff, the rosters, the waiting zone, the buffer zone, the call-up interval and the opening hours,
the courier's interval or coming for a full box, the lab and the pool size), runs each with the base run's
seed and replications (the same random streams, so differences are not noise) and writes ``variants.json``:
every key each variant changed, the staff it needs, its KPIs, its aims and the paired differences
(`variants_document`; the results layer writes it, `sim.results.write_variants`).

The recommendation is the smallest change that meets every aim (fewest extra people, then fewest keys).
When no single change does, the closest one (most aims met) is taken as the new plan and the changes that
relieve *its* binding constraints are added to it, round after round (up to REPAIR_ROUNDS, going on from the
furthest repair that met no fewer aims); otherwise the closest change is named with what it still misses.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from ..measure.stats import describe
from ..scenario.schema import Scenario
from ..scenario.units import format_duration
from .bottleneck import SATURATED
from .plan import plan_variant, staff_needed
from .runner import RunResult, run

POOL_SIZES = (5, 10, 20)
REPAIR_ROUNDS = 3


@dataclass(frozen=True)
class Change:
    """One candidate change of the plan: the keys it sets (staff follow their posts) and why."""

    name: str
    stage: str
    changes: dict[str, Any]
    what: str  # the change in a planner's words (English; the report words it again from `changes`)
    extra_time: str = ""  # what it costs besides people, e.g. '+30 min of opening'


@dataclass
class Tried:
    change: Change
    scenario: Scenario = field(repr=False)
    result: RunResult = field(repr=False)
    summary: dict[str, Any] = field(repr=False)

    @property
    def aims_met(self) -> int:
        return sum(aim["verdict"] == "met" for aim in self.summary["verdict"]["aims"])


def _get(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _minutes(seconds: float) -> str:
    return format_duration(max(60.0, round(seconds / 60) * 60))


def candidates(scenario: Scenario, summary: dict[str, Any]) -> list[Change]:
    """The changes that relieve each binding stage of a run (or the stage nearest its limit when all aims are met)."""
    bottleneck = summary["bottleneck"]
    stages = [b["stage"] for b in bottleneck["binding"]] or [bottleneck.get("nearest") or "stations"]
    utilization = (bottleneck["stages"].get("stations") or {}).get("utilization") or 0.0
    if utilization >= SATURATED and "stations" not in stages and "staff" not in stages:
        stages.append("stations")  # relieving a queue upstream only moves it to saturated stations
    out: list[Change] = []
    for stage in stages:
        out += STAGE_CHANGES.get(stage, lambda _s, _k: [])(scenario, summary["kpis"])
    seen, unique = set(), []
    for change in out:
        key = json.dumps(change.changes, sort_keys=True)
        if key not in seen:
            seen.add(key)
            unique.append(change)
    return unique


def _stations(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    n = s.site.sampling.stations
    return [Change(f"stations+{k}", "stations", {"site.sampling.stations": n + k},
                   f"{n + k} stations instead of {n}, with their staff") for k in (1, 2)]  # fmt: skip


def _staff(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    if s.staff is None:
        return []
    need = staff_needed(s)
    changes = {f"staff.{role}.roster": "auto" for role, n in need.items() if n["roster"] < n["needed"]}
    out = []
    if changes:
        words = ", ".join(f"{need[k.split('.')[1]]['needed']} {k.split('.')[1]}s" for k in changes)
        out.append(
            Change("roster", "staff", changes, f"rosters that keep every post staffed through rotations ({words})")
        )
    if s.staff.open_posts == "all":
        out.append(Change("sustainable", "staff", {"staff.open_posts": "sustainable"},
                          "open only the posts the staff can keep open through their rotations"))  # fmt: skip
    return out


def _entry(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    if s.site.entry_check is None:
        return []
    n = s.site.entry_check.lanes
    return [Change("entry+1", "entry", {"site.entry_check.lanes": n + 1},
                   f"{n + 1} entry-check lanes instead of {n}, with their checkers")]  # fmt: skip


def _gates(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    if s.community is None:
        return []
    gates = [(k, g, gate.lanes) for k, yard in enumerate(s.community.courtyards) for g, gate in enumerate(yard.gates)]
    key = "community.courtyards.{}.gates.{}.lanes"
    out = [Change("gates+1", "gates", {key.format(k, g): lanes + 1 for k, g, lanes in gates},
                  f"one more checker lane at each of the {len(gates)} gates")]  # fmt: skip
    if any(lanes > 1 for _, _, lanes in gates):
        out.append(Change("gates*2", "gates", {key.format(k, g): 2 * lanes for k, g, lanes in gates},
                          f"twice the checker lanes at each of the {len(gates)} gates"))  # fmt: skip
    sized = gate_lanes_needed(s)
    changes = {key.format(k, g): sized[k, g] for k, g, lanes in gates if sized[k, g] > lanes}
    if changes and changes != out[-1].changes:
        out.append(Change("gates-sized", "gates", changes, "checker lanes sized to each gate's residents "
                          f"({GATE_LOAD:.0%} busy over the opening hours)"))  # fmt: skip
    return out


GATE_LOAD = 0.8  # the share of the opening hours a gate lane is planned busy


def gate_lanes_needed(s: Scenario) -> dict[tuple[int, int], int]:
    """Lanes each gate needs for its residents to pass out (and back in, when lanes are shared) within the
    opening hours at GATE_LOAD: ⌈residents × turnout / gates × check time / (hours × GATE_LOAD)⌉."""
    assert s.community is not None
    community, callup = s.community, s.arrivals.callup
    turnout = callup.turnout if callup is not None else 1.0
    residents = {b.name: b.residents for b in callup.buildings} if callup is not None else {}
    check = {
        d: sum(step.time.mean_s for step in community.check.steps if step.on in ("both", d)) for d in ("out", "in")
    }
    out = {}
    for k, (yard, names) in enumerate(
        zip(community.courtyards, community.building_names(list(residents)), strict=True)
    ):
        people = yard.residents if yard.residents is not None else sum(residents[n] for n in names)
        for g, gate in enumerate(yard.gates):
            shared = (gate.layout or community.layout) == "shared"
            busy_s = people * turnout / len(yard.gates) * (check["out"] + (check["in"] if shared else 0.0))
            out[k, g] = max(gate.lanes, math.ceil(busy_s / (s.clock.duration * GATE_LOAD) - 1e-9))
    return out


def _waiting(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    capacity = s.site.waiting.capacity
    if capacity is None:
        return []
    new = math.ceil(capacity * 1.5)
    return [Change("zone+50%", "waiting_zone", {"site.waiting.capacity": new},
                   f"a waiting zone of {new} places instead of {capacity}")]  # fmt: skip


def _buffer(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    if s.site.buffer is None:
        return []
    n = s.site.buffer.capacity
    return [Change("buffer+2", "buffer", {"site.buffer.capacity": n + 2},
                   f"{n + 2} changing places in the buffer zone instead of {n}")]  # fmt: skip


def _callup(s: Scenario, kpis: dict[str, Any]) -> list[Change]:
    """Call the buildings faster, or keep admissions open until the latest arrival seen in any replication."""
    out = []
    callup = s.arrivals.callup
    if callup is not None and callup.interval is not None and callup.interval > 60:
        new = max(60.0, round(callup.interval * 0.75 / 60) * 60)
        out.append(Change("callup-25%", "callup", {"arrivals.callup.interval": format_duration(new)},
                          f"buildings called every {new / 60:g} min instead of {callup.interval / 60:g}"))  # fmt: skip
    last = (kpis.get("time.last_arrival_min") or {}).get("max")
    minutes = math.ceil((last + 1) / 15) * 15 if last is not None else s.clock.duration / 60 + 30
    if minutes * 60 > s.clock.duration:
        extra = minutes - s.clock.duration / 60
        out.append(Change("open-longer", "callup", {"clock.duration": format_duration(minutes * 60.0)},
                          f"admissions kept open {extra:g} min longer, until the latest arrival seen",
                          extra_time=f"+{extra:g} min of opening"))  # fmt: skip
    return out


def _courier(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    if s.samples is None:
        return []
    courier, out = s.samples.courier, []
    if not courier.when_full:
        out.append(Change("courier-full", "courier", {"samples.courier.when_full": True},
                          f"the courier also comes when a box of {s.samples.box.capacity} tubes is full"))  # fmt: skip
    if courier.every and courier.every > 1800:
        new = max(1800.0, courier.every / 2)
        out.append(Change("courier-every", "courier", {"samples.courier.every": _minutes(new)},
                          f"a courier pickup every {new / 60:g} min instead of {courier.every / 60:g}"))  # fmt: skip
    return out


def _lab(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    if s.samples is None:
        return []
    lab, out = s.samples.lab, []
    if lab.tubes_per_hour is not None:
        new = round(lab.tubes_per_hour * 1.5)
        out.append(Change("lab+50%", "lab", {"samples.lab.tubes_per_hour": new},
                          f"a lab testing {new} tubes an hour instead of {lab.tubes_per_hour:g}"))  # fmt: skip
    elif lab.machines is not None:
        out.append(Change("lab+1", "lab", {"samples.lab.machines": lab.machines + 1},
                          f"{lab.machines + 1} lab machines instead of {lab.machines}"))  # fmt: skip
    bigger = [size for size in POOL_SIZES if size > s.pooling.size]
    if bigger:
        out.append(Change(f"pool{bigger[0]}", "lab", {"pooling.size": bigger[0]},
                          f"{bigger[0]} swabs per tube instead of {s.pooling.size}"))  # fmt: skip
    return out


def _doorstep(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    if s.doorstep is None:
        return []
    n = s.doorstep.teams
    return [Change("doorstep+1", "doorstep", {"doorstep.teams": n + 1}, f"{n + 1} door-to-door teams instead of {n}")]


def _spread(s: Scenario, _kpis: dict[str, Any]) -> list[Change]:
    """Spread the call-ups over the opening hours (the last call an hour before admissions stop): a flatter peak."""
    callup = s.arrivals.callup
    untimed = [b for b in callup.buildings if b.at is None] if callup is not None else []
    if callup is None or callup.interval is None or len(untimed) < 2:
        return []
    start = callup.start if callup.start is not None else s.clock.open
    new = math.floor((s.clock.close - 3600 - start) / (len(untimed) - 1) / 60) * 60
    if new <= callup.interval:
        return []
    return [Change("callup-spread", "callup", {"arrivals.callup.interval": format_duration(new)},
                   f"buildings called every {new / 60:g} min instead of {callup.interval / 60:g}, "
                   "the last an hour before admissions stop")]  # fmt: skip


def _queue(
    stage: Callable[[Scenario, dict[str, Any]], list[Change]],
) -> Callable[[Scenario, dict[str, Any]], list[Change]]:
    """A queueing stage's own changes, and spreading the call-ups that feed it."""
    return lambda s, k: stage(s, k) + _spread(s, k)


STAGE_CHANGES: dict[str, Callable[[Scenario, dict[str, Any]], list[Change]]] = {
    "stations": _queue(_stations), "staff": lambda s, k: _staff(s, k) + _stations(s, k), "entry": _queue(_entry),
    "gates": _queue(_gates), "waiting_zone": _queue(_waiting), "buffer": _buffer, "callup": _callup,
    "courier": _courier, "lab": _lab, "doorstep": _doorstep,
}  # fmt: skip


def people_added(base: Scenario, changed: Scenario) -> int:
    """Extra people the change needs: rostered staff, gate checkers, and a sampler and registrar (or an entry
    checker) per post where those roles are not rostered."""
    before, after = staff_needed(base), staff_needed(changed)
    extra = sum(after[r]["roster"] - before.get(r, {"roster": 0})["roster"] for r in after)
    if changed.staff is None or changed.staff.sampler is None:
        extra += changed.site.sampling.stations - base.site.sampling.stations
    no_registrars = changed.staff is None or changed.staff.registrar is None
    if no_registrars and changed.site.sampling.registration is not None:
        extra += changed.site.sampling.stations - base.site.sampling.stations
    if (changed.staff is None or changed.staff.entry_checker is None) and changed.site.entry_check is not None:
        extra += changed.site.entry_check.lanes - (base.site.entry_check.lanes if base.site.entry_check else 0)
    if changed.community is not None and base.community is not None:
        lanes = lambda s: sum(g.lanes for y in s.community.courtyards for g in y.gates)  # noqa: E731
        extra += lanes(changed) - lanes(base)
    return extra


def key_changes(base: Scenario, changed: Scenario, change: Change) -> list[dict[str, Any]]:
    """Every key the variant changed, from → to: the change's own keys and the staff that came with them."""
    a, b = base.model_dump(mode="json"), changed.model_dump(mode="json")
    keys = list(change.changes)
    if base.staff is not None:
        keys += [f"staff.{role}.roster" for role in base.staff.roles() if f"staff.{role}.roster" not in keys]
        keys += ["site.buffer.capacity"] if base.site.buffer is not None and "site.buffer.capacity" not in keys else []
    out = []
    for key in keys:
        old, new = _get(a, key), _get(b, key)
        if old != new:
            out.append({"key": key, "from": old, "to": new})
    return out


def paired_differences(base: RunResult, other: RunResult) -> dict[str, dict[str, float | None]]:
    """Per KPI, variant minus base over the same replications (common random numbers)."""
    out = {}
    for name in base.kpi_names:
        if name in other.kpi_names:
            d = describe(other.column(name) - base.column(name))
            out[name] = {"mean": d["mean"], "ci_low": d["ci_low"], "ci_high": d["ci_high"]}
    return out


def _try(base: RunResult, change: Change, executor: Executor | None) -> Tried:
    scenario = plan_variant(base.scenario, change.changes, "follow", source=f"<variant {change.name}>")
    result = run(scenario, len(base.results), base.seed, executor)
    return Tried(change, scenario, result, result.summary())


def _smallest(tried: list[Tried], base: Scenario) -> Tried | None:
    meeting = [t for t in tried if t.summary["verdict"]["met"]]
    if not meeting:
        return None
    return min(meeting, key=lambda t: (people_added(base, t.scenario), len(key_changes(base, t.scenario, t.change))))


def shortfall(t: Tried) -> float:
    """How far the aims not met are from their thresholds, each relative to its threshold (at least 1)."""
    out = 0.0
    for aim in t.summary["verdict"]["aims"]:
        if aim["verdict"] != "met":
            gap = abs(aim["mean"] - aim["value"]) if aim["mean"] is not None else math.inf
            out += gap / max(abs(aim["value"]), 1.0)
    return out


def _closest(tried: list[Tried], base: Scenario) -> Tried | None:
    """Most aims met, then the smallest shortfall on the others, then the fewest extra people."""
    if not tried:
        return None
    return max(tried, key=lambda t: (t.aims_met, -shortfall(t), -people_added(base, t.scenario)))


def variants_document(base: RunResult, executor: Executor | None = None,
                      changes: list[Change] | None = None) -> dict[str, Any]:  # fmt: skip
    """Run the changes that relieve the base run's binding constraints: the content of variants.json."""
    base_summary = base.summary()
    changes = candidates(base.scenario, base_summary) if changes is None else changes
    tried = [_try(base, change, executor) for change in changes]
    best = _smallest(tried, base.scenario)
    current = _closest(tried, base.scenario)
    for _ in range(REPAIR_ROUNDS if not base_summary["verdict"]["met"] else 0):
        if best is not None or current is None or not current.summary["bottleneck"]["binding"]:
            break
        repairs = [_merge(current.change, c) for c in candidates(current.scenario, current.summary)]
        repairs = [c for c in repairs if all(c.changes != t.change.changes for t in tried)]
        if not repairs:
            break
        new = [_try(base, change, executor) for change in repairs]
        tried += new
        best = _smallest(tried, base.scenario)
        step = _closest(new, base.scenario)
        if step is not None and (step.aims_met, -shortfall(step)) >= (current.aims_met, -shortfall(current)):
            current = step  # go on from the furthest repair that lost nothing
    closest = _closest(tried, base.scenario) if best is None else None
    document = {
        "scenario": base.scenario.name,
        "replications": len(base.results),
        "seed": base.seed,
        "common_random_numbers": True,
        "base": {"kpis": base_summary["kpis"], "targets": base_summary["targets"], "verdict": base_summary["verdict"],
                 "staff": staff_needed(base.scenario)},
        "binding": [b["stage"] for b in base_summary["bottleneck"]["binding"]],
        "variants": [_row(base, t) for t in tried],
        "recommendation": {"variant": best.change.name if best else None,
                           "closest": closest.change.name if closest else None,
                           "base_met": bool(base_summary["verdict"]["met"])},
    }  # fmt: skip
    return document


def _merge(first: Change, then: Change) -> Change:
    """Two changes together (the second's values win where both set a key)."""
    extra = ", ".join(x for x in (first.extra_time, then.extra_time) if x)
    return Change(f"{first.name}+{then.name}", "combined", {**first.changes, **then.changes},
                  f"{first.what}; and {then.what}", extra)  # fmt: skip


def _row(base: RunResult, t: Tried) -> dict[str, Any]:
    return {
        "name": t.change.name,
        "stage": t.change.stage,
        "what": t.change.what,
        "changes": key_changes(base.scenario, t.scenario, t.change),
        "people_added": people_added(base.scenario, t.scenario),
        "extra_time": t.change.extra_time,
        "staff": staff_needed(t.scenario),
        "kpis": t.summary["kpis"],
        "targets": t.summary["targets"],
        "verdict": t.summary["verdict"],
        "difference": paired_differences(base, t.result),
    }
