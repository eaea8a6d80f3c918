"""The KPI catalogue: every KPI the project reports, in one table that the terminal, the report and the docs read.

Each entry says what a reader needs about a KPI: its kind (which decides the range it can take, and so
which interval summarises it across replications: no negative counts, no share above 1), its unit, how
many decimals it is shown with, its part (the group it belongs to in the tables), whether it is a key
row (the planner's short table), when a scenario reports it, and its English label. The label is also
the message id of its translations: the Chinese lives in the gettext catalogue (sim/locale), under
the context ``kpi.<name>``; this module holds data only.

Names with a placeholder stand for one KPI each: ``checkpoint.<gate>.wait.p95_min`` for every gate,
``group.<group>.…`` for every population group, ``site.<site>.<kpi>`` for every site and each of the
per-site KPIs (``sim.measure.kpis.SITE_KPIS``). The KPI reference is not hand-written: `drill kpis
--markdown` writes scenarios/KPIS.md from this table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

Kind = Literal["count", "share", "minutes", "clock", "peak", "rate", "hours", "number"]

# when a scenario reports a KPI: every site scenario, or with one of its parts (sim/measure/names.py
# holds the test of each on a Scenario); a city round (kind: city) reports the "city" ones
WHEN: dict[str, str] = {
    "site": "every site scenario",
    "groups": "two or more population groups",
    "community": "a community (courtyards and their gates)",
    "sites": "community.sites (several sites)",
    "staff": "staff",
    "samples": "samples",
    "recall": "samples and recall",
    "doorstep": "samples and doorstep",
    "city": "a city round",
}

PART_TITLES: dict[str, str] = {
    "people": "Who was swabbed", "time": "When", "waits": "Waits (minutes)", "site": "The site",
    "gates": "Residence gates (卡口)", "staff": "Staff", "samples": "Samples to the lab", "recall": "Recall",
    "doorstep": "Door-to-door", "sites": "Each site", "city": "The city", "other": "Other",
}  # fmt: skip
PARTS = tuple(part for part in PART_TITLES if part != "other")

UNITS: dict[Kind, str] = {"share": "share 0-1", "minutes": "min", "clock": "after open",
                          "rate": "per hour", "hours": "hours", "peak": "people", "count": "people",
                          "number": "people"}  # fmt: skip

DECIMALS_RULE = (
    "whole numbers and values of 100 or more without decimals; otherwise utilisation to 2 decimals, "
    "shares (0-1) to 3 decimals and everything else to 1 decimal; thousands separated by commas"
)


@dataclass(frozen=True)
class KpiSpec:
    """One KPI (or a family of them): its kind and unit, how it is shown, where it belongs, when it exists."""

    name: str
    kind: Kind
    part: str
    label: str  # English, for a reader; the message id of its translations (context "kpi.<pattern>")
    unit: str
    when: tuple[str, ...]
    key: bool = False  # shown in the planner's short table (the rest with --all)
    decimals: int = 1  # shown with this many decimals when not whole and below 100
    pattern: str = ""  # the catalogue entry a resolved name comes from (itself for a plain name)
    fields: dict[str, str] = field(default_factory=dict, compare=False)  # placeholder → name, once resolved

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


def _part(part: str, when: str, *rows: tuple[str, Kind, str, str, str] | tuple[str, Kind, str, str]) -> list[KpiSpec]:
    """The entries of one part: (name, kind, flags, label[, unit]); flags 'key' marks a key row."""
    out = []
    for name, kind, flags, label, *unit in rows:
        decimals = 2 if "utilization" in name else 3 if kind == "share" else 1
        out.append(KpiSpec(name, kind, part, label, unit[0] if unit else UNITS[kind], tuple(when.split()),
                           "key" in flags.split(), decimals, name))  # fmt: skip
    return out


_GATE_STATS: tuple[tuple[str, Kind, str, str, str], ...] = (
    ("wait.mean_min", "minutes", "wait, mean (min)", "min", ""),
    ("wait.p95_min", "minutes", "wait, 95th percentile (min)", "min", "key"),
    ("wait.max_min", "minutes", "wait, longest (min)", "min", "key"),
    ("queue.peak", "peak", "queue, peak (people)", "people", "key"),
    ("passed", "count", "passed", "people", ""),
    ("redirected", "count", "sent to the site", "people", ""),
)


def _gates() -> list[KpiSpec]:
    """Each gate's six measures, the same over all gates (checkpoint.all.*, the key ones), referred and held."""
    rows: list[tuple[str, Kind, str, str, str]] = []
    for stat, kind, label, unit, _key in _GATE_STATS:
        rows.append((f"checkpoint.<gate>.{stat}", kind, "", f"Gate {{gate}}: {label}", unit))
    for stat, kind, label, unit, key in _GATE_STATS:
        rows.append((f"checkpoint.all.{stat}", kind, key, f"all gates: {label}", unit))
    rows += [("checkpoint.all.referred", "count", "", "all gates: referred", "people"),
             ("checkpoint.all.held", "count", "key", "all gates: held", "people")]  # fmt: skip
    return _part("gates", "community", *rows)


CATALOGUE: tuple[KpiSpec, ...] = tuple(
    _part("people", "site",
          ("people.called", "count", "", "People called"),
          ("people.arrived", "count", "key", "People who came"),
          ("people.sampled", "count", "key", "People swabbed"),
          ("people.unswabbed", "count", "key", "Set out but not swabbed"),
          ("people.unswabbed.set_out_late", "count", "", "… set out too late to arrive before admissions stopped"),
          ("people.unswabbed.delayed", "count", "", "… held up at a gate until too late, or held there"),
          ("people.unswabbed.turned_away", "count", "", "… turned away for good at a full waiting zone"),
          ("people.unswabbed.hard_stop", "count", "", "… still waiting when service ended"),
          ("coverage.share", "share", "key", "Coverage: swabbed ÷ who set out (0-1)"),
          ("people.unserved", "count", "",
           "Not served (came after admissions stopped, or waiting at the hard stop)"),
          ("people.isolated", "count", "key", "Sent to isolation"),
          ("people.turned_away", "count", "", "Turned away (zone full)"))
    + _part("time", "site",
            ("time.completion_min", "clock", "key", "Last swab, minutes after opening"),
            ("time.last_arrival_min", "clock", "", "Last arrival at the site, minutes after opening"),
            ("throughput.per_hour", "rate", "key", "Swabs per hour", "swabs/hour"))
    + _part("waits", "site",
            ("wait.door_to_swab.mean_min", "minutes", "key", "From setting out to the swab, mean (min)"),
            ("wait.door_to_swab.p95_min", "minutes", "key", "From setting out to the swab, 95th percentile (min)"),
            ("wait.door_to_swab.max_min", "minutes", "key", "From setting out to the swab, longest (min)"),
            ("wait.total.mean_min", "minutes", "key", "Wait, mean (min)"),
            ("wait.total.p95_min", "minutes", "key", "Wait, 95th percentile (min)"),
            ("wait.total.max_min", "minutes", "key", "Wait, longest (min)"),
            ("time.to_site.mean_min", "minutes", "", "From setting out to reaching the site, mean (min)"),
            ("wait.entry_check.mean_min", "minutes", "key", "Wait at entry check, mean (min)"),
            ("wait.sampling.mean_min", "minutes", "key", "Wait for a station, mean (min)"),
            ("time.in_site.mean_min", "minutes", "", "Time on site, mean (min)"))
    + _part("waits", "community",
            ("wait.gate.mean_min", "minutes", "key", "Queue at the gate on the way, mean (min)"))
    + _part("waits", "groups",
            ("group.<group>.wait.total.mean_min", "minutes", "", "{group}: Wait, mean (min)"),
            ("group.<group>.wait.total.p95_min", "minutes", "key", "{group}: Wait, 95th percentile (min)"))
    + _part("site", "site",
            ("zone.waiting.peak", "peak", "key", "Waiting zone, peak (people)"),
            ("zone.waiting.mean", "number", "", "Waiting zone, average (people)"),
            ("zone.outside.peak", "peak", "key", "Queue outside, peak (people)"),
            ("zone.isolation.peak", "peak", "", "Isolation zone, peak (people)"),
            ("zone.isolation_overflow.peak", "peak", "", "Waiting for an isolation place, peak (people)"),
            ("isolation.wait.max_min", "minutes", "", "Longest wait for an isolation place (min)"),
            ("stations.open", "count", "key", "Stations opened (staffed)", "stations"),
            ("stations.utilization", "share", "key", "Station utilisation (0-1)"),
            ("samples.tubes", "count", "key", "Tubes", "tubes"),
            ("samples.swabs_per_tube", "number", "", "Swabs per tube", "swabs/tube"),
            ("samples.household_tubes", "count", "", "Household tubes (sealed compounds)", "tubes"))
    + _gates()
    + _part("gates", "community",
            ("trip.mean_min", "minutes", "", "Round trip home → site → home, mean (min)"),
            ("trip.p95_min", "minutes", "", "Round trip, 95th percentile (min)"),
            ("trip.max_min", "minutes", "", "Round trip, longest (min)"),
            ("trip.residents", "count", "", "Courtyard residents swabbed on a round trip"),
            ("returnees.arrived", "count", "", "Returnees who reached a gate"),
            ("returnees.home", "count", "", "Returnees let in at their gate"),
            ("returnees.sampled", "count", "", "Returnees swabbed"),
            ("callup.buildings_uncalled", "count", "key", "Buildings never called", "buildings"),
            ("callup.last_call_min", "clock", "", "Last call-up, minutes after opening"))
    + _part("staff", "staff",
            ("stations.closed_min", "minutes", "key", "Station time closed for staff changes (station-min)"),
            ("entry.closed_min", "minutes", "key", "Entry lane time closed (lane-min)"),
            ("staff.ppe_hours", "hours", "", "Hours in protective equipment (all staff)", "hours"),
            ("staff.rotations", "count", "key", "Staff changes at posts", "changes"),
            ("buffer.wait.max_min", "minutes", "", "Longest wait for a buffer-zone place (min)"),
            ("staff.warnings", "count", "", "Staffing warnings", "warnings"))
    + _part("samples", "samples",
            ("samples.age_at_lab.max_min", "minutes", "key", "Sample age at the lab, oldest (min)"),
            ("samples.age_at_lab.p95_min", "minutes", "", "Sample age at the lab, 95th percentile (min)"),
            ("samples.over_limit", "count", "key", "Tubes over the room-temperature limit", "tubes"),
            ("samples.not_delivered", "count", "key", "Tubes not delivered to the lab", "tubes"),
            ("samples.result.p95_min", "minutes", "key", "Swab to result, 95th percentile (min)"),
            ("samples.result.max_min", "minutes", "", "Swab to result, longest (min)"),
            ("samples.last_result_min", "clock", "", "Last result, minutes after opening"),
            ("lab.utilization", "share", "key", "Lab utilisation (0-1)"),
            ("courier.trips", "count", "", "Courier trips", "trips"))
    + _part("recall", "recall",
            ("recall.positives", "count", "", "Positive people"),
            ("recall.pools", "count", "", "Positive pooled tubes", "tubes"),
            ("recall.retests", "count", "", "Single-tube retests"),
            ("recall.confirmed", "count", "key", "Positives confirmed by single tube"),
            ("recall.confirmed.max_min", "minutes", "key", "First swab to confirmed positive, longest (min)"))
    + _part("doorstep", "doorstep",
            ("doorstep.people", "count", "key", "People swabbed at home"),
            ("doorstep.last_min", "clock", "key", "Last home swab, minutes after opening"))
    + _part("sites", "sites", ("site.<site>.<kpi>", "number", "", "Site {site}: {label}", "that KPI's"))
    + _part("city", "city",
            ("sites.count", "count", "", "Sites", "sites"),
            ("sites.done_by_deadline.share", "share", "", "Share of sites done by the deadline"),
            ("people.done_by_deadline.share", "share", "", "Share of people swabbed by the deadline"),
            ("time.completion.p50_min", "clock", "", "Median site's last swab, minutes after opening"),
            ("wait.site_p95.max_min", "minutes", "", "Worst site's 95th-percentile wait (min)"),
            ("lab.backlog.peak", "count", "", "Lab backlog, peak (tubes)", "tubes"),
            ("lab.last_result_min", "clock", "", "Last lab result, minutes after opening"))
)  # fmt: skip

# a city round also reports these site KPIs, summed or taken over its sites (sim/measure/city.py)
CITY_ALSO = ("people.arrived", "people.sampled", "people.unserved", "time.completion_min", "wait.total.mean_min",
             "stations.utilization", "samples.tubes", "samples.age_at_lab.max_min", "samples.over_limit")  # fmt: skip
CATALOGUE = tuple(replace(spec, when=(*spec.when, "city")) if spec.name in CITY_ALSO else spec for spec in CATALOGUE)

SITE_FAMILY = "site.<site>.<kpi>"


def _pattern(name: str) -> re.Pattern[str]:
    """'checkpoint.<gate>.wait.p95_min' → a regex where each placeholder stands for any name (captured)."""
    pieces = re.split(r"<([a-z]+)>", name)
    regex = "".join(re.escape(piece) if k % 2 == 0 else f"(?P<{piece}>.+?)" for k, piece in enumerate(pieces))
    return re.compile("^" + regex + "$")


_SITE_LABEL = next(spec.label for spec in CATALOGUE if spec.name == SITE_FAMILY)
_EXACT = {spec.name: spec for spec in CATALOGUE if "<" not in spec.name}
_FAMILIES = [(_pattern(spec.name), spec) for spec in CATALOGUE if "<" in spec.name and spec.name != SITE_FAMILY]


@lru_cache(maxsize=4096)
def spec_of(name: str) -> KpiSpec | None:
    """The catalogue entry of a KPI name, with the placeholders' values (``site.<site>.X``: X's entry, in part
    'sites', not a key row); None if unknown."""
    if name in _EXACT:
        return _EXACT[name]
    for pattern, spec in _FAMILIES:
        found = pattern.match(name)
        if found:
            return replace(spec, name=name, fields=found.groupdict())
    if name.startswith("site.") and name.count(".") >= 2:
        _, site, rest = name.split(".", 2)
        inner = spec_of(rest)
        if inner is not None and inner.part not in ("sites", "city"):
            return replace(
                inner,
                name=name,
                part="sites",
                key=False,
                pattern=SITE_FAMILY,
                when=("sites",),
                fields={"site": site, "kpi": rest},
            )
    return None


def part_of(name: str) -> str:
    spec = spec_of(name)
    return spec.part if spec is not None else "other"


def is_key(name: str) -> bool:
    spec = spec_of(name)
    return bool(spec and spec.key)


def unit_of(name: str) -> str:
    spec = spec_of(name)
    return spec.unit if spec is not None else ""


# ---- how a number is shown ---------------------------------------------------------------------


def decimals(name: str, value: float) -> int:
    """How many decimals a value of KPI `name` is shown with (DECIMALS_RULE; 1 for a name not in the catalogue)."""
    if float(value).is_integer() or abs(value) >= 100:
        return 0
    spec = spec_of(name)
    return spec.decimals if spec is not None else 1


def format_value(value: float | None, name: str = "", places: int | None = None) -> str:
    """A KPI value as the tables show it ('—' for none); `places` overrides the rule (interval ends take the
    mean's)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    places = decimals(name, value) if places is None else places
    return f"{value:,.{places}f}"


# ---- labels ----------------------------------------------------------------------------------------

Translate = Callable[[str, str], str]  # (context, English) → the reader's language


def _english(context: str, text: str) -> str:
    return text


def label(name: str, translate: Translate = _english) -> str:
    """A reader's name for a KPI (the KPI's own name where the catalogue has none); `translate` gives the
    reader's language (sim/report/i18n.py passes the gettext catalogue's)."""
    spec = spec_of(name)
    if spec is None:
        return name
    if spec.pattern == SITE_FAMILY:
        text = translate("kpi." + SITE_FAMILY, _SITE_LABEL)
        return text.format(site=spec.fields["site"], label=label(spec.fields["kpi"], translate))
    text = translate("kpi." + spec.pattern, spec.label)
    return text.format(**spec.fields) if spec.fields else text
