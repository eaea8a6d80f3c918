"""Where everything is on the replay's drawing: the site's schematic, laid out from the scenario.

Left to right, as people move: the courtyards' gates (卡口) and the walk to the site; the entry
check with the queue of people arriving; the temporary isolation zone below it; the queue outside
the waiting zone; the waiting zone; the stations (registrar, then sampler); the staff-only buffer
zone (缓冲区) and the exit; then the sample chain (boxes, the courier's road, the lab). Units are
the drawing's own (a viewBox of W × H); the page scales it to the window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..scenario import Scenario
from .contract import EVENT_NAMES, RESOURCE_EVENTS
from .events import EventLog

H = 540.0  # drawing height
TOP = 66.0  # zones start below their headings
BOTTOM = H - 16.0
GATE_COL_W, STATION_COL_W = 224.0, 156.0
MAX_GATE_ROWS = 26
Rect = dict[str, float]


def _rect(x: float, y: float, w: float, h: float) -> Rect:
    return {"x": round(x, 1), "y": round(y, 1), "w": round(w, 1), "h": round(h, 1)}


@dataclass(frozen=True)
class SiteShape:
    """What the drawing needs to know about the site: from the scenario, widened by what the events show."""

    name: str
    gates: tuple[str, ...]
    lanes: int  # entry-check lanes (0: no entry check)
    waiting_capacity: int | None
    queue_outside: bool
    stations: int
    isolation: int  # places (0: no isolation zone)
    buffer: int | None  # changing places (None: no buffer zone drawn; 0: unlimited)
    registrar: bool  # stations register before the swab (else a station is one sampler)
    staff: bool  # staff rotations are on record
    samples: bool  # the sample chain is modelled (boxes, courier, lab)
    box_capacity: int
    several_sites: bool
    station_posts: tuple[str, ...]  # staff roles holding station posts (sampler, registrar) on record
    lane_posts: bool  # entry checkers' posts are on record


def _number(text: str, prefix: str = "") -> int | None:
    body = text.removeprefix(prefix) if prefix else text
    return int(body) if body.isdigit() else None


def site_shape(scenario: Scenario, log: EventLog) -> SiteShape:
    """The scenario's site, with any station, lane or gate the events use beyond it."""
    site, community = scenario.site, scenario.community
    sites = [site, *community.sites.values()] if community is not None else [site]
    used: dict[str, set[str]] = {name: set() for name in RESOURCE_EVENTS}
    for code in np.unique(log.event).tolist():
        name = EVENT_NAMES[code]
        if name in used:
            used[name] = {log.resources[r] for r in np.unique(log.resource[log.event == code]).tolist()}
    stations_seen = [n for e in ("station_start", "swab_start", "tube_sealed") for r in used[e]
                     if (n := _number(r)) is not None]  # fmt: skip
    lanes_seen = [n for r in used["entry_start"] if (n := _number(r)) is not None]
    gates = list(community.gate_names()) if community is not None else []
    gates += sorted({r for e in ("gate_join", "gate_out", "gate_in") for r in used[e]} - set(gates) - {""})
    posts = used["post_open"]
    staff_roles = {log.ids[e].rsplit("-", 1)[0] for e in np.unique(log.entity[log.event == log.code("post_open")])}
    has = {EVENT_NAMES[c] for c in np.unique(log.event).tolist()}
    samples = scenario.samples
    return SiteShape(
        name=scenario.name,
        gates=tuple(gates),
        lanes=max([s.entry_check.lanes for s in sites if s.entry_check] + lanes_seen + [0]),
        waiting_capacity=site.waiting.capacity,
        queue_outside=site.waiting.capacity is not None and site.waiting.when_full == "queue_outside",
        stations=max(sum(s.sampling.stations for s in sites), max(stations_seen, default=0)),
        isolation=max((s.isolation.capacity for s in sites if s.isolation), default=3 if "isolated" in has else 0),
        buffer=site.buffer.capacity if site.buffer else (0 if "change_start" in has else None),
        registrar=any(s.sampling.registration is not None for s in sites),
        staff="post_open" in has,
        samples=samples is not None or "courier_pickup" in has,
        box_capacity=samples.box.capacity if samples is not None else 50,
        several_sites=len(sites) > 1,
        station_posts=tuple(r for r in ("registrar", "sampler") if r in staff_roles and
                            any(p.startswith("station-") for p in posts)),
        lane_posts="entry_checker" in staff_roles and any(p.startswith("lane-") for p in posts),
    )  # fmt: skip


def _grid(zone: Rect, n: int | None = None, spacing: float = 9.0, head: float = 0.0, foot: float = 0.0,
          square: bool = True) -> dict[str, float]:  # fmt: skip
    """Slots for dots in a zone: n of them filling it, or as many as fit at `spacing`.

    Slot j sits at (x0 + (col + 0.5) dx, y0 + (row + 0.5) dy); `head` and `foot` keep room for labels.
    """
    x0, y0 = zone["x"] + 6, zone["y"] + head + 4
    w, h = zone["w"] - 12, zone["h"] - head - foot - 8
    if n:
        cols = max(1, min(n, int(w // math.sqrt(w * h / n))))
        rows = math.ceil(n / cols)
        while rows * (w / cols) > h * 1.02 and cols < n:  # a grid that is too tall: one more column
            cols += 1
            rows = math.ceil(n / cols)
        dx = w / cols
        dy = min(dx, h / rows) if square else h / rows
    else:
        cols, rows = max(1, int(w // spacing)), max(1, int(h // spacing))
        dx, dy, n = w / cols, h / rows, cols * rows
    return {"x0": round(x0, 2), "y0": round(y0, 2), "dx": round(dx, 3), "dy": round(dy, 3), "cols": cols,
            "rows": rows, "slots": n}  # fmt: skip


def _gates(shape: SiteShape, x0: float) -> tuple[list[dict[str, Any]], float]:
    n = len(shape.gates)
    cols = math.ceil(n / MAX_GATE_ROWS)
    per_col = math.ceil(n / cols)
    row_h = min(34.0, (BOTTOM - TOP) / per_col)
    gates = []
    for g, name in enumerate(shape.gates):
        c, r = divmod(g, per_col)
        x, y = x0 + c * GATE_COL_W, TOP + r * row_h
        w, h = GATE_COL_W - 14, row_h - 3
        gates.append({"name": name, **_rect(x, y, w, h), "q0": round(x + 46, 1), "q1": round(x + w - 40, 1),
                      "bar": round(x + w - 34, 1), "cy": round(y + h / 2, 1)})  # fmt: skip
    return gates, x0 + cols * GATE_COL_W


def layout(shape: SiteShape) -> dict[str, Any]:
    """The drawing: every zone's rectangle, seats and paths (a JSON-ready mapping)."""
    out: dict[str, Any] = {"H": H, "top": TOP}
    x = 10.0
    if shape.gates:
        out["gates"], x = _gates(shape, x)
        out["road_x"] = round(x + 20, 1)
        x += 40
    else:
        out["gates"] = []
    x += 64  # the entrance, with its label
    fence_x = x
    entry_h = 220.0
    out["entrance"] = {"x": round(fence_x, 1), "y": round(TOP + entry_h / 2, 1)}
    arriving = _rect(x + 10, TOP + 18, 60, entry_h - 24)
    out["arriving"] = arriving | {"grid": _grid(arriving, foot=14)}
    lanes = []
    if shape.lanes:
        lane_h = min(36.0, (entry_h - 24) / shape.lanes)
        for k in range(shape.lanes):
            cy = TOP + 18 + (k + 0.5) * lane_h
            lanes.append({"n": k + 1, "cy": round(cy, 1), "x": round(x + 76, 1), "w": 78.0, "h": round(lane_h - 4, 1),
                          "person": round(x + 104, 1), "seat": round(x + 138, 1)})  # fmt: skip
        out["entry"] = _rect(x + 4, TOP, 158, entry_h)
        x += 170
    else:
        out["entry"] = None
        x += 80
    out["lanes"] = lanes
    iso_top = TOP + entry_h + 40
    out["isolation"] = None
    if shape.isolation:
        zone = _rect(fence_x + 8, iso_top, 150, BOTTOM - iso_top - 40)
        out["isolation"] = zone | {"places": shape.isolation, "grid": _grid(zone, min(shape.isolation, 24), head=22)}
    out["outside"] = None
    if shape.queue_outside:
        zone = _rect(x, TOP, 118, BOTTOM - TOP)
        out["outside"] = zone | {"grid": _grid(zone, spacing=8.0, foot=18)}
        x += 128
    zone = _rect(x, TOP, 256, BOTTOM - TOP)
    cap = shape.waiting_capacity
    grid = _grid(zone, cap, head=6, foot=20, square=False) if cap else _grid(zone, spacing=9.0, head=6, foot=20)
    out["waiting"] = zone | {"capacity": cap, "grid": grid}
    x += 266
    out["stations"], x = _stations(shape, x)
    out["stations_box"] = _rect(out["stations"][0]["x"] - 6, TOP, x - out["stations"][0]["x"] + 2, BOTTOM - TOP)
    x += 6
    out["buffer"] = None
    if shape.buffer is not None:
        zone = _rect(x, TOP, 126, 196)
        out["buffer"] = zone | {"places": shape.buffer, "grid": _grid(zone, shape.buffer or 8, head=40, foot=6)}
    out["exit"] = {"x": round(x + 136, 1), "y": round(BOTTOM - 120, 1)}
    out["swabbed"] = {"x": round(x + 63, 1), "y": round(BOTTOM - 60, 1)}
    out["staff_at"] = {"x": round(x + 63, 1), "y": round(TOP + 232, 1)}
    x += 136
    out["fence"] = _rect(fence_x, TOP - 40, x - fence_x, BOTTOM - TOP + 48)
    if shape.gates:  # walking back: down from the exit, left along the bottom, up to the gate
        out["bottom_y"] = round(H - 6, 1)
    if shape.samples:
        x += 22
        out["boxes"] = _rect(x, TOP, 196, 196) | {"capacity": shape.box_capacity}
        out["road"] = {"x": round(x + 34, 1), "y0": round(TOP + 196, 1), "y1": round(TOP + 300, 1)}
        out["lab"] = _rect(x, TOP + 300, 196, BOTTOM - TOP - 300)
        x += 196
    else:
        out["boxes"] = out["road"] = out["lab"] = None
    out["W"] = round(x + 14, 1)
    return out


def _stations(shape: SiteShape, x0: float) -> tuple[list[dict[str, Any]], float]:
    n = shape.stations
    per_col = min(n, max(12, math.ceil(n / 3)))
    cols = math.ceil(n / per_col)
    row_h = min(64.0, (BOTTOM - TOP - 22) / per_col)
    stations = []
    for s in range(n):
        c, r = divmod(s, per_col)
        x, y = x0 + 6 + c * STATION_COL_W, TOP + 22 + r * row_h
        w, h = STATION_COL_W - 12, row_h - 4
        cy = y + h / 2
        stations.append({"n": s + 1, **_rect(x, y, w, h), "cy": round(cy, 1),
                         "reg_person": round(x + 36, 1), "reg": round(x + 54, 1),
                         "smp_person": round(x + 92, 1), "smp": round(x + 110, 1)})  # fmt: skip
    return stations, x0 + cols * STATION_COL_W
