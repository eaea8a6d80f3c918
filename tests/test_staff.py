"""Staff rotations through the buffer zone: exact station downtime, the small-roster warning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import simpy
from click.testing import CliRunner

from sim import scenario_from_data
from sim.cli import main
from sim.errors import ScenarioError
from sim.measure.kpis import replication_kpis
from sim.model.build import run_replication
from sim.model.pools import ServerPool
from sim.model.records import DUTY
from sim.scenario import Scenario
from sim.scenario.staffing import roster_needed, staffing_warnings


def make(staff: dict[str, Any], stations: int = 1, buffer: int = 1, **site: Any) -> Scenario:
    """One-hour-stretch drill: fixed 30 s swabs, a queue that lasts past the 3-hour session."""
    return scenario_from_data({
        "name": "rotations",
        "clock": {"open": "08:00", "duration": "3h"},
        "arrivals": {"rate": f"{150 * stations}/h"},
        "site": {"sampling": {"stations": stations, "swab": "30s", **site}, "buffer": {"capacity": buffer}},
        "staff": staff,
    })  # fmt: skip


SAMPLER = {"max_stretch": "1h", "don": "5min", "doff": "5min", "rest": "10min"}


def test_no_relief_closes_the_station_for_doff_rest_and_don_exactly() -> None:
    rec = run_replication(make({"sampler": {"roster": 1, **SAMPLER}}), 1)
    kpis = replication_kpis(rec)
    assert kpis["staff.rotations"] >= 3
    assert kpis["stations.closed_min"] == pytest.approx(20.0 * kpis["staff.rotations"], abs=1e-9)
    closed = rec.staff.closed  # type: ignore[union-attr]
    assert (closed["end"] - closed["start"]).tolist() == pytest.approx([1200.0] * len(closed["end"]))
    # nobody is swabbed while the station is closed
    swab_start, swab_end = rec.people["swab_start"], rec.people["swab_end"]
    for a, b in zip(closed["start"], closed["end"], strict=True):
        assert not ((swab_start < b) & (swab_end > a)).any()


def test_a_dressed_relief_keeps_the_station_open() -> None:
    rec = run_replication(make({"sampler": {"roster": 2, **SAMPLER}}), 1)
    kpis = replication_kpis(rec)
    assert kpis["staff.rotations"] >= 3
    assert kpis["stations.closed_min"] == 0.0
    assert kpis["buffer.wait.max_min"] == 0.0  # the relief leaves the place just as the sampler comes
    assert kpis["staff.warnings"] == 0.0
    duty = rec.staff.segments["state"] == DUTY  # type: ignore[union-attr]
    assert set(rec.staff.segments["member"][duty].tolist()) == {0, 1}  # type: ignore[union-attr]


def test_a_full_buffer_zone_makes_changes_wait() -> None:
    staff = {"sampler": {"roster": 4, "stagger": False, **SAMPLER}}
    one_place = replication_kpis(run_replication(make(staff, stations=2, buffer=1), 1))
    assert one_place["buffer.wait.max_min"] > 0  # two reliefs dress at the same moment
    assert one_place["stations.closed_min"] > 0
    two_places = replication_kpis(run_replication(make(staff, stations=2, buffer=2), 1))
    assert two_places["buffer.wait.max_min"] == 0.0
    assert two_places["stations.closed_min"] == 0.0


def test_a_roster_too_small_is_warned_about_and_measured() -> None:
    small = make({"sampler": {"roster": 1, **SAMPLER}})
    warnings = staffing_warnings(small)
    assert len(warnings) == 1 and "staff.sampler" in warnings[0] and "2 are needed for all 1" in warnings[0]
    assert replication_kpis(run_replication(small, 1))["stations.closed_min"] > 0
    assert staffing_warnings(make({"sampler": {"roster": 2, **SAMPLER}})) == []
    # 5 stations, 2 h stretches and 50 min off: 5 × 170 / 120 → 8 people
    assert roster_needed(make({"sampler": {"roster": 8}}, stations=5).staff.sampler, 5) == 8  # type: ignore[union-attr]


def test_no_shows_leave_stations_closed() -> None:
    rec = run_replication(make({"sampler": {"roster": 1, "no_show": 1.0, **SAMPLER}}), 1)
    kpis = replication_kpis(rec)
    assert kpis["people.sampled"] == 0 and kpis["stations.open"] == 0  # nobody came: no station opens
    every_post = make({"open_posts": "all", "sampler": {"roster": 1, "no_show": 1.0, **SAMPLER}})
    kpis = replication_kpis(run_replication(every_post, 1))
    assert kpis["people.sampled"] == 0 and kpis["stations.open"] == 1
    assert kpis["stations.closed_min"] > 0  # opened, and closed all day for want of anyone


def test_a_disinfection_pause_stops_every_station_for_its_duration() -> None:
    rec = run_replication(make({"pauses": [{"at": "09:30", "duration": "15min"}]}, stations=2), 1)
    assert replication_kpis(rec)["stations.closed_min"] == pytest.approx(30.0)


def test_hand_disinfection_lowers_throughput() -> None:
    base = replication_kpis(run_replication(make({"sampler": {"roster": 2, **SAMPLER}}), 1))
    slow = replication_kpis(run_replication(make({"sampler": {"roster": 2, "hand_disinfection": "10s", **SAMPLER}}), 1))
    assert slow["time.completion_min"] > base["time.completion_min"]


def test_registrar_needs_registration() -> None:
    with pytest.raises(ScenarioError, match="registration"):
        make({"registrar": {"roster": 2}})


def test_server_pool_hold_stops_after_the_current_person_and_resumes() -> None:
    env = simpy.Environment()
    pool = ServerPool(env, 1)
    assert pool.acquire() == 0
    stopped = pool.hold(0)
    assert not stopped.triggered
    waiting = pool.acquire()
    pool.release(0)  # the current person leaves: the station stops, the next person keeps waiting
    assert stopped.triggered and not waiting.triggered  # type: ignore[union-attr]
    pool.unhold(0)
    assert waiting.triggered  # type: ignore[union-attr]


def test_the_cli_warns_about_a_small_roster_and_writes_the_timelines(tmp_path: Path) -> None:
    seed = Path(__file__).parent.parent / "scenarios" / "xinhua-drill.yaml"
    result = CliRunner().invoke(main, ["validate", str(seed), "--set", "staff.sampler.roster=6"])
    assert result.exit_code == 0, result.output
    # 6 samplers work 120 of every 170 min: ⌊6 × 120 / 170⌋ = 4 stations stay staffed through rotations
    assert "warning: staff.sampler: 6 on the roster keep 4 of 5 stations staffed" in result.output
    assert "8 are needed for all 5" in result.output
    assert "warning" not in CliRunner().invoke(main, ["validate", str(seed)]).output
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", str(seed), "-n", "2", "--workers", "1", "--out", str(out),
                                       "--set", "staff.sampler.roster=6"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.count("warning: staff.sampler") == 1  # before the run, not again beside the summary
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["warnings"] and summary["kpis"]["stations.open"]["mean"] == 4
    assert "Staffing: 4 of 5 stations open on average" in result.output
    staff = (out / "staff.csv").read_text(encoding="utf-8-sig").splitlines()
    assert staff[0] == "kind,role,member,post,state,start_min,end_min"
    assert not any(line.startswith("closed,sampler,") for line in staff)  # 4 open posts rotate without closing
    assert (out / "courier.csv").read_text(encoding="utf-8-sig").startswith("trip,depart_min")


def test_a_meal_break_lengthens_one_rest() -> None:
    meal = {"after": "08:30", "duration": "1h"}
    rec = run_replication(make({"sampler": {"roster": 1, "meal": meal, **SAMPLER}}), 1)
    closed = rec.staff.closed  # type: ignore[union-attr]
    lengths = (closed["end"] - closed["start"]).tolist()
    assert lengths[0] == pytest.approx(3600 + 600) and lengths[1:] == pytest.approx([1200.0] * (len(lengths) - 1))
    assert len(lengths) >= 2
