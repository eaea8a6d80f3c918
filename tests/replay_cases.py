"""Test material for the replay: a hand-built day whose counts are worked out by hand, and the
contract's state rule written plainly over events.csv (independent of sim.replay and of the page).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from replay_events import EVENT_TYPE, write_log

TINY_SCENARIO = """\
name: Tiny site
seed: 1
replications: 2
clock: {open: "08:00", duration: 1h}
arrivals: {rate: 60/h}
site:
  entry_check: {lanes: 1, time: 60s}
  waiting: {capacity: 2, when_full: queue_outside}
  sampling: {stations: 2, registration: 60s, swab: 60s}
  isolation: {capacity: 1, stay: 30min}
  buffer: {capacity: 2}
"""

# (entity, pathway, [(minutes since opening, event, resource)]) in the order of each life.
# Person 4 finds the waiting zone (2 places) full at 08:04 and queues outside until 08:05; person 6
# enters the zone at 7.0000001 min, a hair after 08:07; sampler-1 leaves station 1 at 08:30 and its
# relief opens it at 08:35 (station 1 closed in between, while person 9 comes at 08:40); one tube goes
# with the courier at 08:20.
TINY_LIVES: list[tuple[str, str, list[tuple[float, str, str]]]] = [
    ("1", "adult", [(-5, "leave_home", ""), (-5, "gate_join", "north"), (-4, "gate_out", "north"), (0, "arrival", ""),
                    (0, "entry_start", "1"), (1, "entry_end", "1"), (1, "queue_join", ""), (1, "zone_in", ""),
                    (2, "station_start", "1"), (3, "swab_start", "1"), (4, "swab_end", "1"), (4, "depart", ""),
                    (10, "gate_join", "north"), (11, "gate_in", "north"), (11, "home", "")]),
    ("2", "elderly", [(1, "arrival", ""), (1, "entry_start", "1"), (2, "entry_end", "1"), (2, "queue_join", ""),
                      (2, "zone_in", ""), (5, "station_start", "2"), (6, "swab_start", "2"), (7, "swab_end", "2"),
                      (7, "depart", "")]),
    ("3", "adult", [(2, "arrival", ""), (2, "entry_start", "1"), (3, "entry_end", "1"), (3, "queue_join", ""),
                    (3, "zone_in", ""), (7.999999, "station_start", "1"), (9, "swab_start", "1"), (10, "swab_end", "1"),
                    (10, "depart", "")]),
    ("4", "adult", [(3, "arrival", ""), (3, "entry_start", "1"), (4, "entry_end", "1"), (4, "queue_join", ""),
                    (5, "zone_in", ""), (7, "station_start", "2"), (8, "swab_start", "2"), (9, "swab_end", "2"),
                    (9, "depart", "")]),
    ("5", "adult", [(4, "arrival", ""), (4, "entry_start", "1"), (5, "entry_end", "1"), (5, "isolated", ""),
                    (35, "depart", "")]),
    ("6", "elderly", [(5, "arrival", ""), (5, "entry_start", "1"), (6, "entry_end", "1"), (6, "queue_join", ""),
                      (7.0000001, "zone_in", ""), (9, "station_start", "2"), (10, "swab_start", "2"),
                      (11, "swab_end", "2"), (11, "depart", "")]),
    ("7", "adult", [(70, "arrival", ""), (70, "unserved", "")]),
    ("8", "background", [(2, "gate_join", "north"), (3, "gate_out", "north")]),
    ("9", "adult", [(40, "arrival", ""), (40, "entry_start", "1"), (41, "entry_end", "1"), (41, "queue_join", ""),
                    (41, "zone_in", ""), (41, "station_start", "2"), (42, "swab_start", "2"), (43, "swab_end", "2"),
                    (43, "depart", "")]),
    ("sampler-1", "staff", [(-10, "change_start", "buffer"), (0, "change_end", "buffer"), (0, "post_open", "station-1"),
                            (30, "post_close", "station-1"), (30, "change_start", "buffer"),
                            (40, "change_end", "buffer")]),
    ("sampler-2", "staff", [(0, "post_open", "station-2")]),
    ("registrar-1", "staff", [(0, "post_open", "station-1")]),
    ("registrar-2", "staff", [(0, "post_open", "station-2")]),
    ("sampler-3", "staff", [(25, "change_start", "buffer"), (35, "change_end", "buffer"), (35, "post_open", "station-1")]),
    ("tube-1", "sample", [(10, "tube_sealed", "1"), (20, "courier_pickup", "courier"), (40, "lab_arrival", "lab"),
                          (60, "result", "lab")]),
    ("courier", "sample", [(20, "courier_pickup", "courier"), (40, "lab_arrival", "lab")]),
]  # fmt: skip

# Worked out by hand from the lives above (clock time → counters that are not 0).
TINY_EXPECTED: dict[str, dict[str, int]] = {
    "07:55": {"gate:north": 1, "buffer": 1, "stations-closed": 2},  # nobody on duty before opening
    "08:02": {"waiting": 1, "entry": 1, "stations-busy": 1, "gate:north": 1, "on-duty": 4},
    "08:04": {"waiting": 2, "outside": 1, "entry": 1, "swabbed": 1, "on-duty": 4},
    "08:05": {"waiting": 2, "entry": 1, "isolation": 1, "stations-busy": 1, "swabbed": 1, "on-duty": 4},
    "08:07": {"waiting": 1, "outside": 1, "isolation": 1, "stations-busy": 1, "swabbed": 2, "on-duty": 4},
    "08:08": {"waiting": 1, "isolation": 1, "stations-busy": 2, "swabbed": 2, "on-duty": 4},
    "08:10": {"isolation": 1, "stations-busy": 1, "swabbed": 4, "gate:north": 1, "on-duty": 4, "box": 1},
    "08:20": {"isolation": 1, "swabbed": 5, "on-duty": 4, "road": 1, "trips": 1},
    "08:30": {"isolation": 1, "swabbed": 5, "on-duty": 3, "buffer": 2, "stations-closed": 1, "road": 1, "trips": 1},
    "08:35": {"swabbed": 5, "on-duty": 4, "buffer": 1, "road": 1, "trips": 1},
    "09:10": {"swabbed": 6, "on-duty": 4, "results": 1, "trips": 1},
}
COUNTERS = ("waiting", "outside", "isolation", "stations-busy", "swabbed", "gate:north", "entry", "buffer", "on-duty",
            "stations-closed", "box", "road", "lab", "results", "trips")  # fmt: skip


def write_tiny(folder: Path) -> Path:
    """The hand-built day as a results folder: events.csv, events.json, scenario.yaml."""
    rows = [[entity, event, EVENT_TYPE[event], repr(float(minutes)), resource, pathway]
            for entity, pathway, life in TINY_LIVES for minutes, event, resource in life]  # fmt: skip
    rows.sort(key=lambda row: float(row[3]))  # stable: an entity's rows at one time keep their order
    write_log(folder, rows, replication=1, open_clock="08:00", seed=1)
    (folder / "scenario.yaml").write_text(TINY_SCENARIO, encoding="utf-8")
    return folder / "events.csv"


def minutes_of(clock: str, open_clock: str) -> float:
    h, m = (int(x) for x in clock.split(":"))
    oh, om = (int(x) for x in open_clock.split(":"))
    return float((h * 60 + m) - (oh * 60 + om))


def reference_counts(events_csv: Path, t: float) -> dict[str, int]:
    """Every counter of the page at t minutes since opening, by the contract's rule, read plainly from the file.

    An entity's state at t is its last event with time <= t, in file order. Counters count people
    (pathway not staff or sample), staff, or tubes (entity tube-<n>) in given states.
    """
    last: dict[str, dict[str, str]] = {}
    swabbed: set[str] = set()
    pickups: set[float] = set()
    sampler_posts = registrar_posts = False
    with open(events_csv, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            role = row["entity_id"].rsplit("-", 1)[0]
            if row["event"] == "post_open" and row["resource_id"].startswith("station-"):
                sampler_posts |= role == "sampler"
                registrar_posts |= role == "registrar"
            if float(row["time"]) > t:
                continue
            last[row["entity_id"]] = row
            if row["event"] == "swab_end":
                swabbed.add(row["entity_id"])
            if row["event"] == "courier_pickup" and row["entity_id"].startswith("tube-"):
                pickups.add(float(row["time"]))
    counts: Counter[str] = Counter()
    busy: set[str] = set()
    on_duty: set[tuple[str, str]] = set()
    person_states = {"zone_in": "waiting", "queue_join": "outside", "isolated": "isolation", "arrival": "entry",
                     "entry_start": "entry", "entry_end": "entry"}  # fmt: skip
    tube_states = {"tube_sealed": "box", "courier_pickup": "road", "lab_arrival": "lab", "result": "results"}
    for entity, row in last.items():
        event, pathway = row["event"], row["pathway"]
        if pathway == "staff":
            if event == "post_open":
                counts["on-duty"] += 1
                on_duty.add((entity.rsplit("-", 1)[0], row["resource_id"]))
            elif event == "change_start":
                counts["buffer"] += 1
        elif pathway == "sample":
            if entity.startswith("tube-") and event in tube_states:
                counts[tube_states[event]] += 1
        elif event in person_states:
            counts[person_states[event]] += 1
        elif event in ("station_start", "swab_start"):
            busy.add(row["resource_id"])
        elif event == "gate_join":
            counts[f"gate:{row['resource_id']}"] += 1
    counts["stations-busy"] = len(busy)
    counts["_arriving"] = sum(row["event"] == "arrival" and row["pathway"] not in ("staff", "sample")
                              for row in last.values())  # in the queue for the entry check  # fmt: skip
    counts["swabbed"] = len(swabbed)
    counts["trips"] = len(pickups)
    counts["stations-closed"] = 0
    return dict(counts) | {"_on_duty": on_duty, "_posts": (sampler_posts, registrar_posts)}  # type: ignore[dict-item]


def closed_stations(reference: dict, stations: int) -> int:
    """Stations with no sampler (or no registrar) on duty, where those posts are on record at all."""
    sampler_posts, registrar_posts = reference["_posts"]
    on_duty = reference["_on_duty"]
    return sum(
        (sampler_posts and ("sampler", f"station-{n}") not in on_duty)
        or (registrar_posts and ("registrar", f"station-{n}") not in on_duty)
        for n in range(1, stations + 1)
    )


def expected_counters(events_csv: Path, t: float, stations: int, names: list[str]) -> dict[str, int]:
    """The reference value of each named counter at t (0 where nobody is in it)."""
    reference = reference_counts(events_csv, t)
    reference["stations-closed"] = closed_stations(reference, stations)
    return {name: int(reference.get(name, 0)) for name in names}
