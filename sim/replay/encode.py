"""The event log packed for the page: per entity, its pattern of events and delta-encoded seconds.

Most people live the same sequence of events (arrive, checked, queue, wait, station, swab, leave),
so each entity stores the index of its pattern, its times as whole seconds (the first from the day's
first second, then differences) and the resources of the events that need one (gate, lane, station,
post). The page rebuilds each entity's rows in file order and applies the contract's state rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .contract import EVENT_NAMES, EVENTS, KINDS, OTHER_SAMPLE, PERSON, RESOURCE_EVENTS, STAFF, STATES, TUBE
from .events import EventLog

PALETTE = {"adult": "#2563eb", "elderly": "#ea580c", "background": "#9ca3af"}
MORE_COLOURS = ("#0891b2", "#db2777", "#65a30d", "#7c3aed", "#ca8a04", "#0f766e")
KIND_COLOURS = {STAFF: "#047857", TUBE: "#7c3aed", OTHER_SAMPLE: "#6b7280"}
POST_KINDS = ("", "station", "lane")  # other posts (marshal-2, ...) are kind 3


def _resource_meta(log: EventLog, gates: tuple[str, ...]) -> list[list[int]]:
    """Per resource: [gate index or -1, its number (station or lane, 0 if none), post kind, post number]."""
    meta = []
    for name in log.resources:
        gate = gates.index(name) if name in gates else -1
        number = int(name) if name.isdigit() else 0
        kind, post = 0, 0
        head, _, tail = name.rpartition("-")
        if head and tail.isdigit():
            kind, post = (POST_KINDS.index(head) if head in POST_KINDS else 3), int(tail)
        meta.append([gate, number, kind, post])
    return meta


def _classes(log: EventLog) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Entity classes (kind, pathway, staff role) with their colours, and each entity's class."""
    keys: dict[tuple[str, str, str], int] = {}
    of_entity = np.empty(len(log.ids), dtype=np.int32)
    extra = iter(MORE_COLOURS * 10)
    classes: list[dict[str, Any]] = []
    for e, (entity_id, pathway) in enumerate(zip(log.ids, log.pathways, strict=True)):
        kind = KINDS[log.kinds[e]]
        role = entity_id.rsplit("-", 1)[0] if kind == STAFF else ""
        key = (kind, pathway if kind == PERSON else "", role)
        k = keys.get(key)
        if k is None:
            k = keys[key] = len(classes)
            colour = (PALETTE.get(pathway) or next(extra)) if kind == PERSON else KIND_COLOURS[kind]
            classes.append({"kind": kind, "pathway": key[1], "role": role, "colour": colour})
        of_entity[e] = k
    return classes, of_entity


def encode(log: EventLog, gates: tuple[str, ...]) -> dict[str, Any]:
    """The JSON-ready event data of the page."""
    order = np.argsort(log.entity, kind="stable")
    entity, event = log.entity[order], log.event[order]
    time_s, resource = log.time_s[order], log.resource[order]
    t0 = int(time_s.min()) if len(time_s) else 0
    bounds = np.flatnonzero(np.diff(entity)) + 1
    starts = np.r_[0, bounds]
    # delta-encoded seconds: each entity's first row from t0, the rest from its previous row
    deltas = np.diff(time_s, prepend=t0)
    deltas[starts] = time_s[starts] - t0
    has_res = np.array([name in RESOURCE_EVENTS for name in EVENT_NAMES])
    patterns: dict[bytes, int] = {}
    pattern_of = np.empty(len(starts), dtype=np.int32)
    for k, (a, b) in enumerate(zip(starts.tolist(), np.r_[bounds, len(event)].tolist(), strict=True)):
        key = event[a:b].tobytes()
        pattern_of[k] = patterns.setdefault(key, len(patterns))
    classes, class_of = _classes(log)
    return {
        "events": list(EVENT_NAMES),
        "states": list(STATES),
        "state_of": [STATES.index(e.state) for e in EVENTS],
        "has_res": has_res.astype(int).tolist(),
        "resources": _resource_meta(log, gates),
        "classes": classes,
        "n": len(starts),
        "cls": class_of[entity[starts]].tolist(),
        "pat": pattern_of.tolist(),
        "patterns": [list(np.frombuffer(key, dtype=np.int8).tolist()) for key in patterns],
        "t0": t0,
        "t1": int(time_s.max()) if len(time_s) else 0,
        "dt": deltas.tolist(),
        "res": resource[has_res[event]].tolist(),
    }
