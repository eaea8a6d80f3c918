"""Residence checkpoints (卡口), residents' trips and call-up control (issue 4)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import ScenarioError, run_replication, scenario_from_data, scenario_from_text
from sim.measure.kpis import replication_kpis
from sim.model.records import HELD, IN, OUT, PASSED, REDIRECTED, REFERRED, RESIDENT, RETURNEE, SAMPLED
from sim.model.records import PASSAGE_PENDING as PENDING
from sim.queueing import mmc_mean_wait


def _site(stations: int = 3) -> dict:
    return {"sampling": {"stations": stations, "swab": {"dist": "exponential", "mean": "30s"}}}


def _gate_alone(lanes: int, rate_per_h: float, check_mean_s: float, hours: int) -> dict:
    """One courtyard, one gate, Poisson visitors in, an exponential check; nobody goes to the site."""
    return {
        "name": "gate alone",
        "clock": {"open": "08:00", "duration": f"{hours}h"},
        "arrivals": {"rate": "0/h"},
        "site": _site(),
        "community": {
            "check": {"steps": [{"name": "check", "time": {"dist": "exponential", "mean": f"{check_mean_s}s"}}]},
            "courtyards": [{"name": "Yard", "residents": 100, "gates": [{"name": "g", "lanes": lanes}]}],
            "background": {"inbound": [{"at": "08:00", "rate": f"{rate_per_h}/h"}]},
        },
    }


@pytest.mark.parametrize(("lanes", "rate_per_h", "check_mean_s"), [(1, 40, 60), (2, 90, 60), (3, 200, 45)])
def test_gate_alone_matches_erlang_c(lanes: int, rate_per_h: float, check_mean_s: float) -> None:
    scenario = scenario_from_data(_gate_alone(lanes, rate_per_h, check_mean_s, hours=12))
    means = np.array([
        replication_kpis(run_replication(scenario, r, seed=11))["checkpoint.g.wait.mean_min"] for r in range(1, 31)
    ])  # fmt: skip
    expected = mmc_mean_wait(rate_per_h / 3600, check_mean_s, lanes) / 60
    se = means.std(ddof=1) / math.sqrt(len(means))
    assert se < 0.1 * expected  # enough replications for the comparison to mean something
    assert abs(means.mean() - expected) < 3 * se + 0.02 * expected  # 2%: the queue starts empty at opening


def _community(**extra: object) -> dict:
    """Three courtyards called in turn, background traffic and returnees, a hard stop mid-flow."""
    data = {
        "name": "three courtyards",
        "clock": {"open": "08:00", "duration": "2h", "hard_stop": "10:00"},
        "arrivals": {"callup": {"interval": "20min", "spread": {"dist": "uniform", "low": "0s", "high": "10min"},
                                "buildings": [{"name": n, "residents": 120} for n in ("A", "B", "C")]}},
        "site": {**_site(4), "entry_check": {"lanes": 2, "time": "5s", "abnormal": 0.01},
                 "isolation": {"capacity": 3, "stay": "20min"}},
        "community": {
            "check": {"abnormal": 0.02},
            "walk": "3min",
            "courtyards": [
                {"name": "A", "gates": [{"name": "a", "lanes": 1}]},
                {"name": "B", "gates": [{"name": "b1"}, {"name": "b2", "layout": "separate"}]},
                {"name": "C", "gates": [{"name": "c", "lanes": 1}]},
            ],
            "background": {"outbound": [{"at": "07:00", "rate": "200/h"}],
                           "inbound": [{"at": "07:00", "rate": "300/h"}], "no_proof": 0.2},
            "returnees": {"profile": [{"at": "07:30", "rate": "30/h"}], "no_proof": 0.5},
        },
    }  # fmt: skip
    data["community"].update(extra)
    return data


@pytest.mark.parametrize("replication", range(1, 4))
def test_every_gate_conserves_people(replication: int) -> None:
    records = run_replication(scenario_from_data(_community()), replication)
    c = records.community
    assert c is not None
    p, a = c.passages, c.actors
    outcome, ended = p["outcome"], ~np.isnan(p["end"])
    queued_at_end = 0
    for g in range(len(c.gate_names)):
        mine = p["gate"] == g
        counts = {code: int(np.sum(mine & (outcome == code))) for code in (PASSED, REDIRECTED, REFERRED, HELD)}
        still_there = int(np.sum(mine & ~ended))  # queued, or being checked, at the hard stop
        assert int(mine.sum()) == sum(counts.values()) + still_there
        queued_at_end += still_there
    assert queued_at_end > 0  # the hard stop falls while gates are busy: the case is exercised
    assert np.all((outcome == PENDING) == ~ended)
    assert np.all(p["start"][ended] >= p["join"][ended]) and np.all(p["end"][ended] >= p["start"][ended])
    # actors agree with passages: every resident who left home through a gate joined its queue going out
    resident = (a["kind"] == RESIDENT) & ~np.isnan(a["leave"])
    out_rows = (p["direction"] == OUT) & (a["kind"][p["actor"]] == RESIDENT)
    assert int(out_rows.sum()) == int(resident.sum())
    # everyone home through a gate passed it coming in, exactly once
    home_in = np.bincount(p["actor"][(p["direction"] == IN) & (outcome == PASSED)], minlength=len(a["kind"]))
    came_in = ~np.isnan(a["home"]) & ((a["kind"] != RESIDENT) | (a["courtyard"] >= 0))
    assert np.array_equal(home_in[came_in], np.ones(int(came_in.sum()), dtype=np.int64))
    assert np.all(home_in[~came_in] == 0)
    assert np.all(p["gate"] == a["gate"][p["actor"]])  # one gate each, both ways


def test_without_proof_through_after_sampling_with_proof_never_at_the_site() -> None:
    data = _community(check={"abnormal": 0.0})
    data["clock"].pop("hard_stop")  # everyone's story ends
    scenario = scenario_from_data(data)
    records = run_replication(scenario, 1)
    c = records.community
    assert c is not None
    p, a = c.passages, c.actors
    site_rows = a["site_row"]
    returnee = a["kind"] == RETURNEE
    assert returnee.sum() > 10 and (returnee & a["no_proof"]).any() and (returnee & ~a["no_proof"]).any()
    checked_returnees = 0
    for k in np.flatnonzero(returnee).tolist():
        mine = p["actor"] == k
        rows = np.flatnonzero(mine)
        assert PENDING not in p["outcome"][rows]
        if not a["no_proof"][k]:
            assert site_rows[k] == -1 and len(rows) == 1 and p["outcome"][rows[0]] == PASSED
            continue
        # without proof: sent to the site, sampled there, then let in; never let in unsampled
        assert p["outcome"][rows[0]] in (REDIRECTED, HELD)
        if p["outcome"][rows[0]] == REDIRECTED and a["sampled"][k]:
            row = site_rows[k]
            assert records.people["outcome"][row] == SAMPLED
            assert len(rows) == 2 and p["outcome"][rows[1]] == PASSED
            assert p["join"][rows[1]] >= records.people["swab_end"][row]
            checked_returnees += 1
        assert not (np.any(p["outcome"][rows] == PASSED) and not a["sampled"][k])
    assert checked_returnees > 3
    # the site saw exactly the residents and the people the gates sent: nobody with proof
    at_site = ~np.isnan(records.people["first_arrival"])
    visitors_at_site = np.flatnonzero(at_site[site_rows] & (site_rows >= 0) & (a["kind"] != RESIDENT))
    assert np.all(a["no_proof"][visitors_at_site])
    visitor_rows = site_rows[a["kind"] != RESIDENT]
    assert np.all(a["no_proof"][a["kind"] != RESIDENT][visitor_rows >= 0])


def _callup_scenario(control: str) -> dict:
    """Eight buildings of 80 called every 3 minutes at a site that swabs 4 a minute."""
    return {
        "name": f"call-up by {control}",
        "clock": {"open": "08:00", "duration": "5h"},
        "arrivals": {"callup": {"interval": "3min", "turnout": 1.0,
                                "spread": {"dist": "uniform", "low": "0s", "high": "1min"},
                                "buildings": [{"name": f"B{k}", "residents": 80} for k in range(8)]}},
        "site": {"sampling": {"stations": 2, "swab": "30s"}},
        "community": {
            "control": control,
            "feedback": {"threshold": 40, "check_every": "30s", "min_interval": "2min"},
            "walk": "1min",
            "check": {"steps": [{"name": "scan", "time": "2s"}]},
            "courtyards": [{"name": f"B{k}", "gates": [{"name": f"g{k}", "lanes": 6}]} for k in range(8)],
        },
    }  # fmt: skip


@pytest.mark.parametrize("replication", range(1, 4))
def test_feedback_callup_keeps_the_waiting_zone_under_threshold_plus_one_building(replication: int) -> None:
    bound = 40 + 80
    peaks = {}
    for control in ("timetable", "feedback"):
        kpis = replication_kpis(run_replication(scenario_from_data(_callup_scenario(control)), replication))
        assert kpis["people.sampled"] == 640 and kpis["callup.buildings_uncalled"] == 0
        peaks[control] = kpis["zone.waiting.peak"]
    assert peaks["feedback"] <= bound < peaks["timetable"]


def test_feedback_calls_at_the_latest_after_max_interval() -> None:
    data = _callup_scenario("feedback")
    data["community"]["feedback"] = {"threshold": 1, "min_interval": "1min", "max_interval": "10min"}
    records = run_replication(scenario_from_data(data), 1)
    calls = np.sort(records.call_times)
    assert np.all(np.diff(calls) <= 600 + 1e-9) and np.all(np.diff(calls) >= 60 - 1e-9)


def test_no_community_no_checkpoint_kpis_and_control_can_be_set() -> None:
    data = _callup_scenario("timetable")
    plain = {k: v for k, v in data.items() if k != "community"}
    kpis = replication_kpis(run_replication(scenario_from_data(plain), 1))
    assert not any(name.startswith(("checkpoint.", "trip.")) for name in kpis)
    scenario = scenario_from_data(data, overrides=["community.control=feedback"])
    assert scenario.community is not None and scenario.community.control == "feedback"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"courtyards": [{"name": "B0", "buildings": ["nowhere"]}]}, "no call-up building named 'nowhere'"),
        ({"courtyards": [{"name": "B0", "gates": [{"name": "g"}, {"name": "g"}]}]}, "two gates are named 'g'"),
        ({"courtyards": [{"name": "B0", "gates": [{"name": "gate 1"}]}]}, "letters, digits"),
        ({"check": {"abnormal": 0.1}}, "needs a site.isolation zone"),
    ],
)
def test_community_mistakes_are_refused(change: dict, words: str) -> None:
    data = _callup_scenario("timetable")
    data["community"].update(change)
    with pytest.raises(ScenarioError, match=words):
        scenario_from_data(data)


def test_cross_check_mistakes_are_located_at_their_key() -> None:
    text = """name: located
clock: {open: "08:00", duration: 1h}
arrivals:
  callup: {interval: 5min, buildings: [{name: A, residents: 10}]}
site: {sampling: {stations: 1, swab: 30s}}
community:
  courtyards:
    - name: Yard
      buildings: [B]
"""
    with pytest.raises(ScenarioError) as caught:
        scenario_from_text(text, "located.yaml")
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ("community.courtyards.0.buildings", 9)
    assert "no call-up building named 'B'" in problem.message
