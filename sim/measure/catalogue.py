"""The KPI catalogue: every KPI name the project measures, with its kind, the range it can take and its part.

The range decides which interval summarises a KPI across replications (an interval never leaves what is
possible: no negative counts, no share above 1); the part groups the terminal table and the report.
Names with a placeholder (``checkpoint.<gate>.wait.p95_min``) stand for one KPI per gate, site or group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Kind = Literal["count", "share", "minutes", "clock", "peak", "rate", "hours", "number"]


@dataclass(frozen=True)
class KpiSpec:
    """One KPI (or a family of them): how it is bounded and where it belongs."""

    name: str
    kind: Kind
    part: str
    key: bool = False  # shown in the planner's short table (the rest with --all)

    @property
    def lower(self) -> float | None:
        """The smallest value the KPI can take (None: unbounded, e.g. a time before opening)."""
        return None if self.kind == "clock" else 0.0

    @property
    def upper(self) -> float | None:
        return 1.0 if self.kind == "share" else None

    @property
    def integer(self) -> bool:
        return self.kind in ("count", "peak")


KEY_NAMES: set[str] = set()  # shown in the short table, also where a family stands for them (checkpoint.all.*)


def _specs(part: str, kind: Kind, *names: str, key: tuple[str, ...] = ()) -> list[KpiSpec]:
    KEY_NAMES.update(key)
    return [KpiSpec(name, kind, part, name in key) for name in names]


PARTS = ("people", "time", "waits", "site", "gates", "staff", "samples", "recall", "doorstep", "sites", "city")

CATALOGUE: tuple[KpiSpec, ...] = tuple(
    _specs("people", "count", "people.called", "people.arrived", "people.sampled", "people.unswabbed",
           "people.unswabbed.set_out_late", "people.unswabbed.delayed", "people.unswabbed.turned_away",
           "people.unswabbed.hard_stop", "people.turned_away", "people.isolated", "people.unserved",
           key=("people.arrived", "people.sampled", "people.unswabbed", "people.isolated"))
    + _specs("people", "share", "coverage.share", key=("coverage.share",))
    + _specs("time", "clock", "time.completion_min", "time.last_arrival_min", key=("time.completion_min",))
    + _specs("time", "rate", "throughput.per_hour", key=("throughput.per_hour",))
    + _specs("waits", "minutes", "wait.door_to_swab.mean_min", "wait.door_to_swab.p95_min",
             "wait.door_to_swab.max_min", "wait.total.mean_min", "wait.total.p95_min", "wait.total.max_min",
             "time.to_site.mean_min", "wait.gate.mean_min", "wait.entry_check.mean_min", "wait.sampling.mean_min",
             "time.in_site.mean_min", "group.<group>.wait.total.mean_min", "group.<group>.wait.total.p95_min",
             key=("wait.door_to_swab.mean_min", "wait.door_to_swab.p95_min", "wait.door_to_swab.max_min",
                  "wait.total.mean_min", "wait.total.p95_min", "wait.total.max_min", "wait.gate.mean_min",
                  "wait.entry_check.mean_min", "wait.sampling.mean_min", "group.<group>.wait.total.p95_min"))
    + _specs("site", "peak", "zone.waiting.peak", "zone.outside.peak", "zone.isolation.peak",
             "zone.isolation_overflow.peak", key=("zone.waiting.peak", "zone.outside.peak"))
    + _specs("site", "number", "zone.waiting.mean", "samples.swabs_per_tube")
    + _specs("site", "count", "stations.open", "samples.tubes", "samples.household_tubes",
             key=("stations.open", "samples.tubes"))
    + _specs("site", "share", "stations.utilization", key=("stations.utilization",))
    + _specs("site", "minutes", "isolation.wait.max_min")
    + _specs("gates", "minutes", "checkpoint.<gate>.wait.mean_min", "checkpoint.<gate>.wait.p95_min",
             "checkpoint.<gate>.wait.max_min", "trip.mean_min", "trip.p95_min", "trip.max_min",
             key=("checkpoint.all.wait.p95_min", "checkpoint.all.wait.max_min"))
    + _specs("gates", "peak", "checkpoint.<gate>.queue.peak", key=("checkpoint.all.queue.peak",))
    + _specs("gates", "count", "checkpoint.<gate>.passed", "checkpoint.<gate>.redirected", "checkpoint.all.referred",
             "checkpoint.all.held", "trip.residents", "returnees.arrived", "returnees.home", "returnees.sampled",
             "callup.buildings_uncalled", key=("checkpoint.all.held", "callup.buildings_uncalled"))
    + _specs("gates", "clock", "callup.last_call_min")
    + _specs("staff", "minutes", "stations.closed_min", "entry.closed_min", "buffer.wait.max_min",
             key=("stations.closed_min", "entry.closed_min"))
    + _specs("staff", "hours", "staff.ppe_hours")
    + _specs("staff", "count", "staff.rotations", "staff.warnings", key=("staff.rotations",))
    + _specs("samples", "minutes", "samples.age_at_lab.max_min", "samples.age_at_lab.p95_min",
             "samples.result.p95_min", "samples.result.max_min",
             key=("samples.age_at_lab.max_min", "samples.result.p95_min"))
    + _specs("samples", "count", "samples.over_limit", "samples.not_delivered", "courier.trips",
             key=("samples.over_limit", "samples.not_delivered"))
    + _specs("samples", "clock", "samples.last_result_min")
    + _specs("samples", "share", "lab.utilization", key=("lab.utilization",))
    + _specs("recall", "count", "recall.positives", "recall.pools", "recall.retests", "recall.confirmed",
             key=("recall.confirmed",))
    + _specs("recall", "minutes", "recall.confirmed.max_min", key=("recall.confirmed.max_min",))
    + _specs("doorstep", "count", "doorstep.people", key=("doorstep.people",))
    + _specs("doorstep", "clock", "doorstep.last_min", key=("doorstep.last_min",))
    # a city round
    + _specs("city", "count", "sites.count", "lab.backlog.peak")
    + _specs("city", "share", "sites.done_by_deadline.share", "people.done_by_deadline.share")
    + _specs("city", "clock", "time.completion.p50_min", "lab.last_result_min")
    + _specs("city", "minutes", "wait.site_p95.max_min")
)  # fmt: skip


def _pattern(name: str) -> re.Pattern[str]:
    """'checkpoint.<gate>.wait.p95_min' → a regex where the placeholder stands for any name."""
    return re.compile("^" + "(.+?)".join(re.escape(part) for part in re.split(r"<[a-z]+>", name)) + "$")


_EXACT = {spec.name: spec for spec in CATALOGUE if "<" not in spec.name}
_FAMILIES = [(_pattern(spec.name), spec) for spec in CATALOGUE if "<" in spec.name]


@lru_cache(maxsize=4096)
def spec_of(name: str) -> KpiSpec | None:
    """The catalogue entry of a KPI name (``site.<name>.X`` takes X's entry, in part 'sites'); None if unknown."""
    if name in _EXACT:
        return _EXACT[name]
    for pattern, spec in _FAMILIES:
        if pattern.match(name):
            return KpiSpec(name, spec.kind, spec.part, name in KEY_NAMES or (spec.key and spec.part != "gates"))
    if name.startswith("site."):
        _, _site, rest = name.split(".", 2) if name.count(".") >= 2 else (name, "", "")
        inner = spec_of(rest) if rest else None
        if inner is not None:
            return KpiSpec(name, inner.kind, "sites", False)
    return None


def part_of(name: str) -> str:
    spec = spec_of(name)
    return spec.part if spec is not None else "other"


def is_key(name: str) -> bool:
    spec = spec_of(name)
    return bool(spec and spec.key)
