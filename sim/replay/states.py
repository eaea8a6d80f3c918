"""The contract's state rule in Python: how many entities are in given states at given times.

An entity's state at t is given by its last event with time <= t (in file order), so each row opens
an interval [its time, the entity's next row's time) in the state it leaves; a count at t is the
number of such intervals holding t. The page computes its counters by the same rule; this side
gives the day's curve under the time slider and the moments worth a deep link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .contract import EVENTS, KINDS, STATES
from .events import EventLog

NEVER = np.iinfo(np.int64).max  # an interval that never ends (the entity's last row)
_STATE_OF_EVENT = np.array([STATES.index(e.state) for e in EVENTS], dtype=np.int8)


@dataclass(frozen=True)
class Intervals:
    """One interval per row: entity, kind, state, resource, [start, end) in whole seconds since opening."""

    entity: np.ndarray
    kind: np.ndarray
    state: np.ndarray
    resource: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def select(self, kind: str, states: tuple[str, ...], resource: int | None = None) -> np.ndarray:
        mask = (self.kind == KINDS.index(kind)) & np.isin(self.state, [STATES.index(s) for s in states])
        if resource is not None:
            mask &= self.resource == resource
        return mask

    def count(self, mask: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Entities in the selected intervals at each time (whole seconds since opening)."""
        starts, ends = np.sort(self.start[mask]), np.sort(self.end[mask])
        t = np.asarray(times, dtype=np.int64)
        return np.searchsorted(starts, t, side="right") - np.searchsorted(ends, t, side="right")

    def peak(self, mask: np.ndarray) -> tuple[int, int]:
        """The largest count and the first second it is reached (0, 0 when nobody is ever in them)."""
        if not mask.any():
            return 0, 0
        candidates = np.unique(self.start[mask])
        counts = self.count(mask, candidates)
        k = int(np.argmax(counts))
        return int(counts[k]), int(candidates[k])


def intervals(log: EventLog) -> Intervals:
    order = np.argsort(log.entity, kind="stable")  # each entity's rows, in file order
    entity, time_s = log.entity[order], log.time_s[order]
    end = np.full(len(order), NEVER, dtype=np.int64)
    same = entity[1:] == entity[:-1]
    end[:-1][same] = time_s[1:][same]
    return Intervals(entity=entity, kind=log.kinds[entity], state=_STATE_OF_EVENT[log.event[order]],
                     resource=log.resource[order], start=time_s, end=end)  # fmt: skip
