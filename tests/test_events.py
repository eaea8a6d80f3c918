"""The event log (events.csv): counts against the replication's KPIs, states against its records, files, memory."""

from __future__ import annotations

import csv
import json
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim import run_replication, scenario_from_text
from sim.cli import main
from sim.drill.event_log import replication_log
from sim.drill.events import EVENT_TYPES
from sim.drill.files import write_event_log
from sim.measure.kpis import replication_kpis, zone_intervals
from sim.measure.occupancy import level_at
from sim.model.records import Records

ROOT = Path(__file__).parent.parent

# turned away at a full zone, some come back once; entry check, isolation
TURN_AWAY = """
name: turn away
seed: 3
clock: {open: "08:00", duration: 2h}
arrivals: {rate: 700/h}
site:
  entry_check: {lanes: 2, time: {dist: exponential, mean: 6s}, abnormal: 0.02}
  waiting: {capacity: 8, when_full: turn_away, retry: {share: 0.6, after: 15min}}
  sampling: {stations: 4, registration: {dist: lognormal, mean: 12s, cv: 0.5}, swab: {dist: gamma, mean: 25s, cv: 0.4}}
  isolation: {capacity: 1, stay: 20min}
pooling: {size: 5}
"""

# queues outside, a hard stop, staff rotations, the sample chain
HARD_STOP = """
name: hard stop
seed: 4
clock: {open: "08:00", duration: 2h, hard_stop: "10:10"}
arrivals: {profile: [{at: "08:00", rate: 900/h}, {at: "09:00", rate: 500/h}]}
population: {adult: {share: 0.7}, elderly: {share: 0.3, priority: true, swab_factor: 1.3}}
site:
  entry_check: {lanes: 1, time: {dist: exponential, mean: 3s}, abnormal: 0.01}
  waiting: {capacity: 30}
  sampling: {stations: 4, registration: {dist: lognormal, mean: 15s, cv: 0.5}, swab: {dist: gamma, mean: 30s, cv: 0.4}}
  isolation: {capacity: 10, stay: 30min}
  buffer: {capacity: 2}
pooling: {size: 10}
staff:
  sampler: {roster: 6, max_stretch: 1h, don: 5min, doff: 5min, rest: 10min}
samples: {courier: {every: 1h, travel: 15min}, lab: {tubes_per_hour: 200}}
"""


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module", params=[TURN_AWAY, HARD_STOP], ids=["turn_away", "hard_stop"])
def logged(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[Records, dict[str, float], list[dict[str, str]]]:  # fmt: skip
    scenario = scenario_from_text(request.param)
    records = run_replication(scenario, 1)
    out = tmp_path_factory.mktemp("events")
    write_event_log(replication_log(records, scenario, chunk=500), out, {"replication": 1, "seed": scenario.seed})
    return records, replication_kpis(records), _read(out / "events.csv")


def test_counts_of_events_equal_the_replications_kpis(logged: tuple[Records, dict[str, float], list]) -> None:
    records, kpis, rows = logged
    people = [r for r in rows if r["pathway"] not in ("staff", "sample")]
    by_event = Counter(r["event"] for r in people)
    came = {r["entity_id"] for r in people if r["event"] == "arrival"}
    last: dict[str, str] = {}
    for r in people:
        last[r["entity_id"]] = r["event"]
    assert len(came) == kpis["people.arrived"] > 100
    assert by_event["swab_end"] == by_event["swab_start"] == kpis["people.sampled"]
    assert by_event["isolated"] == kpis["people.isolated"] > 0
    assert by_event["unserved"] == kpis["people.unserved"]
    assert sum(e == "turned_away" for e in last.values()) == kpis["people.turned_away"]
    transferred = int(np.sum(~np.isnan(records.people["iso_out"])))  # not those still in isolation at the stop
    assert by_event["depart"] == kpis["people.sampled"] + transferred
    tubes = {r["entity_id"] for r in rows if r["event"] == "tube_sealed"}
    assert len(tubes) == kpis["samples.tubes"] > 0
    # every person ends gone or walking away, or in isolation at the hard stop: nobody is left queueing
    assert set(last.values()) <= {"depart", "turned_away", "unserved", "isolated"}


def test_rows_follow_the_contract(logged: tuple[Records, dict[str, float], list]) -> None:
    _, _, rows = logged
    assert list(rows[0]) == ["entity_id", "event", "event_type", "time", "resource_id", "pathway"]
    times = [float(r["time"]) for r in rows]
    assert times == sorted(times)
    for r in rows:
        assert r["event_type"] == EVENT_TYPES[r["event"]]
        if r["event"] in ("station_start", "swab_start", "swab_end", "entry_start", "entry_end"):
            assert int(r["resource_id"]) >= 1  # stations and lanes are numbered from 1
    assert {r["pathway"] for r in rows if r["entity_id"].isdigit()} <= {"adult", "elderly"}


def _states(rows: list[dict[str, str]], t: float) -> Counter:
    """The contract's counters at t (minutes since open), from the rows alone."""
    state: dict[str, tuple[str, str]] = {}
    swabbed = 0
    for r in rows:
        if float(r["time"]) > t:
            break
        if r["pathway"] in ("staff", "sample"):
            continue
        state[r["entity_id"]] = (r["event"], r["resource_id"])
        swabbed += r["event"] == "swab_end"
    names = {"zone_in": "waiting", "queue_join": "outside", "isolated": "isolation"}
    out = Counter(names[e] for e, _ in state.values() if e in names)
    out["stations-busy"] = len({res for e, res in state.values() if e in ("station_start", "swab_start")})
    out["swabbed"] = swabbed
    return out


def test_states_at_any_time_match_the_records(logged: tuple[Records, dict[str, float], list]) -> None:
    records, _, rows = logged
    zones = zone_intervals(records)
    p = records.people
    for minute in range(0, int((records.end_s - records.open_s) / 60), 7):
        t = minute + 0.5
        at = np.array([records.open_s + 60 * t])
        got = _states(rows, t)
        for zone, name in (("waiting", "waiting"), ("outside", "outside"), ("isolation", "isolation")):
            assert got[name] == level_at(*zones[zone], at)[0], (zone, t)
        busy = (p["station_start"] <= at[0]) & ~(np.nan_to_num(p["swab_end"], nan=np.inf) <= at[0])
        assert got["stations-busy"] == len(np.unique(p["station"][busy])), t
        assert got["swabbed"] == int(np.sum(p["swab_end"] <= at[0])), t


def test_staff_and_samples_have_their_events(logged: tuple[Records, dict[str, float], list]) -> None:
    records, kpis, rows = logged
    staff = [r for r in rows if r["pathway"] == "staff"]
    if records.staff is None:
        assert not staff
        return
    assert {r["entity_id"].rsplit("-", 1)[0] for r in staff} == {"sampler"}
    first = [r for r in staff if r["event"] == "change_start"][0]
    assert float(first["time"]) == -5.0  # the first team dresses before opening
    opened = Counter(r["event"] for r in staff)
    assert opened["post_open"] == opened["post_close"] and opened["change_start"] == opened["change_end"]
    tubes = [r for r in rows if r["entity_id"].startswith("tube-")]
    delivered = Counter(r["event"] for r in tubes)
    assert delivered["lab_arrival"] == delivered["tube_sealed"] - kpis["samples.not_delivered"]
    courier = [r for r in rows if r["entity_id"] == "courier"]
    assert sum(r["event"] == "courier_pickup" for r in courier) == kpis["courier.trips"]


def test_drill_run_events_writes_the_files(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(TURN_AWAY, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(scenario), "-n", "2", "--workers", "1", "--out", str(tmp_path / "r"),
                                       "--events", "--events-replication", "2"])  # fmt: skip
    assert result.exit_code == 0, result.output
    info = json.loads((tmp_path / "r" / "events.json").read_text(encoding="utf-8"))
    assert info["replication"] == 2 and info["seed"] == 3 and info["open"] == "08:00"
    assert info["columns"] == ["entity_id", "event", "event_type", "time", "resource_id", "pathway"]
    raw = (tmp_path / "r" / "events.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, like every results CSV
    rows = _read(tmp_path / "r" / "events.csv")
    assert info["rows"] == len(rows)
    records = run_replication(scenario_from_text(TURN_AWAY), 2)
    assert sum(r["event"] == "swab_end" for r in rows) == replication_kpis(records)["people.sampled"]
    try:
        import pyarrow.parquet as pq  # type: ignore[import-not-found, import-untyped]
    except ImportError:
        return
    table = pq.read_table(tmp_path / "r" / "events.parquet")
    assert table.num_rows == len(rows) and table.column_names == info["columns"]


def test_events_replication_beyond_the_run_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(TURN_AWAY, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(scenario), "-n", "2", "--workers", "1", "--out", str(tmp_path / "r"),
                                       "--events", "--events-replication", "3"])  # fmt: skip
    assert result.exit_code == 2
    assert "--events-replication 3" in result.output and "Traceback" not in result.output


BIG_DAY = """
name: big day
seed: 5
clock: {{open: "06:00", duration: 10h}}
arrivals: {{rate: {rate}/h}}
site:
  entry_check: {{lanes: 20, time: {{dist: exponential, mean: 4s}}}}
  sampling: {{stations: 60, registration: {{dist: lognormal, mean: 12s, cv: 0.5}}, swab: {{dist: gamma, mean: 25s, cv: 0.4}}}}
pooling: {{size: 10}}
"""


def _peak_writing(rate: int, out: Path) -> tuple[int, int]:
    """Peak memory (bytes, tracemalloc) of writing one day's event log, beyond the records themselves."""
    scenario = scenario_from_text(BIG_DAY.format(rate=rate))
    records = run_replication(scenario, 1)
    tracemalloc.start()
    try:
        write_event_log(replication_log(records, scenario), out, {"replication": 1, "seed": 5})
        return records.n, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_for_a_100000_person_day(tmp_path: Path) -> None:
    _peak_writing(100, tmp_path / "warm")  # imports (pyarrow, csv) are not the log's memory
    small_n, small = _peak_writing(2_000, tmp_path / "small")
    big_n, big = _peak_writing(10_000, tmp_path / "big")
    assert big_n > 95_000 and small_n < 25_000
    # five times the people, five times the events: the peak is the chunk being written, not the day
    assert big / small < 1.6, (small, big)
