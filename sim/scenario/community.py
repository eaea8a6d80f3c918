"""The community around the site: courtyards (院落), their gates (卡口) and call-up control.

Optional top-level key ``community:``; absent, the site is fed exactly as before. Times per
check step and shares without proof are not measured anywhere (FACTS.md): every default
here is an assumption, documented in scenarios/README.md.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from .distributions import Dist, Exponential, Uniform
from .site import Site
from .types import CheckError, Clock, Count, KeyPath, Model, PositiveCount, PositiveDuration, Rate, Share

_GATE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
MAIN_SITE = "main"  # the scenario's `site:`; further sites are community.sites


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
    lanes: PositiveCount = Field(1, le=1_000)
    layout: Literal["shared", "separate"] | None = Field(None, description="default: community.layout")

    @model_validator(mode="after")
    def _name_fits_kpis(self) -> Gate:
        if self.name is not None and not _GATE_NAME.match(self.name):
            raise CheckError(("name",), f"gate name {self.name!r} may hold only letters, digits, '-' and '_'")
        return self


class Courtyard(Model):
    """A courtyard or compound (院落/小区) with its gates and the walk to the site."""

    name: str = Field(min_length=1)
    buildings: list[str] | None = Field(None, description="arrivals.callup buildings; default: the one named so")
    residents: Count | None = Field(None, description="weight for walk-ins and background; default: its buildings'")
    walk: Dist | None = Field(None, description="walking time gate → its site; default community.walk")
    gates: list[Gate] = Field(default_factory=lambda: [Gate()], min_length=1)
    site: str = Field(MAIN_SITE, description="its residents' site: 'main' (key site) or a community.sites name")


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
    """Courtyards with gated entrances around the sampling site(s), and how buildings are called."""

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
    sites: dict[str, Site] = Field(default_factory=dict, description="further sites by name; key site is 'main'")

    @model_validator(mode="after")
    def _steps_in_order(self) -> Community:
        flows: list[tuple[KeyPath, list[FlowStep]]] = [
            (("returnees", "profile"), self.returnees.profile if self.returnees else [])
        ]
        if self.background is not None:
            flows += [
                (("background", "outbound"), self.background.outbound),
                (("background", "inbound"), self.background.inbound),
            ]
        for key, steps in flows:
            if [s.at for s in steps] != sorted(s.at for s in steps):
                raise CheckError(key, "steps must be in time order")
        self._gates_named_once()
        self._sites_named()
        return self

    def _gates_named_once(self) -> None:
        """Gate names are KPI names: no two alike. Located at the later gate's name (or its courtyard's, if unnamed)."""
        positions = [(k, g) for k, yard in enumerate(self.courtyards) for g in range(len(yard.gates))]
        seen = set()
        for (k, g), name in zip(positions, self.gate_names(), strict=True):  # gate_names() goes in the same order
            if name in seen:
                named = self.courtyards[k].gates[g].name is not None
                key: KeyPath = ("courtyards", k, "gates", g, "name") if named else ("courtyards", k, "name")
                raise CheckError(key, f"two gates are named {name!r}; give each gate its own name")
            seen.add(name)

    def _sites_named(self) -> None:
        """Site names fit KPI names; every courtyard's site exists (with the nearest name suggested)."""
        for name in self.sites:
            if name == MAIN_SITE or not _GATE_NAME.match(name):
                raise CheckError(("sites", name), f"site name {name!r} must not be {MAIN_SITE!r} and may hold only "
                                                  "letters, digits, '-' and '_'")  # fmt: skip
        known = self.site_names()
        for k, yard in enumerate(self.courtyards):
            if yard.site not in known:
                close = difflib.get_close_matches(yard.site, known, n=1, cutoff=0.5)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise CheckError(("courtyards", k, "site"),
                                 f"no site named {yard.site!r}; {hint}sites: {', '.join(known)}")  # fmt: skip

    def site_names(self) -> list[str]:
        """The main site (key site), then community.sites in their order."""
        return [MAIN_SITE, *self.sites]

    def courtyard_sites(self) -> list[int]:
        """Each courtyard's site as an index into site_names()."""
        names = self.site_names()
        return [names.index(yard.site) for yard in self.courtyards]

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

    def check_against(self, callup_names: Sequence[str] | None, main_site: Site, *, staffed: bool) -> None:
        """Cross-checks with the rest of the scenario, which passes what they need.

        `callup_names`: the arrivals.callup buildings (None without a call-up); `main_site`: the scenario's
        `site:`; `staffed`: the scenario has `staff:`. Raises CheckError with a key path from the scenario's top.
        """
        known = list(callup_names or [])
        owner: dict[str, str] = {}
        for k, (yard, names) in enumerate(zip(self.courtyards, self.building_names(known), strict=True)):
            for name in names:
                if name not in known:
                    raise CheckError(("community", "courtyards", k, "buildings"),
                                     f"no call-up building named {name!r}")  # fmt: skip
                if name in owner:
                    raise CheckError(("community", "courtyards", k, "buildings"),
                                     f"{name!r} is already in {owner[name]!r}")  # fmt: skip
                owner[name] = yard.name
        if self.control == "feedback" and callup_names is None:
            raise CheckError(("community", "control"), "feedback calls buildings, so it needs arrivals.callup")
        if self.check.abnormal > 0 and main_site.isolation is None:
            raise CheckError(("community", "check", "abnormal"), "above 0 it needs a site.isolation zone")
        if self.check.abnormal > 0:
            for name, site in self.sites.items():
                if site.isolation is None:
                    raise CheckError(("community", "sites", name), "check.abnormal above 0 needs an isolation zone")
        if self.sites and staffed:
            raise CheckError(("community", "sites"),
                             "staff rotations are modelled for one site only; drop staff or sites")  # fmt: skip
