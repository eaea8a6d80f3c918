"""A replication's event log: people at the site, the community's gates, staff posts and the samples.

``replication_log(records, scenario)`` gathers every source of events of one replication;
``drill_log(...)`` does the same for a drill's own records. Both give an ``EventLog`` whose rows
come out in time order, window by window (see events.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model.records import Records
from ..scenario.schema import Scenario
from .events import (
    COURIER,
    DEFAULT_CHUNK,
    RANK,
    STAFF_BASE,
    TUBE_BASE,
    Chunk,
    Namer,
    People,
    Resources,
    Source,
    columns_of,
    entry_lanes,
    merge,
    person_sources,
)


@dataclass
class EventLog:
    """Every source of one day's events, and how to name them; iterate ``rows()`` to stream the log."""

    sources: list[Source]
    namer: Namer
    resources: Resources
    open_s: float
    chunk: int = DEFAULT_CHUNK
    notes: list[str] = field(default_factory=list)

    def chunks(self) -> Iterator[Chunk]:
        return merge(self.sources, self.chunk)

    def columns(self) -> Iterator[dict[str, list[object]]]:
        """The log window by window, each in the contract's columns."""
        for chunk in self.chunks():
            yield columns_of(chunk, self.namer, self.resources, self.open_s)

    def rows(self) -> Iterator[tuple[object, ...]]:
        for columns in self.columns():
            yield from zip(*columns.values(), strict=True)


def _lanes_per_site(scenario: Scenario) -> list[int]:
    sites = [scenario.site, *(scenario.community.sites.values() if scenario.community else [])]
    return [s.entry_check.lanes if s.entry_check is not None else 0 for s in sites]


def replication_log(records: Records, scenario: Scenario, chunk: int = DEFAULT_CHUNK) -> EventLog:
    """The event log of one replication (its records and the scenario that made them)."""
    resources = Resources()
    p = records.people
    site = records.sites.of_person if records.sites is not None else None
    lane = entry_lanes(p["entry_start"], p["entry_end"], site, _lanes_per_site(scenario))
    people = People(p, close_s=records.close_s, end_s=records.end_s, lane=lane)
    sources = person_sources(people, resources)
    roles: Sequence[str] = ()
    if records.community is not None:
        sources += community_sources(records, resources)
    if records.staff is not None:
        sources += staff_sources(records, resources)
        roles = records.staff.roles
    sources += sample_sources(records, resources)
    namer = Namer(tuple(scenario.population), records.group, records.n, staff=_staff_namer(roles))
    notes = []
    if np.any(p["tries"] >= 3):
        notes.append("people who came back more than once: the records keep only their first and last try")
    return EventLog(sources, namer, resources, records.open_s, chunk, notes)


def _staff_namer(roles: Sequence[str]) -> Callable[[int], str]:
    def name(key: int) -> str:
        return f"{roles[key >> 20]}-{(key & 0xFFFFF) + 1}"

    return name


def community_sources(records: Records, resources: Resources) -> list[Source]:
    """Leaving home, gate queues and passages both ways, and coming home (community actors)."""
    from ..model.records import IN, PASSED, REDIRECTED, REFERRED, RESIDENT

    c = records.community
    assert c is not None
    actors, passages = c.actors, c.passages
    site_row = actors["site_row"]
    no_row = site_row < 0
    actor_key = np.where(no_row, records.n + np.cumsum(no_row) - 1, site_row).astype(np.int64)
    who = actor_key[passages["actor"]]
    first = np.zeros(len(who), dtype=bool)
    first[np.unique(passages["actor"], return_index=True)[1]] = True
    join_rank = np.where(first, RANK["gate_join.first"], RANK["gate_join.second"])
    end_rank = np.where(first, RANK["gate_end.first"], RANK["gate_end.second"])
    gate = resources.codes(list(c.gate_names))[passages["gate"]] if len(c.gate_names) else np.zeros(0, np.int32)
    outcome, direction = passages["outcome"], passages["direction"]
    leaves = (outcome == REDIRECTED) | (outcome == REFERRED) | ((outcome == PASSED) & (direction != IN))
    comes_in = (outcome == PASSED) & (direction == IN)
    return [
        Source("leave_home", actors["leave"], actor_key, RANK["leave_home"], where=actors["kind"] == RESIDENT),
        Source("gate_join", passages["join"], who, join_rank, gate),
        Source("gate_out", passages["end"], who, end_rank, gate, where=leaves),
        Source("gate_in", passages["end"], who, end_rank, gate, where=comes_in),
        Source("home", actors["home"], actor_key, RANK["home"]),
    ]


def _post_names(role: str, posts: int) -> list[str]:
    kind = {"sampler": "station", "registrar": "station", "entry_checker": "lane"}.get(role, role)
    return [f"{kind}-{k + 1}" for k in range(posts)]


def staff_sources(records: Records, resources: Resources) -> list[Source]:
    """Each staff member's changes in the buffer zone and stretches on duty at a post."""
    from ..model.records import DOFF, DON, DUTY

    staff = records.staff
    assert staff is not None
    s = staff.segments
    key = STAFF_BASE + (s["role"].astype(np.int64) << 20) + s["member"].astype(np.int64)
    row = np.arange(len(key), dtype=np.int64)
    posts = int(s["post"].max()) + 1 if len(key) else 0
    post_code = np.zeros(len(key), dtype=np.int32)
    for r, role in enumerate(staff.roles):
        mine = s["role"] == r
        if mine.any():
            post_code[mine] = resources.codes(_post_names(role, posts))[s["post"][mine]]
    buffer = resources.code("buffer")
    changing = (s["state"] == DON) | (s["state"] == DOFF)
    duty = s["state"] == DUTY
    end = np.where(np.isnan(s["end"]), staff.end_s, s["end"])
    return [
        Source("change_start", s["start"], key, 2 * row, buffer, where=changing),
        Source("change_end", s["end"], key, 2 * row + 1, buffer, where=changing),
        Source("post_open", s["start"], key, 2 * row, post_code, where=duty),
        Source("post_close", end, key, 2 * row + 1, post_code, where=duty),
    ]


def sample_sources(records: Records, resources: Resources) -> list[Source]:
    """Tubes sealed at their station; with a sample chain, the courier's pickups, the lab and results."""
    site_tubes = len(records.tubes)
    station = np.full(site_tubes, -1, dtype=np.int32)
    if site_tubes:
        labels = np.unique(records.tubes.station)
        codes = resources.codes([str(int(k) + 1) for k in labels])
        station = codes[np.searchsorted(labels, records.tubes.station)]
    chain = records.chain
    if chain is None:
        key = TUBE_BASE + np.arange(site_tubes, dtype=np.int64)
        return [Source("tube_sealed", records.tubes.closed, key, 0, station)]
    t, trips = chain.tubes, chain.trips
    n = len(t["closed"])
    key = TUBE_BASE + np.arange(n, dtype=np.int64)
    resource = np.r_[station, np.full(n - site_tubes, -1, dtype=np.int32)]
    pickup = np.full(n, np.nan)
    delivered = ~np.isnan(t["at_lab"])
    if len(trips["at_lab"]):
        trip = np.clip(np.searchsorted(trips["at_lab"], t["at_lab"][delivered]), 0, len(trips["at_lab"]) - 1)
        pickup[delivered] = trips["depart"][trip]
    courier, lab = resources.code("courier"), resources.code("lab")
    trip_row = np.arange(len(trips["depart"]), dtype=np.int64)
    return [
        Source("tube_sealed", t["closed"], key, 0, resource),
        Source("courier_pickup", pickup, key, 1, courier),
        Source("lab_arrival", t["at_lab"], key, 2, lab),
        Source("result", t["result"], key, 3, lab),
        Source("courier_pickup", trips["depart"], COURIER, 2 * trip_row, courier),
        Source("lab_arrival", trips["at_lab"], COURIER, 2 * trip_row + 1, lab),
    ]


def drill_log(arrival: np.ndarray, registered: np.ndarray, swab_start: np.ndarray, swab_end: np.ndarray,
              station: np.ndarray, open_s: float, groups: Sequence[str], group_of: np.ndarray,
              chunk: int = DEFAULT_CHUNK) -> EventLog:  # fmt: skip
    """The event log of a drill's own records: arrival, station (registration), swab, departure.

    `station` is 0-based (the records' stations in the order of their labels); the log numbers them from 1.
    """
    columns = {"arrival": arrival, "station_start": registered, "swab_start": swab_start, "swab_end": swab_end,
               "station": station}  # fmt: skip
    resources = Resources()
    sources = person_sources(People(columns), resources)
    return EventLog(sources, Namer(tuple(groups), group_of, len(arrival)), resources, open_s, chunk)
