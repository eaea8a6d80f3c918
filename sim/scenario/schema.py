"""The scenario: one validated, immutable description of a drill.

Keys and defaults are documented in scenarios/README.md with their sources. The parts live in
their own modules (site, community, staffing), which know nothing of the scenario; the scenario's
validators check the parts against each other, raising CheckError with the key path they are about.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from .community import Community
from .distributions import Dist, Exponential, Uniform
from .site import MAX_STATIONS, Buffer, EntryCheck, Isolation, Retry, Sampling, Site, Waiting
from .staffing import Doorstep, Recall, Samples, Staff, check_parts
from .types import (
    CheckError,
    Clock,
    Duration,
    Flag,
    Model,
    PositiveCount,
    PositiveDuration,
    Rate,
    Real,
    Replications,
    Seed,
    Share,
)

__all__ = [  # the site's parts are defined in site.py and importable from here too
    "MAX_STATIONS", "Aims", "Arrivals", "Buffer", "Building", "Callup", "ClockSpec", "EntryCheck", "Group",
    "Isolation", "Late", "Pooling", "ProfileStep", "Retry", "Sampling", "Scenario", "Site", "Trace", "Waiting",
    "parse_target",
]  # fmt: skip


class ClockSpec(Model):
    """Opening hours: admissions stop at open + duration; people inside are still served."""

    open: Clock
    duration: PositiveDuration
    hard_stop: Clock | None = Field(None, description="service ends here; anyone not yet at a sampler is unserved")

    @property
    def close(self) -> float:
        return self.open + self.duration

    @model_validator(mode="after")
    def _stop_after_close(self) -> ClockSpec:
        if self.hard_stop is not None and self.hard_stop < self.close:
            raise CheckError(("hard_stop",), "hard_stop must not be before open + duration")
        return self


class ProfileStep(Model):
    at: Clock
    rate: Rate


class Building(Model):
    """A building or courtyard called to the site as one group (楼栋/院落)."""

    name: str = Field(min_length=1)
    residents: PositiveCount
    at: Clock | None = Field(None, description="call time; else start + position × interval")
    turnout: Share | None = Field(None, description="overrides callup.turnout")
    sealed: Flag | None = Field(
        None, description="one tube per household (sealed compound, 封闭小区); default pooling.per_household"
    )
    household_size: Real | None = Field(
        None, ge=1, le=20, description="mean people per household; default pooling.household_size"
    )


class Late(Model):
    share: Share = 0.0
    delay: Dist = Uniform(dist="uniform", low="30min", high="90min")


class Callup(Model):
    """Building-by-building call-ups by a timetable (`at`) or at a fixed interval."""

    start: Clock | None = Field(None, description="first call; default clock.open")
    interval: PositiveDuration | None = None
    order: Literal["listed", "random"] = "listed"
    turnout: Share = 0.95
    spread: Dist = Exponential(dist="exponential", mean="10min")
    late: Late = Late()
    buildings: list[Building] = Field(min_length=1)

    @model_validator(mode="after")
    def _timed(self) -> Callup:
        untimed = [b.name for b in self.buildings if b.at is None]
        if untimed and self.interval is None:
            raise ValueError(f"building {untimed[0]!r} has no 'at' time; give each building 'at' or set 'interval'")
        return self


def _trace_times(value: object) -> object:
    """`trace: ["08:00:05", ...]` is short for `trace: {times: [...]}`; a file name is read by the loader."""
    if isinstance(value, list):
        return {"times": value}
    if isinstance(value, str):
        raise ValueError("a records file is read when the scenario is loaded from a file; here give clock times")
    return value


class Trace(Model):
    """The drill's own arrivals at the site: the same people again (from a records file, or clock times)."""

    file: str | None = Field(None, description="the records file the times were read from (documentation)")
    times: list[Clock] = Field(min_length=1, description="arrival times at the site, one per person")
    groups: list[str] | None = Field(None, description="each person's population group (else drawn by share)")

    @model_validator(mode="after")
    def _one_group_each(self) -> Trace:
        if self.groups is not None and len(self.groups) != len(self.times):
            raise CheckError(("groups",), f"groups has {len(self.groups)} names for {len(self.times)} times")
        return self


class Arrivals(Model):
    rate: Rate | None = Field(None, description="constant Poisson rate while open")
    profile: list[ProfileStep] | None = Field(None, min_length=1)
    callup: Callup | None = None
    trace: Annotated[Trace, BeforeValidator(_trace_times)] | None = Field(
        None, description="the drill's actual arrivals: a records file (path relative to the scenario) or clock times"
    )

    @model_validator(mode="after")
    def _one_pattern(self) -> Arrivals:
        if self.trace is not None and (self.rate is not None or self.profile is not None or self.callup is not None):
            raise ValueError("give 'trace' alone: it is the day's own arrivals (not with rate, profile or callup)")
        if self.rate is not None and self.profile is not None:
            raise ValueError("give either 'rate' or 'profile', not both")
        if self.rate is None and self.profile is None and self.callup is None and self.trace is None:
            raise ValueError("give one of 'rate', 'profile', 'callup' or 'trace'")
        if self.profile is not None:
            times = [step.at for step in self.profile]
            if times != sorted(times):
                raise CheckError(("profile",), "profile steps must be in time order")
        return self


class Group(Model):
    """A population group with its own time factors (e.g. the elderly take longer)."""

    share: Share
    registration_factor: Real = Field(1.0, gt=0, le=100, description="times the registration time")
    swab_factor: Real = Field(1.0, gt=0, le=100, description="times the swab time")
    priority: Flag = Field(False, description="served first from the priority lane")


class Pooling(Model):
    """Swabs per tube (混采); households of sealed compounds (封闭小区) fill one tube each."""

    size: PositiveCount = Field(1, le=50, description="swabs per tube (1, 5, 10, 20 in practice)")
    per_household: Flag = Field(False, description="every call-up building is sealed: one tube per household")
    household_size: Real = Field(2.1, ge=1, le=20, description="mean people per household (at least 1 each)")

    def sealed(self, building: Building) -> bool:
        return building.sealed if building.sealed is not None else self.per_household

    def mean_household(self, building: Building) -> float:
        return building.household_size if building.household_size is not None else self.household_size


class Aims(Model):
    """What a plan must achieve besides its targets: by default, nobody who set out is left unswabbed."""

    everyone_swabbed: bool = Field(
        True, description="a plan meets its aims only if nobody due (who set out) is left unswabbed; false relaxes it"
    )


_TARGET = re.compile(r"^\s*([A-Za-z0-9_.<>-]+)\s*(<=|>=|<|>)\s*(-?[0-9.]+)\s*$")


class Scenario(Model):
    """A drill scenario; the single source of truth for one run."""

    name: str = Field(min_length=1)
    description: str = ""
    seed: Seed = 0
    replications: Replications = 20
    clock: ClockSpec
    warmup: Duration = 0.0
    arrivals: Arrivals
    population: dict[str, Group] = {"adult": Group(share=1.0)}
    site: Site
    pooling: Pooling = Pooling()
    community: Community | None = Field(None, description="courtyards, gates and call-up control")
    staff: Staff | None = Field(None, description="rosters and rotations through the buffer zone")
    samples: Samples | None = Field(None, description="boxes, courier and lab: swab → result")
    recall: Recall | None = Field(None, description="positive pools recalled for single-tube retests")
    doorstep: Doorstep | None = Field(None, description="door-to-door sampling by teams")
    targets: list[str] = Field(default_factory=list, description="e.g. 'wait.total.p95_min<=20'")
    aims: Aims = Aims()
    sources: dict[str, str] = Field(default_factory=dict, description="where a number came from, by key path")

    @field_validator("population")
    @classmethod
    def _shares_sum_to_one(cls, groups: dict[str, Group]) -> dict[str, Group]:
        if not groups:
            raise ValueError("needs at least one group")
        total = sum(g.share for g in groups.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"group shares must add up to 1 (they add up to {total:g})")
        return groups

    @field_validator("targets")
    @classmethod
    def _targets_parse(cls, targets: list[str]) -> list[str]:
        for target in targets:
            if not _TARGET.match(target):
                raise ValueError(f"{target!r} is not 'KPI<=value' (or <, >, >=)")
        return targets

    @model_validator(mode="after")
    def _community_fits(self) -> Scenario:
        if self.community is not None:
            callup = self.arrivals.callup
            names = [b.name for b in callup.buildings] if callup is not None else None
            self.community.check_against(names, self.site, staffed=self.staff is not None)
        return self

    @model_validator(mode="after")
    def _staff_and_samples_fit(self) -> Scenario:
        check_parts(self)
        return self

    @model_validator(mode="after")
    def _trace_fits(self) -> Scenario:
        trace = self.arrivals.trace
        if trace is None:
            return self
        if self.community is not None:
            raise CheckError(("arrivals", "trace"), "the trace gives arrivals at the site; it cannot go with a "
                                                    "community, whose residents reach the site through its gates")  # fmt: skip
        unknown = sorted(set(trace.groups or ()) - set(self.population))
        if unknown:
            raise CheckError(("arrivals", "trace"), f"group {unknown[0]!r} is not in the population "
                                                    f"({', '.join(self.population)})")  # fmt: skip
        return self

    @model_validator(mode="after")
    def _callup_in_hours(self) -> Scenario:
        callup = self.arrivals.callup
        if callup is not None and callup.start is not None and callup.start >= self.clock.close:
            raise CheckError(("arrivals", "callup", "start"), "arrivals.callup.start is after the site closes")
        return self


def parse_target(target: str) -> tuple[str, str, float]:
    """'wait.total.p95_min<=20' → ('wait.total.p95_min', '<=', 20.0)."""
    match = _TARGET.match(target)
    if not match:
        raise ValueError(f"{target!r} is not 'KPI<=value'")
    return match.group(1), match.group(2), float(match.group(3))
