"""The resource budget of one replication, estimated from the validated scenario before anything runs.

The schema bounds every number, but bounded numbers can still multiply into a run that exhausts
memory or takes days (a million residents in each of 12 buildings, a swab of a day at 5 stations).
`estimate` adds up, term by term, the people, simulation events and memory of one replication, each
term tied to the key path it comes from; `over_budget` turns an estimate beyond the limits into a
finding at the key responsible. Nothing here runs the model.

The constants are measured on this model (one replication, peak RSS and `Environment.schedule`
calls; the per-part figures are scenarios/README.md, "Limits"), rounded up by about half:
a plain site takes 1.0-1.2 kB and 5 events per person (+2 with an entry check, +2 with
registration), a community about 1 kB and 6 events more per actor.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from .checks import Finding, KeyPath
from .city import City, site_scenario
from .distributions import Dist
from .schema import Scenario
from .staffing import posts

BYTES_PER_PERSON = 1_600  # person rows, their simpy process, KPI arrays
BYTES_PER_ACTOR = 1_500  # a community actor: gate passages, walks, trip
BYTES_PER_TUBE = 600  # tube rows and the sample chain's lists
BYTES_PER_SERIES_POINT = 8 * 3  # one float per minute per series, mean/max and padding when combined
SERIES = 20  # per-minute series of a site (zones, called, arrived, sampled, ...)
BYTES_PER_CITY_ROW = 3_000  # a city site's row (a dict of floats) kept per replication
BASE_BYTES = 150e6  # the interpreter, numpy, simpy and the scenario itself
EVENTS_PER_PERSON = 6
EVENTS_ENTRY_CHECK = 2
EVENTS_REGISTRATION = 2
EVENTS_PER_ACTOR = 7
EVENTS_PER_TUBE = 6
EVENTS_PER_STRETCH = 12  # a staff member's stretch: dress, post, change, rest


@dataclass(frozen=True)
class Limits:
    """What one replication may use; `drill run/sweep/search --max-memory/--max-events` raise them."""

    memory_bytes: float = 2e9  # ≈1.2 million people at a plain site; a real site serves a few thousand
    events: float = 50e6  # ≈3-8 minutes of one replication at the 130,000-250,000 events/s measured here


@dataclass
class Estimate:
    """People, events and memory of one replication, with the key that contributes most to each."""

    people: float = 0.0
    events: float = 0.0
    memory_bytes: float = BASE_BYTES
    horizon_s: float = 0.0  # simulated time from opening to the last swab
    keys: dict[str, tuple[KeyPath, float]] = field(default_factory=dict)  # quantity → (key path, its share)

    def add(self, key: KeyPath, people: float = 0.0, events: float = 0.0, memory: float = 0.0) -> None:
        self.people += people
        self.events += events
        self.memory_bytes += memory
        for name, amount in (("people", people), ("events", events), ("memory", memory)):
            if amount > self.keys.get(name, ((), 0.0))[1]:
                self.keys[name] = (key, amount)

    def key(self, quantity: str) -> KeyPath:
        return self.keys.get(quantity, ((), 0.0))[0]


def _mean(dist: Dist | None) -> float:
    return dist.mean_s if dist is not None else 0.0


def _segments(steps: Iterable[Any], start: float, end: float) -> list[tuple[int, float]]:
    """(step index, seconds it applies within [start, end)) of a piecewise rate given by steps with `.at`."""
    steps = list(steps)
    out = []
    for k, step in enumerate(steps):
        a = max(step.at, start)
        b = min(steps[k + 1].at if k + 1 < len(steps) else end, end)
        out.append((k, max(b - a, 0.0)))
    return out


def _arrivals(s: Scenario, e: Estimate) -> float:
    """Person rows of the site: walk-ins, called residents, door-to-door households; returns the call-up's tail."""
    clock, arrivals = s.clock, s.arrivals
    per_person = float(EVENTS_PER_PERSON + EVENTS_ENTRY_CHECK * (s.site.entry_check is not None))
    per_person += EVENTS_REGISTRATION * (s.site.sampling.registration is not None)
    retry = s.site.waiting.retry
    if retry is not None:
        per_person *= 1 + retry.share * retry.max_tries
    community = 1.0 if s.community is not None else 0.0
    size = BYTES_PER_PERSON + community * BYTES_PER_ACTOR + BYTES_PER_TUBE / s.pooling.size
    if retry is not None:
        size += 16 * retry.max_tries

    def people(key: KeyPath, n: float) -> None:
        e.add(key, people=n, events=n * (per_person + community * EVENTS_PER_ACTOR), memory=n * size)

    if arrivals.rate is not None:
        people(("arrivals", "rate"), arrivals.rate * clock.duration)
    for k, seconds in _segments(arrivals.profile or [], clock.open, clock.close):
        people(("arrivals", "profile", k, "rate"), arrivals.profile[k].rate * seconds)  # type: ignore[index]
    tail = 0.0
    callup = arrivals.callup
    if callup is not None:
        residents = [b.residents for b in callup.buildings]
        total, biggest = sum(residents), max(range(len(residents)), key=residents.__getitem__)
        key: KeyPath = ("arrivals", "callup", "buildings")
        if residents[biggest] * 2 > total:
            key = (*key, biggest, "residents")
        people(key, float(total))
        start = callup.start if callup.start is not None else clock.open
        last = max(b.at if b.at is not None else start + k * (callup.interval or 0.0)
                   for k, b in enumerate(callup.buildings))  # fmt: skip
        tail = last - clock.open + 5 * (_mean(callup.spread) + callup.late.share * _mean(callup.late.delay))
    return tail


def _community(s: Scenario, e: Estimate) -> float:
    """Gate traffic and returnees; returns the time the community's flows keep the run going after opening."""
    c = s.community
    if c is None:
        return 0.0
    until = c.until if c.until is not None else s.clock.close
    flows = [(("returnees", "profile"), c.returnees.profile if c.returnees else [])]
    if c.background is not None:
        flows += [
            (("background", "outbound"), c.background.outbound),
            (("background", "inbound"), c.background.inbound),
        ]
    start = s.clock.open
    for prefix, steps in flows:
        for k, seconds in _segments(steps, -math.inf, until):
            n = steps[k].rate * seconds
            e.add(("community", *prefix, k, "rate"), people=n, events=n * EVENTS_PER_ACTOR,
                  memory=n * (BYTES_PER_ACTOR + BYTES_PER_PERSON))  # fmt: skip
            start = min(start, steps[k].at)
    if c.control == "feedback":
        polls = (s.clock.close - s.clock.open) / c.feedback.check_every * (1 + len(c.sites))
        e.add(("community", "feedback", "check_every"), events=polls)
    check_s = sum(step.time.mean_s for step in c.check.steps)
    lanes = sum(gate.lanes for yard in c.courtyards for gate in yard.gates)
    gates_s = 2 * e.people * check_s / lanes  # every passage, queued at the gates
    walk = max([_mean(c.walk), *(_mean(yard.walk) for yard in c.courtyards)])
    return max(until - s.clock.open, gates_s) + 2 * 5 * walk


def _drain(s: Scenario, people: float) -> list[tuple[KeyPath, float]]:
    """How long after opening each stage of the site keeps working: its work over its servers."""
    site = s.site
    groups = list(s.population.values())
    reg_factor = sum(g.share * g.registration_factor for g in groups)
    swab_factor = sum(g.share * g.swab_factor for g in groups)
    further = s.community.sites.values() if s.community is not None else []
    stations = site.sampling.stations + sum(other.sampling.stations for other in further)
    out: list[tuple[KeyPath, float]] = [
        (("site", "sampling", "swab"), people * swab_factor * _mean(site.sampling.swab) / stations),
        (("site", "sampling", "registration"), people * reg_factor * _mean(site.sampling.registration) / stations),
    ]
    if site.entry_check is not None:
        out.append((("site", "entry_check", "time"), people * _mean(site.entry_check.time) / site.entry_check.lanes))
        if site.isolation is not None:
            found = people * site.entry_check.abnormal
            out.append((("site", "isolation", "stay"), found * _mean(site.isolation.stay) / site.isolation.capacity))
    if site.waiting.retry is not None:
        out.append((("site", "waiting", "retry", "after"), s.clock.duration + 5 * _mean(site.waiting.retry.after)))
    for key, step in (("swab", swab_factor), ("registration", reg_factor)):
        if step > 10:  # a group's factor, not the time itself, makes the station slow
            group = max(s.population, key=lambda g: s.population[g].share * getattr(s.population[g], f"{key}_factor"))
            out.append((("population", group, f"{key}_factor"), dict(out)[("site", "sampling", key)] * 1.0001))
    return out


def estimate(s: Scenario, replications: int | None = None) -> Estimate:
    """People, events and memory of one replication of `s`, plus the series every kept replication adds."""
    e = Estimate()
    callup_tail = _arrivals(s, e)
    community_tail = _community(s, e)
    horizon: list[tuple[KeyPath, float]] = [(("clock", "duration"), s.clock.duration),
                                            (("arrivals", "callup", "interval"), callup_tail),
                                            (("community", "until"), community_tail), *_drain(s, e.people)]  # fmt: skip
    key, end = max(horizon, key=lambda kv: kv[1])
    if s.clock.hard_stop is not None and s.clock.hard_stop - s.clock.open < end:
        key, end = ("clock", "hard_stop"), s.clock.hard_stop - s.clock.open
    e.horizon_s = end
    n = replications or s.replications
    gates = sum(len(yard.gates) for yard in s.community.courtyards) if s.community else 0
    series = SERIES + gates + 2 * (len(s.community.sites) + 1 if s.community and s.community.sites else 0)
    e.add(key, memory=(n + 1) * end / 60 * series * BYTES_PER_SERIES_POINT)
    _parts(s, e)
    return e


def _parts(s: Scenario, e: Estimate) -> None:
    """Staff rotations, the sample chain, door-to-door sampling."""
    if s.staff is not None:
        for name, role in s.staff.roles().items():
            stretches = e.horizon_s / role.max_stretch * role.people(posts(s, name))
            e.add(("staff", name, "max_stretch"), events=stretches * EVENTS_PER_STRETCH, memory=stretches * 200)
    if s.doorstep is not None:
        d = s.doorstep
        n = float(d.households)
        e.add(("doorstep", "households"), people=n * d.people_per_household, events=n * EVENTS_PER_TUBE,
              memory=n * (BYTES_PER_TUBE + 400))  # fmt: skip
    if s.samples is not None:
        tubes = e.people / s.pooling.size
        e.add(("samples",), events=tubes * EVENTS_PER_TUBE, memory=tubes * BYTES_PER_TUBE)
        every = s.samples.courier.every
        if every is not None:
            e.add(("samples", "courier", "every"), events=(e.horizon_s + 86400) / every * 8)


def over_budget(scenario: Any, limits: Limits = Limits(), replications: int | None = None) -> list[Finding]:
    """A finding at the key responsible when the run would exceed the limits (empty when it fits)."""
    if isinstance(scenario, City):
        e, keys = estimate_city(scenario, replications)
    else:
        e, keys = estimate(scenario, replications), None
    what = f"about {_count(e.people)} people and {_count(e.events)} events per replication"
    if e.horizon_s > 2 * 86400:
        what += f" over {e.horizon_s / 86400:,.0f} days of simulated time"
    if e.memory_bytes > limits.memory_bytes:
        return [Finding(_key(e.key("memory"), keys),
                        f"too large to run: {what}, {_bytes(e.memory_bytes)} of memory (limit {_bytes(limits.memory_bytes)}); "
                        f"lower this value, or raise the limit with --max-memory {_size(e.memory_bytes * 1.25)}")]  # fmt: skip
    if e.events > limits.events:
        return [Finding(_key(e.key("events"), keys),
                        f"too long to run: {what} (limit {_count(limits.events)} events); "
                        f"lower this value, or raise the limit with --max-events {_size(e.events * 1.25, '')}")]  # fmt: skip
    return []


def estimate_city(city: City, replications: int | None = None) -> tuple[Estimate, dict[KeyPath, KeyPath]]:
    """The largest site of a city round (its unit of work), plus the rows the round keeps of every site.

    Returns the estimate and a map from the site scenario's key paths to the city's.
    """
    n = replications or city.replications
    worst: Estimate | None = None
    keys: dict[KeyPath, KeyPath] = {}
    largest: dict[str, int] = {}  # per template, its most populous site group: the one that needs most
    for k, group in enumerate(city.sites):
        if group.population > city.sites[largest.get(group.template, k)].population or group.template not in largest:
            largest[group.template] = k
    for k in largest.values():
        group = city.sites[k]
        e = estimate(site_scenario(city, group), 1)
        if worst is None or e.memory_bytes > worst.memory_bytes or e.events > worst.events:
            worst = e
            keys = {("arrivals", "rate"): ("sites", k, "population"), ("clock", "duration"): ("clock", "duration")}
            for prefix in ("site", "population", "pooling"):
                keys[(prefix,)] = ("templates", group.template, prefix)
    out = replace(worst) if worst is not None else Estimate()
    sites = sum(g.count for g in city.sites)
    biggest = max(range(len(city.sites)), key=lambda k: city.sites[k].count, default=0)
    out.add(("sites", biggest, "count"), memory=sites * n * BYTES_PER_CITY_ROW)
    return out, keys


def _key(path: KeyPath, keys: dict[KeyPath, KeyPath] | None) -> KeyPath:
    """A site scenario's key path as the city's (keys maps whole paths or their first part)."""
    if keys is None or path[:1] == ("sites",):
        return path
    if path in keys:
        return keys[path]
    head = keys.get(path[:1])
    return (*head, *path[1:]) if head is not None else path


def _bytes(n: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n / 1e3:.3g} kB"


def _size(n: float, unit: str = "GB") -> str:
    """A limit to type on the command line, rounded up to two significant digits: '33GB', '250000000'."""
    x = n / (1e9 if unit else 1.0)
    step = 10.0 ** (math.floor(math.log10(x)) - 1)
    value = math.ceil(x / step - 1e-9) * step
    return f"{value:.10g}{unit}" if unit else f"{round(value):d}"


def _count(n: float) -> str:
    return f"{n:,.0f}" if n < 1e6 else f"{n / 1e6:,.3g} million" if n < 1e9 else f"{n:.2g}"


def parse_size(text: str) -> float:
    """'4GB', '500MB', '2GiB', '3e9' → bytes (for --max-memory)."""
    import re

    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([kKmMgGtT]i?[bB]?|[bB])?\s*", text)
    if not match:
        raise ValueError(f"{text!r} is not a size such as 4GB or 500MB")
    number, unit = float(match.group(1)), (match.group(2) or "b").lower().rstrip("b")
    scale = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}
    return number * scale[unit]
