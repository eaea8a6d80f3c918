"""Scenario parts for staff rotations, the sample chain, recall and door-to-door sampling.

Top-level keys ``staff``, ``samples``, ``recall`` and ``doorstep``; each is optional and,
when omitted, absent from the flow. Keys, units, defaults and sources: scenarios/README.md.
The functions here take the scenario as `ScenarioParts`: the parts they read, so this module does not
import the schema (which imports it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import Field, model_validator

from .distributions import Dist, Fixed, Uniform
from .site import Site
from .types import CheckError, Clock, Count, Duration, Flag, Model, PositiveCount, PositiveDuration, Real, Share

ROLES = ("sampler", "registrar", "entry_checker", "marshal")


class Meal(Model):
    """A meal break: the first rest that starts at or after `after` lasts at least `duration`."""

    after: Clock
    duration: PositiveDuration = 30 * 60


class PerPost(Model):
    """A roster that follows the plan: so many people per post, rounded up (1.6 → 8 people for 5 stations)."""

    per_post: float = Field(ge=1.0, le=10.0, description="people on the roster per post (1 = nobody to relieve)")


class Role(Model):
    """One role's roster and its rotation through the buffer zone (缓冲区)."""

    roster: PositiveCount | Literal["auto"] | PerPost = Field(
        description="people for the session: a number, 'auto' (what the posts need to rotate without closing), "
        "or {per_post: x} (x people per post, rounded up)"
    )
    on_duty: PositiveCount | None = Field(None, description="posts held at once; default: stations (or entry lanes)")
    max_stretch: PositiveDuration = Field(2 * 3600, description="longest continuous stretch in protective equipment")
    don: Duration = Field(10 * 60, description="putting protective equipment on, in the buffer zone")
    doff: Duration = Field(10 * 60, description="taking it off, in the buffer zone")
    rest: Duration = Field(30 * 60, description="rest between stretches")
    meal: Meal | None = None
    no_show: Share = Field(0.0, description="chance that a rostered person does not turn up")
    stagger: Flag = Field(
        True, description="spread the changes: post k of n ends its first stretch after (k+1)/n of it"
    )
    hand_disinfection: Duration = Field(0.0, description="after every swab (samplers only)")

    @property
    def cycle_s(self) -> float:
        """One person's turn: a stretch on duty, undressing, resting and dressing again."""
        return self.max_stretch + self.doff + self.rest + self.don

    def people(self, n_posts: int) -> int:
        """The roster's size for a plan of n posts (a fixed number, or what the plan needs)."""
        if self.roster == "auto":
            return roster_needed(self, n_posts)
        if isinstance(self.roster, PerPost):
            return math.ceil(self.roster.per_post * n_posts - 1e-9)
        return self.roster

    @property
    def follows_plan(self) -> bool:
        """The roster is stated relative to the posts, so a change of stations or lanes brings its staff."""
        return not isinstance(self.roster, int)


class Pause(Model):
    """A whole-site disinfection pause: every station stops after its current person."""

    at: Clock
    duration: PositiveDuration


class Staff(Model):
    """Staff roster per role; roles omitted are not rotated (always present)."""

    open_posts: Literal["sustainable", "all"] = Field(
        "sustainable",
        description="sustainable: open only the posts the people who turn up can keep staffed through their "
        "rotations; all: open every post at once (they close while staff change)",
    )
    sampler: Role | None = None
    registrar: Role | None = None
    entry_checker: Role | None = None
    marshal: Role | None = None
    pauses: list[Pause] = Field(default_factory=list, description="whole-site disinfection pauses")

    def roles(self) -> dict[str, Role]:
        return {name: role for name in ROLES if (role := getattr(self, name)) is not None}


class Box(Model):
    capacity: PositiveCount = Field(50, description="tubes per transport box")


class Courier(Model):
    """The transporter (转运人员): collects every sealed tube at each pickup."""

    every: PositiveDuration | None = Field(2 * 3600, description="scheduled pickups, the first at start")
    start: Clock | None = Field(None, description="first scheduled pickup; default clock.open + every")
    when_full: Flag = Field(True, description="also come as soon as a box is full")
    final: Flag = Field(True, description="come once more when the last tube of the session is sealed")
    until: Clock | None = Field(None, description="no pickups after this clock time (tubes left: not delivered)")
    travel: Dist = Fixed(value="30min")


class Lab(Model):
    """The laboratory: a tube rate, or machines running batches; then a reporting delay."""

    tubes_per_hour: Real | None = Field(None, gt=0, le=10_000_000)
    machines: PositiveCount | None = None
    run_time: PositiveDuration | None = None
    batch: PositiveCount | None = None
    report: Dist = Fixed(value="0s")

    @model_validator(mode="after")
    def _one_capacity(self) -> Lab:
        batches = (self.machines, self.run_time, self.batch)
        if self.tubes_per_hour is not None and any(b is not None for b in batches):
            raise ValueError("give either tubes_per_hour or machines/run_time/batch, not both")
        if self.tubes_per_hour is None and not all(b is not None for b in batches):
            raise ValueError("give tubes_per_hour, or all of machines, run_time and batch")
        return self


class Samples(Model):
    """The sample chain: tubes → boxes → courier → lab → result (room temperature ≤ limit)."""

    box: Box = Box()
    courier: Courier = Courier()
    lab: Lab = Lab(tubes_per_hour=400)
    limit: PositiveDuration = Field(4 * 3600, description="room-temperature limit, swab → lab (measured, not enforced)")


class Recall(Model):
    """Positive pools: every member of a positive tube is re-swabbed into a single tube."""

    prevalence: Real = Field(ge=0, le=10_000, description="positives per 10,000 people swabbed")
    by: Literal["site", "doorstep"] = "site"
    delay: Dist = Uniform(dist="uniform", low="30min", high="90min")


class Doorstep(Model):
    """Door-to-door sampling (上门采样) of people who cannot come; one tube per household."""

    teams: PositiveCount = 1
    households: Count
    people_per_household: PositiveCount = Field(1, le=20)
    start: Clock | None = Field(None, description="default clock.open")
    walk: Dist = Fixed(value="5min")
    per_household: Dist = Fixed(value="4min")
    round: PositiveCount | None = Field(
        None, description="households per round: the team walks back and boxes its tubes at the site; default all"
    )


class ScenarioParts(Protocol):
    """What the functions here read of a scenario (schema.Scenario is one)."""

    @property
    def site(self) -> Site: ...
    @property
    def staff(self) -> Staff | None: ...
    @property
    def samples(self) -> Samples | None: ...
    @property
    def recall(self) -> Recall | None: ...
    @property
    def doorstep(self) -> Doorstep | None: ...


def check_parts(scenario: ScenarioParts) -> None:
    """Cross-checks between these parts and the rest of the scenario (raise CheckError at a key path)."""
    staff = scenario.staff
    if scenario.recall is not None and scenario.samples is None:
        raise CheckError(("recall",), "recall needs a samples part (the retest tubes go through its chain)")
    if scenario.doorstep is not None and scenario.samples is None:
        raise CheckError(("doorstep",), "doorstep needs a samples part (home tubes join its chain)")
    if staff is None:
        return
    if staff.registrar is not None and scenario.site.sampling.registration is None:
        raise CheckError(("staff", "registrar"), "staff.registrar needs site.sampling.registration")
    if staff.entry_checker is not None and scenario.site.entry_check is None:
        raise CheckError(("staff", "entry_checker"), "staff.entry_checker needs site.entry_check")
    if staff.marshal is not None and staff.marshal.on_duty is None:
        raise CheckError(("staff", "marshal"), "staff.marshal needs on_duty")
    for name, role in staff.roles().items():
        if role.on_duty is not None and name != "marshal" and role.on_duty != posts(scenario, name):
            raise CheckError(("staff", name, "on_duty"),
                             f"staff.{name}.on_duty must equal the number of posts ({posts(scenario, name)})")  # fmt: skip


def posts(scenario: ScenarioParts, role: str) -> int:
    """Posts a role fills at once: stations, entry lanes, or the marshals on duty."""
    site = scenario.site
    if role in ("sampler", "registrar"):
        return site.sampling.stations
    if role == "entry_checker":
        return site.entry_check.lanes if site.entry_check else 0
    spec = scenario.staff.roles()[role] if scenario.staff else None
    return spec.on_duty or 0 if spec else 0


def roster_needed(role: Role, n_posts: int) -> int:
    """People needed so a dressed relief is always ready: each covers stretch / (stretch + doff + rest + don)."""
    return math.ceil(n_posts * role.cycle_s / role.max_stretch - 1e-9)


def sustainable_posts(role: Role, present: float) -> int:
    """The most posts that `present` people keep staffed through their rotations: ⌊present × stretch / cycle⌋."""
    return math.floor(present * role.max_stretch / role.cycle_s + 1e-9)


def open_posts(scenario: ScenarioParts, present: dict[str, int]) -> dict[str, int]:
    """Posts each role opens, given how many of its people turned up (`present`, by role).

    With ``staff.open_posts: sustainable`` a role opens the posts its people can keep staffed through
    rotations, but at least one post when anybody came; a station needs its sampler and its registrar,
    so both station roles open the smaller of their two numbers. With ``all`` every post opens (and
    closes while its staff change, or stays closed when nobody is free).
    """
    assert scenario.staff is not None
    roles = scenario.staff.roles()
    out = {name: posts(scenario, name) for name in roles}
    if scenario.staff.open_posts == "all":
        return out
    for name, role in roles.items():
        people = present[name]
        out[name] = min(out[name], max(sustainable_posts(role, people), 1 if people else 0))
    station_roles = [name for name in ("sampler", "registrar") if name in roles]
    if station_roles:
        stations = min(out[name] for name in station_roles)
        out.update({name: stations for name in station_roles})
    return out


@dataclass(frozen=True)
class RolePlan:
    """One role in a plan: its posts, its roster, what the posts need, and the posts it can keep open."""

    role: str
    posts: int
    roster: int
    expected: float  # people expected to turn up (roster × (1 − no_show))
    needed: int  # people needed to keep every post staffed through rotations
    sustainable: int  # posts the expected people keep staffed through rotations
    cycle_min: float
    stretch_min: float
    follows_plan: bool


def staffing_plan(scenario: ScenarioParts) -> list[RolePlan]:
    """Every rotated role of the scenario as a plan (empty without staff)."""
    if scenario.staff is None:
        return []
    out = []
    for name, role in scenario.staff.roles().items():
        n = posts(scenario, name)
        roster = role.people(n)
        expected = roster * (1 - role.no_show)
        out.append(RolePlan(name, n, roster, expected, roster_needed(role, n), min(n, sustainable_posts(role, expected)),
                            role.cycle_s / 60, role.max_stretch / 60, role.follows_plan))  # fmt: skip
    return out


def staffing_warnings(scenario: ScenarioParts) -> list[str]:
    """Plain-language warnings about a roster too small to keep every post staffed through rotations."""
    out: list[str] = []
    if scenario.staff is None:
        return out
    sustainable = scenario.staff.open_posts == "sustainable"
    for plan in staffing_plan(scenario):
        if plan.expected >= plan.needed:
            continue
        present = (
            f"{plan.expected:g} expected to turn up" if plan.expected != plan.roster else f"{plan.roster} on the roster"
        )
        what = POST_WORDS.get(plan.role, "posts")
        if sustainable:
            out.append(f"staff.{plan.role}: {present} keep {max(plan.sustainable, 1)} of {plan.posts} {what} staffed "
                       f"through rotations (each works {plan.stretch_min:g} of every {plan.cycle_min:g} min); "
                       f"{plan.needed} are needed for all {plan.posts}, so the other {what} stay closed "
                       f"(roster: auto staffs them all)")  # fmt: skip
        else:
            out.append(f"staff.{plan.role}: {present}, but {plan.needed} are needed for {plan.posts} post(s) to rotate "
                       f"every {plan.stretch_min:g} min without closing; posts close while staff change "
                       f"(see stations.closed_min)")  # fmt: skip
    if scenario.site.buffer is None:
        out.append("staff: no site.buffer given; changing places are taken as unlimited")
    return out


POST_WORDS = {
    "sampler": "stations",
    "registrar": "stations",
    "entry_checker": "entry lanes",
    "marshal": "marshal posts",
}
