"""What one replication recorded: compact columns, one row per person, one per tube.

Records first, statistics after: every KPI is a pure function of these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .chain import ChainRecords
    from .passages import CommunityRecords
    from .staff import StaffRecords

# outcome codes
PENDING, SAMPLED, ISOLATED, TURNED_AWAY, UNSERVED = 0, 1, 2, 3, 4
OUTCOMES = {PENDING: "pending", SAMPLED: "sampled", ISOLATED: "isolated",
            TURNED_AWAY: "turned_away", UNSERVED: "unserved"}  # fmt: skip

PERSON_TIMES = (
    "first_arrival",  # first time at the site
    "arrival",  # this (last) attempt's arrival
    "entry_start", "entry_end",  # entry check
    "queue_join",  # joined the queue for a station (outside or in the waiting zone)
    "zone_in",  # entered the waiting zone (1-metre lanes)
    "station_start",  # stepped up to a station (registrar, or sampler if no registration)
    "swab_start", "swab_end",
    "iso_in", "iso_out",  # temporary isolation zone
)  # fmt: skip


class PersonLog:
    """Mutable per-person columns written by the simpy processes (plain lists: fast writes)."""

    def __init__(self, n: int):
        nan = float("nan")
        for name in PERSON_TIMES:
            setattr(self, name, [nan] * n)
        self.station = [-1] * n
        self.outcome = [PENDING] * n
        self.tries = [0] * n


@dataclass(frozen=True)
class Tubes:
    """Pooled tubes: the station that filled it, its swab count, first swab and close time."""

    station: np.ndarray
    swabs: np.ndarray
    first_swab: np.ndarray
    closed: np.ndarray
    household: np.ndarray | None = None  # per tube: the household it holds, -1 pooled N-in-1; None: no households

    @property
    def households(self) -> int:
        """Tubes holding one household each (sealed compounds)."""
        return int(np.sum(self.household >= 0)) if self.household is not None else 0

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


@dataclass(frozen=True)
class Records:
    """One replication's records (times in seconds since midnight)."""

    replication: int
    open_s: float
    close_s: float
    end_s: float  # when the replication stopped (drained, or the hard stop)
    stations: int
    entry_check: bool
    people: dict[str, np.ndarray]
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

    @classmethod
    def from_log(cls, log: PersonLog, columns: dict[str, np.ndarray] | None = None, **fields: object) -> Records:
        """`columns`: further per-person columns (``household``: sealed-compound household or -1;
        ``tube``: the tube holding the person's swab or -1; ``set_out``: when they left home, or
        reached the site where there is no community, s since midnight)."""
        people: dict[str, np.ndarray] = {name: np.asarray(getattr(log, name), dtype=float) for name in PERSON_TIMES}
        people["station"] = np.asarray(log.station, dtype=np.int32)
        people["outcome"] = np.asarray(log.outcome, dtype=np.int8)
        people["tries"] = np.asarray(log.tries, dtype=np.int16)
        people.update(columns or {})
        return cls(people=people, **fields)  # type: ignore[arg-type]
