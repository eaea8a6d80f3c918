"""What one replication records, declared in one place: compact columns, one row per person, tube, passage.

Records first, statistics after: every KPI is a pure function of these arrays. The simpy processes write
into the plain lists of the logs (fast appends and item writes); `Records` holds them as numpy arrays.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields

import numpy as np

NAN = float("nan")

# a person's outcome at the site
PENDING, SAMPLED, ISOLATED, TURNED_AWAY, UNSERVED = 0, 1, 2, 3, 4
OUTCOMES = {PENDING: "pending", SAMPLED: "sampled", ISOLATED: "isolated",
            TURNED_AWAY: "turned_away", UNSERVED: "unserved"}  # fmt: skip

# a gate passage's outcome (PASSAGE_PENDING: still queued or being checked when the replication stopped)
PASSAGE_PENDING, PASSED, REDIRECTED, REFERRED, HELD = 0, 1, 2, 3, 4
PASSAGE_OUTCOMES = {PASSAGE_PENDING: "pending", PASSED: "passed", REDIRECTED: "redirected", REFERRED: "referred",
                    HELD: "held"}  # fmt: skip
OUT, IN = 0, 1  # directions: leaving the courtyard, coming in
RESIDENT, BACKGROUND, RETURNEE = 0, 1, 2  # community actors

# a staff member's timeline states (protective equipment is worn in DON, DUTY, WAIT_DOFF, DOFF), and why a post closed
WAIT_DON, DON, DUTY, WAIT_DOFF, DOFF, REST = 0, 1, 2, 3, 4, 5
STATES = ("wait_don", "don", "duty", "wait_doff", "doff", "rest")
IN_PPE = (DON, DUTY, WAIT_DOFF, DOFF)
ROTATION, PAUSE, ABSENT = 0, 1, 2
CAUSES = ("rotation", "pause", "absent")

# where a tube of the sample chain comes from
SITE, HOME, RETEST = 0, 1, 2
KINDS = ("site", "home", "retest")


@dataclass
class PersonLog:
    """The site's per-person columns while simpy runs (seconds since midnight; NaN: did not happen)."""

    first_arrival: list[float]  # first time at the site
    arrival: list[float]  # this (last) attempt's arrival
    entry_start: list[float]  # entry check
    entry_end: list[float]
    queue_join: list[float]  # joined the queue for a station (outside or in the waiting zone)
    zone_in: list[float]  # entered the waiting zone (1-metre lanes)
    station_start: list[float]  # stepped up to a station (registrar, or sampler if no registration)
    swab_start: list[float]
    swab_end: list[float]
    iso_in: list[float]  # temporary isolation zone
    iso_out: list[float]
    station: list[int]  # global station number, -1: none
    outcome: list[int]
    tries: list[int]

    @classmethod
    def empty(cls, n: int) -> PersonLog:
        times = {f.name: [NAN] * n for f in fields(cls) if f.name not in ("station", "outcome", "tries")}
        return cls(**times, station=[-1] * n, outcome=[PENDING] * n, tries=[0] * n)


TIME_COLUMNS = tuple(f.name for f in fields(PersonLog) if f.name not in ("station", "outcome", "tries"))


@dataclass(frozen=True)
class People(Mapping[str, np.ndarray]):
    """One row per person: the site's times (as PersonLog), where each came from and went to.

    `household`: a sealed compound's household, -1 pooled N-in-1; `tube`: the tube holding the swab, -1 none;
    `set_out`: left home (a community), or reached the site (none). Read as `people.swab_end` or `people["swab_end"]`.
    """

    first_arrival: np.ndarray
    arrival: np.ndarray
    entry_start: np.ndarray
    entry_end: np.ndarray
    queue_join: np.ndarray
    zone_in: np.ndarray
    station_start: np.ndarray
    swab_start: np.ndarray
    swab_end: np.ndarray
    iso_in: np.ndarray
    iso_out: np.ndarray
    station: np.ndarray
    outcome: np.ndarray
    tries: np.ndarray
    household: np.ndarray
    tube: np.ndarray
    set_out: np.ndarray

    @classmethod
    def from_log(cls, log: PersonLog, household: np.ndarray, tube: np.ndarray, set_out: np.ndarray) -> People:
        times = {name: np.asarray(getattr(log, name), dtype=float) for name in TIME_COLUMNS}
        return cls(**times, station=np.asarray(log.station, dtype=np.int32),
                   outcome=np.asarray(log.outcome, dtype=np.int8), tries=np.asarray(log.tries, dtype=np.int16),
                   household=household, tube=tube, set_out=set_out)  # fmt: skip

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in _PEOPLE_COLUMNS:
            raise KeyError(name)
        value: np.ndarray = getattr(self, name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(_PEOPLE_COLUMNS)

    def __len__(self) -> int:
        """The number of columns (a mapping of column → array); the rows are `len(people.outcome)`."""
        return len(_PEOPLE_COLUMNS)

    @staticmethod
    def names() -> tuple[str, ...]:
        return _PEOPLE_COLUMNS

    def select(self, mask: np.ndarray) -> People:
        """The rows where `mask` holds."""
        return People(**{name: self[name][mask] for name in self.names()})


_PEOPLE_COLUMNS = tuple(f.name for f in fields(People))


@dataclass(frozen=True)
class Tubes:
    """Pooled tubes: the station that filled it, its swab count, first swab and sealing time."""

    station: np.ndarray
    swabs: np.ndarray
    first_swab: np.ndarray
    closed: np.ndarray  # sealed: full with its last swab, part-full when the site has finished, a household's last
    household: np.ndarray | None = None  # per tube: the household it holds, -1 pooled N-in-1; None: no households

    @property
    def households(self) -> int:
        """Tubes holding one household each (sealed compounds)."""
        return int(np.sum(self.household >= 0)) if self.household is not None else 0

    def select(self, mask: np.ndarray) -> Tubes:
        return Tubes(self.station[mask], self.swabs[mask], self.first_swab[mask], self.closed[mask],
                     self.household[mask] if self.household is not None else None)  # fmt: skip

    def __len__(self) -> int:
        return len(self.swabs)


@dataclass(frozen=True)
class Sites:
    """Several sites in one replication (scenario key community.sites); the first is the main site.

    Site k's stations are numbered from sum(stations[:k]), so person rows and tubes stay global.
    """

    names: tuple[str, ...]
    stations: tuple[int, ...]
    entry_check: tuple[bool, ...]
    of_person: np.ndarray  # each person row's site (index into names)

    def first_station(self, k: int) -> int:
        return sum(self.stations[:k])


class GateLog:
    """Gate passages as plain lists (fast appends while simpy runs)."""

    def __init__(self) -> None:
        self.gate: list[int] = []
        self.direction: list[int] = []
        self.actor: list[int] = []
        self.join: list[float] = []
        self.start: list[float] = []
        self.end: list[float] = []
        self.outcome: list[int] = []

    def joined(self, gate: int, direction: int, actor: int, t: float) -> int:
        """A new passage: someone joined the gate's queue at t; returns its row."""
        self.gate.append(gate)
        self.direction.append(direction)
        self.actor.append(actor)
        self.join.append(t)
        self.start.append(NAN)
        self.end.append(NAN)
        self.outcome.append(PASSAGE_PENDING)
        return len(self.gate) - 1

    def columns(self) -> dict[str, np.ndarray]:
        return {
            "gate": np.asarray(self.gate, dtype=np.int32),
            "direction": np.asarray(self.direction, dtype=np.int8),
            "actor": np.asarray(self.actor, dtype=np.int32),
            "join": np.asarray(self.join, dtype=float),
            "start": np.asarray(self.start, dtype=float),
            "end": np.asarray(self.end, dtype=float),
            "outcome": np.asarray(self.outcome, dtype=np.int8),
        }


@dataclass(frozen=True)
class CommunityRecords:
    """One replication's gate passages and actors (times in seconds since midnight).

    actors: kind, courtyard, site_row (-1: never needs the site), leave (left home or reached the gate from
    outside), home (back home; NaN if not), sampled, no_proof (bool), gate.
    """

    gate_names: tuple[str, ...]
    passages: dict[str, np.ndarray]
    actors: dict[str, np.ndarray]
    control: str
    uncalled: int  # call-up buildings never called (feedback stops calling at closing time)


@dataclass(frozen=True)
class StaffRecords:
    """Staff timelines and post closures of one replication (seconds since midnight)."""

    roles: tuple[str, ...]
    segments: dict[str, np.ndarray]  # role, member, post, state, start, end (end NaN: still on at the end)
    closed: dict[str, np.ndarray]  # role (-1: site pause), post, start, end, cause
    buffer_wait: np.ndarray  # seconds each change waited for a place
    rotations: int
    end_s: float  # when the site finished; open-ended segments and closures end here
    warnings: tuple[str, ...] = ()
    posts: dict[str, int] = field(default_factory=dict)  # per role: posts in the plan
    open: dict[str, int] = field(default_factory=dict)  # per role: posts opened (staff.open_posts)
    present: dict[str, int] = field(default_factory=dict)  # per role: people who turned up


@dataclass(frozen=True)
class ChainRecords:
    """One row per tube (site, home, retest), one per courier trip, one per confirmed case."""

    tubes: dict[
        str, np.ndarray
    ]  # kind, swabs, first_swab, closed, boxed, at_lab, result (NaN: not delivered), retest_of
    trips: dict[str, np.ndarray]  # depart, at_lab, back, tubes
    confirmed: dict[str, np.ndarray]  # swab (first, pooled), confirmed (single-tube result)
    positives: int  # people positive among everyone swabbed
    positive_pools: int
    lab_busy_s: float
    lab_servers: int
    limit_s: float
    doorstep_last_s: float  # NaN without door-to-door sampling
    doorstep_people: int
    recall: bool = False  # the scenario has a recall part
    doorstep: bool = False  # the scenario has door-to-door sampling


@dataclass(frozen=True)
class Records:
    """One replication's records (times in seconds since midnight)."""

    replication: int
    open_s: float
    close_s: float
    end_s: float  # when the replication stopped (drained, or the hard stop)
    stations: int
    entry_check: bool
    people: People
    group: np.ndarray
    building: np.ndarray
    call_times: np.ndarray
    called: np.ndarray
    tubes: Tubes
    community: CommunityRecords | None = None  # gates and residents' trips (scenario key community)
    staff: StaffRecords | None = None  # rotations and post closures (scenario key staff)
    chain: ChainRecords | None = None  # boxes, courier, lab, recall, doorstep (scenario key samples)
    sites: Sites | None = None  # several sites (scenario key community.sites); stations counts them all
    group_names: tuple[str, ...] = ()  # population groups, in the order of `group`

    @property
    def n(self) -> int:
        return len(self.group)
