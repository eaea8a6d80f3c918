"""Moments of the day worth a deep link (the page's "Jump to" list, and what `drill replay` prints).

Each one is read from the event log by the contract's state rule (states.py), so the number in
its label is the number the page's counters show at its time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .contract import KINDS, PERSON, STAFF, TUBE
from .events import EventLog
from .i18n import t
from .layout import SiteShape
from .states import Intervals

QUEUING = ("entry_queue", "entry_check", "checked", "outside", "waiting")
STATION_ROLES = ("sampler", "registrar")


@dataclass(frozen=True)
class Moment:
    key: str
    t_s: int  # whole seconds since opening
    clock: str  # the time of day, as a deep link gives it: '09:41' or '09:41:07'
    label: str


def clock(open_s: float, t_s: int) -> str:
    """'09:41' on a whole minute, else '09:41:07' (hours past 24 are kept, e.g. '25:10')."""
    total = int(round(open_s)) + int(t_s)
    sign, total = ("-", -total) if total < 0 else ("", total)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{sign}{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def _rows(log: EventLog, event: str, kind: str) -> np.ndarray:
    return np.flatnonzero((log.event == log.code(event)) & (log.kinds[log.entity] == KINDS.index(kind)))


def _busiest(spans: Intervals, queue_outside: bool, lang: str) -> list[tuple[str, int, str]]:
    n, at = spans.peak(spans.select(PERSON, QUEUING))
    if n == 0:
        return []
    if not queue_outside:  # the waiting zone is unlimited (or turns people away): nobody queues outside it
        return [("peak", at, t("m_peak_inside", lang, n=n))]
    outside = int(spans.count(spans.select(PERSON, ("outside",)), np.array([at]))[0])
    return [("peak", at, t("m_peak", lang, n=n, outside=outside))]


def _zone_full(spans: Intervals, capacity: int | None, lang: str) -> list[tuple[str, int, str]]:
    waiting = spans.select(PERSON, ("waiting",))
    if not capacity or not waiting.any():
        return []
    starts = np.unique(spans.start[waiting])
    full = np.flatnonzero(spans.count(waiting, starts) >= capacity)
    return [("full", int(starts[full[0]]), t("m_full", lang, n=capacity))] if len(full) else []


def _longest_gate(log: EventLog, spans: Intervals, gates: tuple[str, ...], lang: str) -> list[tuple[str, int, str]]:
    best = (0, 0, "")
    for name in gates:
        if name in log.resources:
            peak, when = spans.peak(spans.select(PERSON, ("gate",), log.resources.index(name)))
            if peak > best[0]:
                best = (peak, when, name)
    return [("gate", best[1], t("m_gate", lang, gate=best[2], n=best[0]))] if best[0] else []


def _first_closure(log: EventLog, spans: Intervals, stations: int, until_s: int,
                   lang: str) -> list[tuple[str, int, str]]:  # fmt: skip
    """The first time, from opening to the last swab, that a station has no sampler (or registrar) on duty."""
    role = np.array([entity_id.rsplit("-", 1)[0] for entity_id in log.ids])[spans.entity]
    on_duty = spans.select(STAFF, ("on_duty",))
    first: tuple[int, int, str] | None = None
    for name in STATION_ROLES:
        mine = on_duty & (role == name)
        posts = {log.resources[r] for r in np.unique(spans.resource[mine]).tolist()}
        if not any(p.startswith("station-") for p in posts):
            continue  # this role's posts are not on record
        for n in range(1, stations + 1):
            code = log.resources.index(f"station-{n}") if f"station-{n}" in log.resources else -1
            mask = mine & (spans.resource == code)
            ends = spans.end[mask]
            times = np.unique(np.r_[0, ends[(ends >= 0) & (ends <= until_s)]])
            closed = times[spans.count(mask, times) == 0]
            if len(closed) and (first is None or closed[0] < first[0]):
                first = (int(closed[0]), n, name)
    if first is None:
        return []
    words = {"sampler": t("sampler", lang), "registrar": t("registrar", lang)}
    return [("closed", first[0], t("m_closed", lang, n=first[1], role=words[first[2]]))]


def moments(log: EventLog, spans: Intervals, shape: SiteShape, lang: str) -> list[Moment]:
    """Opening, the busiest moment, the waiting zone filling, the longest gate queue, the first staff change,
    the first station closed, the first courier departure and the last swab: those the day has, in time order."""
    found = [("open", 0, t("m_open", lang))]
    found += _busiest(spans, shape.queue_outside, lang) + _zone_full(spans, shape.waiting_capacity, lang)
    found += _longest_gate(log, spans, shape.gates, lang)
    changes = _rows(log, "post_close", STAFF)
    changes = changes[log.time_s[changes] > 0]
    if len(changes):
        found.append(("change", int(log.time_s[changes[0]]), t("m_change", lang)))
    swabs = np.flatnonzero(log.event == log.code("swab_end"))
    last_swab = int(log.time_s[swabs[-1]]) if len(swabs) else 0
    found += _first_closure(log, spans, shape.stations, last_swab, lang)
    pickups = _rows(log, "courier_pickup", TUBE)
    if len(pickups):
        at = int(log.time_s[pickups[0]])
        found.append(("courier", at, t("m_courier", lang, n=int(np.sum(log.time_s[pickups] == at)))))
    if len(swabs):
        found.append(("last", last_swab, t("m_last", lang)))
    return sorted((Moment(key, at, clock(log.open_s, at), label) for key, at, label in found), key=lambda m: m.t_s)
