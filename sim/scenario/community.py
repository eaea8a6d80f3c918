"""The community around the site: courtyards (院落), their gates (卡口) and call-up control.

Optional top-level key ``community:``; absent, the site is fed exactly as before. Times per
check step and shares without proof are not measured anywhere (FACTS.md): every default
here is an assumption, documented in scenarios/README.md.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from .distributions import Dist, Exponential, Uniform
from .types import Clock, Count, Model, PositiveCount, PositiveDuration, Rate, Share

if TYPE_CHECKING:
    from .schema import Scenario

_GATE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


class GateStep(Model):
    """One step of the gate check, e.g. scanning the place code (扫场所码)."""

    name: str = Field(min_length=1)
    time: Dist
    on: Literal["both", "out", "in"] = Field("both", description="directions this step applies to")


def _step(name: str, mean: str, on: Literal["both", "out", "in"]) -> GateStep:
    return GateStep(name=name, time=Exponential(dist="exponential", mean=mean), on=on)


# "一扫三查一测" (FACTS.md); the times are assumptions: nothing published measures them.
DEFAULT_STEPS = [
    _step("scan place code", "4s", "both"),
    _step("health code", "3s", "both"),
    _step("itinerary card", "3s", "in"),
    _step("test proof", "4s", "in"),
    _step("temperature", "3s", "both"),
]


class GateCheck(Model):
    """The check at every gate: a list of steps, and the share found abnormal (fever, code)."""

    steps: list[GateStep] = Field(default_factory=lambda: list(DEFAULT_STEPS), min_length=1)
    abnormal: Share = Field(0.0, description="share of people found abnormal at their first check")


class Gate(Model):
    """A gate of a courtyard: lanes (one checker each), shared by both directions or one set per direction."""

    name: str | None = Field(None, description="letters, digits, '-' and '_' (used in KPI names)")
    lanes: PositiveCount = 1
    layout: Literal["shared", "separate"] | None = Field(None, description="default: community.layout")

    @model_validator(mode="after")
    def _name_fits_kpis(self) -> Gate:
        if self.name is not None and not _GATE_NAME.match(self.name):
            raise ValueError(f"gate name {self.name!r} may hold only letters, digits, '-' and '_'")
        return self


class Courtyard(Model):
    """A courtyard or compound (院落/小区) with its gates and the walk to the site."""

    name: str = Field(min_length=1)
    buildings: list[str] | None = Field(None, description="arrivals.callup buildings; default: the one named so")
    residents: Count | None = Field(None, description="weight for walk-ins and background; default: its buildings'")
    walk: Dist | None = Field(None, description="walking time gate → site; default community.walk")
    gates: list[Gate] = Field(default_factory=lambda: [Gate()], min_length=1)


class Feedback(Model):
    """Grid workers call the next building when the site's queue plus people on the way is low."""

    threshold: PositiveCount = Field(60, description="people waiting at the site plus on the way")
    check_every: PositiveDuration = Field(60.0, description="how often the grid worker looks")
    min_interval: PositiveDuration = Field(300.0, description="least time between two calls")
    max_interval: PositiveDuration | None = Field(None, description="call the next one anyway after this long")


class FlowStep(Model):
    at: Clock
    rate: Rate


class Background(Model):
    """Everyday gate traffic of the whole community (work, shopping, deliveries, visitors)."""

    outbound: list[FlowStep] = Field(default_factory=list, description="rate steps, whole community")
    inbound: list[FlowStep] = Field(default_factory=list, description="rate steps, whole community")
    no_proof: Share = Field(0.0, description="share without a valid test proof: sent to the site first")


class Returnees(Model):
    """People coming back from elsewhere (返乡人员): they arrive at a gate, mostly without proof."""

    profile: list[FlowStep] = Field(min_length=1)
    no_proof: Share = 1.0


class Community(Model):
    """Courtyards with gated entrances around one sampling site, and how buildings are called."""

    control: Literal["timetable", "feedback"] = "timetable"
    feedback: Feedback = Feedback()
    layout: Literal["shared", "separate"] = "shared"
    walk: Dist = Uniform(dist="uniform", low="2min", high="8min")
    check: GateCheck = GateCheck()
    courtyards: list[Courtyard] = Field(min_length=1)
    walk_ins: Literal["via_gates", "direct"] = Field("via_gates", description="arrivals.rate/profile people")
    background: Background | None = None
    returnees: Returnees | None = None
    until: Clock | None = Field(None, description="background and returnee flows stop; default clock close")

    @model_validator(mode="after")
    def _steps_in_order(self) -> Community:
        flows = [("returnees.profile", self.returnees.profile if self.returnees else [])]
        if self.background is not None:
            flows += [
                ("background.outbound", self.background.outbound),
                ("background.inbound", self.background.inbound),
            ]
        for key, steps in flows:
            if [s.at for s in steps] != sorted(s.at for s in steps):
                raise ValueError(f"{key}: steps must be in time order")
        names = self.gate_names()
        seen = set()
        for name in names:
            if name in seen:
                raise ValueError(f"two gates are named {name!r}; give each gate its own name")
            seen.add(name)
        return self

    def gate_names(self) -> list[str]:
        """Every gate's name, courtyard by courtyard (unnamed gates are named after their courtyard)."""
        names = []
        for k, yard in enumerate(self.courtyards):
            slug = re.sub(r"[^a-z0-9_-]+", "-", yard.name.lower()).strip("-") or f"courtyard{k + 1}"
            for g, gate in enumerate(yard.gates):
                names.append(gate.name or (slug if len(yard.gates) == 1 else f"{slug}-{g + 1}"))
        return names

    def building_names(self, callup_names: list[str]) -> list[list[str]]:
        """The call-up buildings of each courtyard (default: the building with the courtyard's name)."""
        known = set(callup_names)
        return [
            list(yard.buildings) if yard.buildings is not None else [yard.name] if yard.name in known else []
            for yard in self.courtyards
        ]

    def check_against(self, scenario: Scenario) -> None:
        """Cross-checks with the rest of the scenario; raises ValueError naming the key."""
        callup = scenario.arrivals.callup
        callup_names = [b.name for b in callup.buildings] if callup else []
        owner: dict[str, str] = {}
        for k, (yard, names) in enumerate(zip(self.courtyards, self.building_names(callup_names), strict=True)):
            for name in names:
                if name not in callup_names:
                    raise ValueError(f"community.courtyards.{k}.buildings: no call-up building named {name!r}")
                if name in owner:
                    raise ValueError(f"community.courtyards.{k}.buildings: {name!r} is already in {owner[name]!r}")
                owner[name] = yard.name
        if self.control == "feedback" and callup is None:
            raise ValueError("community.control: feedback calls buildings, so it needs arrivals.callup")
        if self.check.abnormal > 0 and scenario.site.isolation is None:
            raise ValueError("community.check.abnormal: above 0 it needs a site.isolation zone")
