"""An event log (events.csv + events.json) made from one replication's records, by the contract.

The replay's tests and benchmark use it in place of `drill run --events`: `write_events` is the one
function to switch to the real writer. It follows the contract's table (CONVENTIONS.md) with its own
copy of the event types, so it does not borrow the reader's. What records do not hold is made up
plainly and said so: the entry lane of each check (the lowest-numbered free lane), and earlier
attempts of people who came back (their first arrival, turned away at once).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np

from sim import load_scenario, run_replication
from sim.model.chain import HOME, RETEST
from sim.model.passages import IN, PASSED, REDIRECTED, REFERRED, RESIDENT
from sim.model.records import ISOLATED, TURNED_AWAY, UNSERVED, Records
from sim.model.staff import DOFF, DON, DUTY
from sim.results import scenario_yaml
from sim.scenario import Scenario
from sim.scenario.units import format_clock

COLUMNS = ["entity_id", "event", "event_type", "time", "resource_id", "pathway"]
EVENT_TYPE = {
    "leave_home": "arrival_departure", "gate_join": "queue", "gate_out": "resource_use_end",
    "gate_in": "resource_use_end", "arrival": "arrival_departure", "entry_start": "resource_use",
    "entry_end": "resource_use_end", "queue_join": "queue", "zone_in": "queue", "station_start": "resource_use",
    "swab_start": "resource_use", "swab_end": "resource_use_end", "isolated": "resource_use",
    "turned_away": "arrival_departure", "unserved": "arrival_departure", "depart": "arrival_departure",
    "home": "arrival_departure", "post_open": "resource_use", "post_close": "resource_use_end",
    "change_start": "queue", "change_end": "resource_use_end", "tube_sealed": "resource_use_end",
    "courier_pickup": "resource_use", "lab_arrival": "arrival_departure", "result": "arrival_departure",
}  # fmt: skip
POST_PREFIX = {"sampler": "station", "registrar": "station", "entry_checker": "lane", "marshal": "marshal"}


def _ok(x: float) -> bool:
    return not math.isnan(x)


def _lanes(entry_start: np.ndarray, entry_end: np.ndarray, lanes: int) -> np.ndarray:
    """Each check's lane (from 1): the lowest-numbered lane free when it starts (records keep no lane)."""
    lane = np.zeros(len(entry_start), dtype=int)
    free_at = [-math.inf] * max(lanes, 1)
    for p in np.argsort(entry_start, kind="stable").tolist():
        if not _ok(entry_start[p]):
            continue
        free = [k for k, t in enumerate(free_at) if t <= entry_start[p] + 1e-9]
        k = free[0] if free else int(np.argmin(free_at))
        lane[p] = k + 1
        free_at[k] = entry_end[p] if _ok(entry_end[p]) else math.inf
    return lane


def _site_rows(r: Records, p: int, lanes: np.ndarray, referred: bool) -> list[tuple[float, str, str]]:
    """Person row p's life at the site: (seconds, event, resource), in the order of their life."""
    c = {name: float(col[p]) for name, col in r.people.items() if col.dtype.kind == "f"}
    out: list[tuple[float, str, str]] = []
    if referred and _ok(c["first_arrival"]):  # abnormal at the gate: straight to the isolation zone
        out.append((c["first_arrival"], "arrival", ""))
        if _ok(c["iso_in"]):
            out.append((c["iso_in"], "isolated", ""))
        if _ok(c["iso_out"]):
            out.append((c["iso_out"], "depart", ""))
        return out
    if not _ok(c["arrival"]):
        return out  # never reached the site
    outcome, station = int(r.people["outcome"][p]), int(r.people["station"][p])
    if int(r.people["tries"][p]) > 1 and c["first_arrival"] < c["arrival"]:
        out += [(c["first_arrival"], "arrival", ""), (c["first_arrival"], "turned_away", "")]
    out.append((c["arrival"], "arrival", ""))
    if outcome == UNSERVED and c["arrival"] >= r.close_s:
        return [*out, (c["arrival"], "unserved", "")]
    if _ok(c["entry_start"]):
        out.append((c["entry_start"], "entry_start", str(lanes[p])))
    if _ok(c["entry_end"]):
        out.append((c["entry_end"], "entry_end", str(lanes[p])))
    if outcome == ISOLATED:
        if _ok(c["iso_in"]):
            out.append((c["iso_in"], "isolated", ""))
        if _ok(c["iso_out"]):
            out.append((c["iso_out"], "depart", ""))
        return out
    if outcome == TURNED_AWAY:
        return [*out, (c["entry_end"] if _ok(c["entry_end"]) else c["arrival"], "turned_away", "")]
    for name in ("queue_join", "zone_in"):
        if _ok(c[name]):
            out.append((c[name], name, ""))
    for name in ("station_start", "swab_start", "swab_end"):
        if _ok(c[name]):
            out.append((c[name], name, str(station + 1)))
    if _ok(c["swab_end"]):
        out.append((c["swab_end"], "depart", ""))
    elif outcome == UNSERVED:  # still there at the hard stop
        out.append((r.end_s, "unserved", ""))
    return out


def _gate_rows(r: Records, passages: list[int], site_at: float) -> tuple[list[tuple[float, str, str]], ...]:
    """An actor's gate passages (join, then out or in once checked), split into before and after the site."""
    assert r.community is not None
    g, names = r.community.passages, r.community.gate_names
    before: list[tuple[float, str, str]] = []
    after: list[tuple[float, str, str]] = []
    for row in passages:
        gate, join, end = names[int(g["gate"][row])], float(g["join"][row]), float(g["end"][row])
        outcome, direction = int(g["outcome"][row]), int(g["direction"][row])
        rows = [(join, "gate_join", gate)]
        if _ok(end) and outcome in (PASSED, REDIRECTED, REFERRED):  # held or still queuing: stays at the gate
            passes_in = direction == IN and outcome == PASSED
            rows.append((end, "gate_in" if passes_in else "gate_out", gate))  # sent on to the site: walking
        (before if join < site_at else after).extend(rows)
    return before, after


def event_rows(scenario: Scenario, r: Records) -> list[list[str]]:
    """Every row of the event log, sorted by time (an entity's rows at one time in the order of its life)."""
    groups = list(scenario.population)
    lanes = _lanes(r.people["entry_start"], r.people["entry_end"],
                   scenario.site.entry_check.lanes if scenario.site.entry_check else 1)  # fmt: skip
    lives: list[tuple[str, str, list[tuple[float, str, str]]]] = []
    actor_of_row: dict[int, int] = {}
    community = r.community
    if community is not None:
        site_row = community.actors["site_row"]
        actor_of_row = {int(row): a for a, row in enumerate(site_row.tolist()) if row >= 0}
        passages_of: dict[int, list[int]] = {}
        for row in np.argsort(community.passages["join"], kind="stable").tolist():
            passages_of.setdefault(int(community.passages["actor"][row]), []).append(row)
    for p in range(r.n):
        a = actor_of_row.get(p)
        life: list[tuple[float, str, str]] = []
        referred = False
        if a is not None:
            assert community is not None
            actors = community.actors
            mine = passages_of.get(a, [])
            referred = any(int(community.passages["outcome"][row]) == REFERRED for row in mine)
            if actors["kind"][a] == RESIDENT and _ok(float(actors["leave"][a])):
                life.append((float(actors["leave"][a]), "leave_home", ""))
            site_at = float(r.people["first_arrival"][p])
            before, after = _gate_rows(r, mine, site_at if _ok(site_at) else math.inf)
            life += before + _site_rows(r, p, lanes, referred) + after
            if _ok(float(actors["home"][a])):
                life.append((float(actors["home"][a]), "home", ""))
        else:
            life = _site_rows(r, p, lanes, referred)
        lives.append((str(p + 1), groups[int(r.group[p])], life))
    if community is not None:  # gate traffic that never needs the site: further numbers after the people
        next_id = r.n + 1
        for a in np.flatnonzero(community.actors["site_row"] < 0).tolist():
            before, after = _gate_rows(r, passages_of.get(a, []), math.inf)
            life = before + after
            if _ok(float(community.actors["home"][a])):
                life.append((float(community.actors["home"][a]), "home", ""))
            lives.append((str(next_id), "background", life))
            next_id += 1
    lives += _staff_lives(r) + _sample_lives(r)
    rows, times = [], []
    for entity_id, pathway, life in lives:
        for t, event, resource in life:
            minutes = (t - r.open_s) / 60.0
            rows.append([entity_id, event, EVENT_TYPE[event], repr(minutes), resource, pathway])
            times.append(minutes)
    order = np.argsort(np.asarray(times), kind="stable")
    return [rows[k] for k in order.tolist()]


def _staff_lives(r: Records) -> list[tuple[str, str, list[tuple[float, str, str]]]]:
    if r.staff is None:
        return []
    seg = r.staff.segments
    members: dict[tuple[int, int], list[int]] = {}
    for k in np.lexsort((seg["end"], seg["start"])).tolist():
        members.setdefault((int(seg["role"][k]), int(seg["member"][k])), []).append(k)
    out = []
    for (role, member), rows in sorted(members.items()):
        name = r.staff.roles[role]
        life: list[tuple[float, str, str]] = []
        for k in rows:
            state, start, end = int(seg["state"][k]), float(seg["start"][k]), float(seg["end"][k])
            post = f"{POST_PREFIX[name]}-{int(seg['post'][k]) + 1}"
            if state in (DON, DOFF):
                life += [(start, "change_start", "buffer"), (end, "change_end", "buffer")]
            elif state == DUTY:
                life.append((start, "post_open", post))
                if _ok(end):
                    life.append((end, "post_close", post))
        out.append((f"{name}-{member + 1}", "staff", life))
    return out


def _sample_lives(r: Records) -> list[tuple[str, str, list[tuple[float, str, str]]]]:
    """Tubes (sealed, picked up, at the lab, result) and the courier's trips."""
    out = []
    site_station = r.tubes.station
    if r.chain is None:
        for n in range(len(r.tubes)):
            out.append((f"tube-{n + 1}", "sample", [(float(r.tubes.closed[n]), "tube_sealed",
                                                     str(int(site_station[n]) + 1))]))  # fmt: skip
        return out
    tubes, trips = r.chain.tubes, r.chain.trips
    depart_of = {float(at): float(d) for d, at in zip(trips["depart"], trips["at_lab"], strict=True)}
    for n in range(len(tubes["kind"])):
        kind = int(tubes["kind"][n])
        station = "" if kind in (HOME, RETEST) or n >= len(site_station) else str(int(site_station[n]) + 1)
        life = [(float(tubes["boxed"][n]), "tube_sealed", station)]
        at_lab = float(tubes["at_lab"][n])
        if _ok(at_lab):
            life += [(depart_of[at_lab], "courier_pickup", "courier"), (at_lab, "lab_arrival", "lab")]
        if _ok(float(tubes["result"][n])):
            life.append((float(tubes["result"][n]), "result", "lab"))
        out.append((f"tube-{n + 1}", "sample", life))
    courier = []
    for d, at in zip(trips["depart"].tolist(), trips["at_lab"].tolist(), strict=True):
        courier += [(d, "courier_pickup", "courier"), (at, "lab_arrival", "lab")]
    if courier:
        out.append(("courier", "sample", courier))
    return out


def write_log(folder: Path, rows: list[list[str]], replication: int, open_clock: str, seed: int | None) -> None:
    """events.csv (UTF-8 with BOM) and events.json, as the contract names them."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    (folder / "events.csv").write_text(buffer.getvalue(), encoding="utf-8-sig")
    meta = {"replication": replication, "rows": len(rows), "open": open_clock, "seed": seed, "columns": COLUMNS}
    (folder / "events.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def write_events(scenario: Scenario | Path, folder: Path, replication: int = 1) -> Path:
    """Simulate one replication and write its event log (and scenario.yaml) into `folder`.

    The stand-in for `drill run SCENARIO --events --events-replication K --out FOLDER`.
    """
    if not isinstance(scenario, Scenario):
        loaded = load_scenario(scenario)
        assert isinstance(loaded, Scenario)
        scenario = loaded
    records = run_replication(scenario, replication)
    write_log(folder, event_rows(scenario, records), replication, format_clock(scenario.clock.open), scenario.seed)
    if not (folder / "scenario.yaml").exists():
        (folder / "scenario.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
    return folder / "events.csv"
