"""Reading a results folder's event log (events.csv, events.json) strictly by the contract.

Nothing here runs the model: the replay animates what the files say. Problems are reported as
``FILE:LINE: what is wrong`` (exit status 2 at the command line), never as a traceback.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DrillError
from ..results.files import EVENTS, EVENTS_META, SUMMARY
from ..scenario.units import parse_clock
from .contract import BY_NAME, COLUMNS, EVENT_NAMES, KINDS, kind_of


class ReplayError(DrillError):
    """A results folder the replay cannot animate (no event log, another replication, a broken file)."""


@dataclass(frozen=True)
class EventLog:
    """One replication's event log, as columns; entities are numbered in order of first appearance.

    `time_s` is each row's time in whole seconds since opening, rounded up, so that a row counts at a
    whole second T exactly when its time in minutes is <= T / 60 (ceil(60 m) <= T ⇔ 60 m <= T).
    """

    replication: int
    open_s: float  # clock.open, seconds since midnight
    seed: int | None
    entity: np.ndarray  # per row: entity number (index into ids)
    event: np.ndarray  # per row: index into contract.EVENT_NAMES
    time_min: np.ndarray  # per row: minutes since opening, as written
    resource: np.ndarray  # per row: index into resources ("" is 0)
    ids: tuple[str, ...]
    pathways: tuple[str, ...]  # per entity
    resources: tuple[str, ...]

    @property
    def rows(self) -> int:
        return len(self.event)

    @cached_property
    def time_s(self) -> np.ndarray:
        return np.ceil(self.time_min * 60.0).astype(np.int64)

    @cached_property
    def kinds(self) -> np.ndarray:
        """Per entity: index into contract.KINDS (person, staff, tube, other)."""
        return np.array([KINDS.index(kind_of(i, p)) for i, p in zip(self.ids, self.pathways, strict=True)],
                        dtype=np.int8)  # fmt: skip

    def code(self, event: str) -> int:
        return EVENT_NAMES.index(event)


def hint(folder: Path, replication: int) -> str:
    """The command that writes the event log this folder needs."""
    scenario = "SCENARIO"
    try:
        summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        scenario = summary.get("scenario_file") or scenario
    except (OSError, ValueError):
        pass
    return f"drill run {scenario} --events --events-replication {replication}"


def read_meta(folder: Path, replication: int | None) -> dict[str, Any]:
    """events.json, checked against the replication asked for (None: whichever the folder holds)."""
    csv_path, json_path = folder / EVENTS, folder / EVENTS_META
    wanted = replication or 1
    if not csv_path.is_file():
        raise ReplayError(f"{folder} has no {EVENTS}; write it with: {hint(folder, wanted)}")
    if not json_path.is_file():
        raise ReplayError(f"{folder} has {EVENTS} but no {EVENTS_META} (which replication?); "
                          f"write both with: {hint(folder, wanted)}")  # fmt: skip
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReplayError(f"{json_path}: not readable JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise ReplayError(f"{json_path}: expected an object with replication, rows, open, seed, columns")
    have = meta.get("replication")
    if not isinstance(have, int) or isinstance(have, bool) or have < 1:
        raise ReplayError(f"{json_path}: replication: expected a whole number from 1, got {have!r}")
    if replication is not None and have != replication:
        raise ReplayError(f"{folder}/{EVENTS} holds replication {have}, not {replication}; "
                          f"write it with: {hint(folder, replication)}")  # fmt: skip
    if list(meta.get("columns", COLUMNS)) != list(COLUMNS):
        raise ReplayError(f"{json_path}: columns: expected {', '.join(COLUMNS)}")
    try:
        meta["open_s"] = parse_clock(meta.get("open"))
    except ValueError:
        raise ReplayError(f"{json_path}: open: expected a clock time such as \"08:00\", got {meta.get('open')!r}") \
            from None  # fmt: skip
    return meta


def read_events(folder: Path | str, replication: int | None = None) -> EventLog:
    """The folder's event log; refuses a missing log, another replication, or rows off the contract."""
    folder = Path(folder)
    meta = read_meta(folder, replication)
    path = folder / EVENTS
    ids: dict[str, int] = {}
    pathways: list[str] = []
    resources: dict[str, int] = {"": 0}
    entity, event, resource, times = [], [], [], []
    codes = {name: k for k, name in enumerate(EVENT_NAMES)}
    last = -math.inf
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise ReplayError(f"{path}:1: expected the columns {', '.join(COLUMNS)}, got {', '.join(header or [])}")
        for line, row in enumerate(reader, start=2):
            if len(row) != len(COLUMNS):
                raise ReplayError(f"{path}:{line}: expected {len(COLUMNS)} fields, got {len(row)}")
            entity_id, name, event_type, time_text, resource_id, pathway = row
            spec = BY_NAME.get(name)
            if spec is None:
                raise ReplayError(f"{path}:{line}: event {name!r} is not in the event log contract "
                                  f"({', '.join(EVENT_NAMES)})")  # fmt: skip
            if event_type != spec.event_type:
                raise ReplayError(
                    f"{path}:{line}: {name}: event_type should be {spec.event_type!r}, not {event_type!r}"
                )
            try:
                t = float(time_text)
            except ValueError:
                raise ReplayError(f"{path}:{line}: time {time_text!r} is not a number of minutes") from None
            if not math.isfinite(t):
                raise ReplayError(f"{path}:{line}: time {time_text!r} is not a finite number of minutes")
            if t < last:
                raise ReplayError(f"{path}:{line}: time {time_text} is before the row above ({last:g}); "
                                  "rows must be sorted by time")  # fmt: skip
            if not entity_id:
                raise ReplayError(f"{path}:{line}: entity_id is empty")
            last = t
            k = ids.get(entity_id)
            if k is None:
                k = ids[entity_id] = len(pathways)
                pathways.append(pathway)
            elif pathways[k] != pathway:
                raise ReplayError(f"{path}:{line}: entity {entity_id} changes pathway from {pathways[k]!r} to "
                                  f"{pathway!r}")  # fmt: skip
            entity.append(k)
            event.append(codes[name])
            resource.append(resources.setdefault(resource_id, len(resources)))
            times.append(t)
    rows = meta.get("rows")
    if isinstance(rows, int) and rows != len(event):
        raise ReplayError(f"{folder / EVENTS_META}: rows: says {rows}, but {EVENTS} has {len(event)} "
                          "(was it cut short?)")  # fmt: skip
    seed = meta.get("seed")
    return EventLog(
        replication=int(meta["replication"]), open_s=float(meta["open_s"]),
        seed=seed if isinstance(seed, int) else None,
        entity=np.asarray(entity, dtype=np.int32), event=np.asarray(event, dtype=np.int8),
        time_min=np.asarray(times, dtype=float), resource=np.asarray(resource, dtype=np.int32),
        ids=tuple(ids), pathways=tuple(pathways), resources=tuple(resources),
    )  # fmt: skip
