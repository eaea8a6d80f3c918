"""The event log: one row per event, in time order, from per-person (and staff, tube) records.

The shape is vidigi's (``entity_id, event, event_type, time, resource_id, pathway``), documented
in scenarios/README.md ("The event log"). Events are derived from records after the run, never
recorded by the model. They come out in chunks, each a time window of bounded size, so a
100,000-person day never becomes a list of Python objects: every *source* is one column of
records (say, everyone's ``swab_start``) and a window takes the rows whose time falls inside it.

A drill's own records (arrived, registered, swab start and end, station) go through the same
``person_sources`` as a replication's, so the day itself can be replayed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

COLUMNS = ("entity_id", "event", "event_type", "time", "resource_id", "pathway")

# event name → vidigi event_type, in the order of the contract's table
EVENT_TYPES: dict[str, str] = {
    "leave_home": "arrival_departure", "gate_join": "queue", "gate_out": "resource_use_end",
    "gate_in": "resource_use_end", "arrival": "arrival_departure", "entry_start": "resource_use",
    "entry_end": "resource_use_end", "queue_join": "queue", "zone_in": "queue", "station_start": "resource_use",
    "swab_start": "resource_use", "swab_end": "resource_use_end", "isolated": "resource_use",
    "turned_away": "arrival_departure", "unserved": "arrival_departure", "depart": "arrival_departure",
    "home": "arrival_departure", "post_open": "resource_use", "post_close": "resource_use_end",
    "change_start": "queue", "change_end": "resource_use_end", "tube_sealed": "resource_use_end",
    "courier_pickup": "resource_use", "lab_arrival": "arrival_departure", "result": "arrival_departure",
}  # fmt: skip
EVENTS = tuple(EVENT_TYPES)
CODE = {name: k for k, name in enumerate(EVENTS)}

# life order of a person's events at the same instant (a rank, not a time)
RANK = {
    "leave_home": 0, "gate_join.first": 1, "gate_end.first": 2, "arrival.first_try": 3, "turned_away.first_try": 4,
    "arrival": 5, "entry_start": 6, "entry_end": 7, "isolated": 8, "turned_away": 9, "queue_join": 10,
    "zone_in": 11, "station_start": 12, "swab_start": 13, "swab_end": 14, "depart": 15, "unserved": 16,
    "gate_join.second": 17, "gate_end.second": 18, "home": 19,
}  # fmt: skip

# entity keys: people rows from 0 (community actors without a row continue after them), then the rest
STAFF_BASE = 1 << 40
TUBE_BASE = 2 << 40
COURIER = 3 << 40
DEFAULT_CHUNK = 50_000  # events per window (a window is never split inside one minute)


class Resources:
    """Resource names by code (-1: none), so chunks carry small integers."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._code: dict[str, int] = {}

    def code(self, name: str) -> int:
        if name not in self._code:
            self._code[name] = len(self.names)
            self.names.append(name)
        return self._code[name]

    def codes(self, names: Sequence[str]) -> np.ndarray:
        return np.array([self.code(n) for n in names], dtype=np.int32)


@dataclass(frozen=True)
class Source:
    """One kind of event taken from one column: the rows with a time (and `where`) are events.

    `entity`, `resource` and `rank` are per-row arrays, or a constant; `at` replaces the column's
    time by a constant (e.g. everyone still waiting at the hard stop).
    """

    event: str
    times: np.ndarray
    entity: np.ndarray | int
    rank: np.ndarray | int
    resource: np.ndarray | int = -1
    where: np.ndarray | None = None

    def rows(self, low: float, high: float) -> np.ndarray:
        t = self.times
        inside = (t >= low) & (t < high)
        if self.where is not None:
            inside &= self.where
        return np.flatnonzero(inside)

    def span(self) -> tuple[float, float, int]:
        """Earliest and latest time, and the number of events."""
        t = self.times if self.where is None else self.times[self.where]
        t = t[~np.isnan(t)]
        return (float(t.min()), float(t.max()), len(t)) if len(t) else (np.inf, -np.inf, 0)

    def minute_counts(self, t0: float, bins: int) -> np.ndarray:
        t = self.times if self.where is None else self.times[self.where]
        t = t[~np.isnan(t)]
        return np.bincount(np.minimum(((t - t0) // 60).astype(np.int64), bins - 1), minlength=bins)

    def take(self, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        n = len(rows)

        def pick(x: np.ndarray | int, dtype: type) -> np.ndarray:
            return np.asarray(x, dtype=dtype)[rows] if isinstance(x, np.ndarray) else np.full(n, x, dtype=dtype)

        return (self.times[rows], pick(self.entity, np.int64), pick(self.rank, np.int64),
                np.full(n, CODE[self.event], dtype=np.int8), pick(self.resource, np.int32))  # fmt: skip


@dataclass(frozen=True)
class Chunk:
    """Events of one time window, sorted: time (s since midnight), entity key, rank, event code, resource code."""

    time_s: np.ndarray
    entity: np.ndarray
    rank: np.ndarray
    event: np.ndarray
    resource: np.ndarray

    def __len__(self) -> int:
        return len(self.time_s)


def _windows(sources: Sequence[Source], chunk: int) -> list[tuple[float, float]]:
    """Time windows of about `chunk` events each, on whole minutes from the first event."""
    spans = [s.span() for s in sources]
    first = min((lo for lo, _, k in spans if k), default=np.inf)
    last = max((hi for _, hi, k in spans if k), default=-np.inf)
    if not np.isfinite(first):
        return []
    bins = int((last - first) // 60) + 1
    counts = np.zeros(bins, dtype=np.int64)
    for source, (_, _, k) in zip(sources, spans, strict=True):
        if k:
            counts += source.minute_counts(first, bins)
    total = int(counts.sum())
    chunk = max(chunk, total // 500 + 1)  # at most a few hundred passes over the columns
    edges, running = [first], 0
    for b, c in enumerate(counts.tolist()):
        running += c
        if running >= chunk and b < bins - 1:
            edges.append(first + 60.0 * (b + 1))
            running = 0
    edges.append(np.inf)
    return list(zip(edges[:-1], edges[1:], strict=True))


def merge(sources: Sequence[Source], chunk: int = DEFAULT_CHUNK) -> Iterator[Chunk]:
    """Every source's events in time order (an entity's same-instant events in the order of its life)."""
    for low, high in _windows(sources, chunk):
        parts = [s.take(s.rows(low, high)) for s in sources]
        time_s, entity, rank, event, resource = (np.concatenate([p[k] for p in parts]) for k in range(5))
        order = np.lexsort((rank, entity, time_s))
        yield Chunk(time_s[order], entity[order], rank[order], event[order], resource[order])


# --- people at the site -----------------------------------------------------------------------------


@dataclass
class People:
    """Per-person columns (s since midnight) and what the events need to know about the day.

    Only ``arrival, station_start, swab_start, swab_end, station`` are required (a drill's records
    have those); the others come from a replication's records. `lane`: each person's entry lane
    (0-based, -1 none), reconstructed since the records keep none.
    """

    columns: Mapping[str, np.ndarray]
    close_s: float = np.inf
    end_s: float = np.inf
    lane: np.ndarray | None = None
    station_offset: int = 1  # stations are numbered from 1 in the log
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def person_sources(people: People, resources: Resources) -> list[Source]:
    """The events of people at the site: arrival, entry check, queue, zone, station, swab, isolation, exits.

    The same function reads a replication's records and a drill's (which give only arrival,
    registration start as ``station_start``, swab start and end, and station).
    """
    p = people.columns
    n = len(p["arrival"])
    entity = np.arange(n, dtype=np.int64)
    station = np.asarray(p["station"])
    station_code = np.full(n, -1, dtype=np.int32)
    used = station >= 0
    if used.any():
        labels = np.unique(station[used])
        lookup = dict(zip(labels.tolist(), resources.codes([str(int(s) + people.station_offset) for s in labels]),
                          strict=True))  # fmt: skip
        station_code[used] = [lookup[s] for s in station[used].tolist()]
    outcome = p.get("outcome")
    out = [
        Source("arrival", p["arrival"], entity, RANK["arrival"]),
        Source("station_start", p["station_start"], entity, RANK["station_start"], station_code),
        Source("swab_start", p["swab_start"], entity, RANK["swab_start"], station_code),
        Source("swab_end", p["swab_end"], entity, RANK["swab_end"], station_code),
    ]
    if outcome is None:  # a drill's records: everyone swabbed leaves with the swab
        out.append(Source("depart", p["swab_end"], entity, RANK["depart"]))
        return out
    out += _site_life(p, people, entity, resources)
    return out


def _site_life(p: Mapping[str, np.ndarray], people: People, entity: np.ndarray, resources: Resources) -> list[Source]:
    """Entry check, zones, isolation, retries and the ways of leaving, from a replication's records."""
    from ..model.records import ISOLATED, SAMPLED, TURNED_AWAY, UNSERVED

    outcome, tries = p["outcome"], p["tries"]
    lane_code = np.full(len(entity), -1, dtype=np.int32)
    if people.lane is not None and (people.lane >= 0).any():
        lanes = int(people.lane.max()) + 1
        names = resources.codes([str(k + 1) for k in range(lanes)])
        lane_code = np.where(people.lane >= 0, names[np.maximum(people.lane, 0)], -1).astype(np.int32)
    checked = ~np.isnan(p["entry_start"])
    referred = np.isnan(p["arrival"]) & (outcome == ISOLATED)  # sent from a gate straight to isolation
    arrived_late = p["arrival"] >= people.close_s
    unserved = (outcome == UNSERVED) & ~np.isnan(p["first_arrival"])  # planned visitors who never came: no event
    return [
        Source("arrival", p["first_arrival"], entity, RANK["arrival.first_try"], where=tries >= 2),
        Source("turned_away", p["first_arrival"], entity, RANK["turned_away.first_try"], where=tries >= 2),
        Source("arrival", p["entry_end"], entity, RANK["arrival"], where=referred),
        Source("entry_start", p["entry_start"], entity, RANK["entry_start"], lane_code),
        Source("entry_end", p["entry_end"], entity, RANK["entry_end"], lane_code, where=checked),
        Source("turned_away", p["entry_end"], entity, RANK["turned_away"], where=(outcome == TURNED_AWAY) & checked),
        Source("turned_away", p["arrival"], entity, RANK["turned_away"], where=(outcome == TURNED_AWAY) & ~checked),
        Source("queue_join", p["queue_join"], entity, RANK["queue_join"]),
        Source("zone_in", p["zone_in"], entity, RANK["zone_in"]),
        Source("isolated", p["iso_in"], entity, RANK["isolated"]),
        Source("depart", p["swab_end"], entity, RANK["depart"], where=outcome == SAMPLED),
        Source("depart", p["iso_out"], entity, RANK["depart"]),
        Source("unserved", p["arrival"], entity, RANK["unserved"], where=unserved & arrived_late),
        Source(
            "unserved", np.full(len(entity), people.end_s), entity, RANK["unserved"], where=unserved & ~arrived_late
        ),  # fmt: skip
    ]


def entry_lanes(entry_start: np.ndarray, entry_end: np.ndarray, site: np.ndarray | None, lanes: Sequence[int]
                ) -> np.ndarray:  # fmt: skip
    """Each person's entry lane (numbered across sites from 0; -1: no check), as the pool hands them out.

    The records keep no lane, so the lanes are replayed: free lanes in a queue, a freed lane to the
    back, the next check takes the front one (ends before starts at the same instant).
    """
    from collections import deque

    n = len(entry_start)
    lane = np.full(n, -1, dtype=np.int32)
    site = np.zeros(n, dtype=np.int32) if site is None else site
    first = np.cumsum([0, *lanes])
    for k, count in enumerate(lanes):
        rows = np.flatnonzero((site == k) & ~np.isnan(entry_start))
        if not len(rows) or count == 0:
            continue
        times = np.r_[entry_end[rows], entry_start[rows]]
        kind = np.r_[np.zeros(len(rows), dtype=np.int8), np.ones(len(rows), dtype=np.int8)]  # 0 end, 1 start
        who = np.r_[rows, rows]
        ok = ~np.isnan(times)
        order = np.lexsort((kind[ok], times[ok]))
        free = deque(range(count))
        for is_start, person in zip(kind[ok][order].tolist(), who[ok][order].tolist(), strict=True):
            if is_start:
                lane[person] = first[k] + (free.popleft() if free else 0)
            elif lane[person] >= 0:
                free.append(int(lane[person] - first[k]))
    return lane


# --- naming a chunk's rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Namer:
    """Entity ids and pathways of a chunk's rows, from the entity keys."""

    groups: Sequence[str]  # population group names
    group_of: np.ndarray  # each person row's group (index into groups)
    people: int  # person rows; community actors without a row are numbered after them
    staff: Callable[[int], str] = lambda key: f"staff-{key}"

    def entity_ids(self, keys: np.ndarray) -> list[str]:
        out = []
        for key in keys.tolist():
            if key < STAFF_BASE:
                out.append(str(key + 1))
            elif key < TUBE_BASE:
                out.append(self.staff(key - STAFF_BASE))
            elif key < COURIER:
                out.append(f"tube-{key - TUBE_BASE + 1}")
            else:
                out.append("courier")
        return out

    def pathways(self, keys: np.ndarray) -> list[str]:
        groups = list(self.groups)
        person = keys < self.people
        group = np.zeros(len(keys), dtype=np.int64)
        group[person] = self.group_of[keys[person]]
        out = []
        for key, is_person, g in zip(keys.tolist(), person.tolist(), group.tolist(), strict=True):
            if is_person:
                out.append(groups[g])
            elif key < STAFF_BASE:
                out.append("background")
            elif key < TUBE_BASE:
                out.append("staff")
            else:
                out.append("sample")
        return out


def columns_of(chunk: Chunk, namer: Namer, resources: Resources, open_s: float) -> dict[str, list[object]]:
    """The chunk in the contract's columns (time in minutes since open, rounded to 1/100,000 min)."""
    names = resources.names
    events = [EVENTS[code] for code in chunk.event.tolist()]
    return {
        "entity_id": list(namer.entity_ids(chunk.entity)),
        "event": list(events),
        "event_type": [EVENT_TYPES[e] for e in events],
        "time": np.round((chunk.time_s - open_s) / 60.0, 5).tolist(),
        "resource_id": [names[r] if r >= 0 else "" for r in chunk.resource.tolist()],
        "pathway": list(namer.pathways(chunk.entity)),
    }
