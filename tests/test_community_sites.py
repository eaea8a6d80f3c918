"""Several sites serving one community: each courtyard is assigned to one (issue 4, item 1)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import ScenarioError, run_replication, scenario_from_data, scenario_from_text
from sim.measure.kpis import CORE_KPIS, SITE_KPIS, replication_kpis
from sim.measure.timeseries import minute_series
from sim.model.records import RESIDENT, SAMPLED


def _site(stations: int, **extra: object) -> dict:
    return {"sampling": {"stations": stations, "swab": {"dist": "exponential", "mean": "40s"}}, **extra}


def _two_sites(main_stations: int = 3, east_stations: int = 3, **community: object) -> dict:
    """Four courtyards called in turn (N1, E1, N2, E2): N* go to the main site, E* to site east.

    The main site has an entry check and isolation, east has neither; background traffic and
    returnees without proof are sent to their courtyard's site.
    """
    data = {
        "name": "two sites",
        "clock": {"open": "08:00", "duration": "3h"},
        "arrivals": {"callup": {"interval": "10min", "spread": {"dist": "uniform", "low": "0s", "high": "15min"},
                                "buildings": [{"name": n, "residents": 150} for n in ("N1", "E1", "N2", "E2")]}},
        "site": _site(main_stations, entry_check={"lanes": 2, "time": "5s", "abnormal": 0.01},
                      isolation={"capacity": 3, "stay": "20min"}),
        "community": {
            "walk": "3min",
            "courtyards": [
                {"name": "N1", "gates": [{"name": "n1"}]},
                {"name": "E1", "gates": [{"name": "e1"}], "site": "east", "walk": "6min"},
                {"name": "N2", "gates": [{"name": "n2"}]},
                {"name": "E2", "gates": [{"name": "e2"}], "site": "east"},
            ],
            "sites": {"east": _site(east_stations)},
            "background": {"inbound": [{"at": "08:00", "rate": "120/h"}], "no_proof": 0.3},
            "returnees": {"profile": [{"at": "08:00", "rate": "20/h"}], "no_proof": 1.0},
            **community,
        },
    }  # fmt: skip
    return data


@pytest.mark.parametrize("control", ["timetable", "feedback"])
def test_people_are_conserved_per_site_and_in_total(control: str) -> None:
    records = run_replication(scenario_from_data(_two_sites(control=control)), 1)
    kpis = replication_kpis(records)
    assert records.sites is not None and records.sites.names == ("main", "east")
    for name in ("main", "east"):
        k = {kpi: kpis[f"site.{name}.{kpi}"] for kpi in SITE_KPIS}
        assert k["people.arrived"] > 100  # both sites are really used
        parts = ("people.sampled", "people.isolated", "people.turned_away", "people.unserved")
        assert k["people.arrived"] == sum(k[p] for p in parts)
    for kpi in ("people.arrived", "people.sampled", "people.isolated", "people.unserved", "samples.tubes"):
        assert kpis[kpi] == kpis[f"site.main.{kpi}"] + kpis[f"site.east.{kpi}"]
    assert kpis["site.east.people.isolated"] == 0  # east has no entry check
    assert kpis["time.completion_min"] == max(kpis["site.main.time.completion_min"],
                                              kpis["site.east.time.completion_min"])  # fmt: skip
    busy = (kpis["site.main.stations.utilization"] * kpis["site.main.time.completion_min"] * 3
            + kpis["site.east.stations.utilization"] * kpis["site.east.time.completion_min"] * 3)  # fmt: skip
    assert busy == pytest.approx(kpis["stations.utilization"] * kpis["time.completion_min"] * 6)
    series = minute_series(records)
    for zone in ("waiting", "outside"):
        np.testing.assert_array_equal(series[f"site.main.{zone}"] + series[f"site.east.{zone}"], series[zone])
    assert series["site.east.waiting"].max() > 0 and series["site.main.waiting"].max() > 0


def test_each_resident_is_sampled_at_their_courtyards_site_only() -> None:
    records = run_replication(scenario_from_data(_two_sites()), 2)
    c, sites, people = records.community, records.sites, records.people
    assert c is not None and sites is not None
    a = c.actors
    at_site = a["site_row"] >= 0
    row = a["site_row"][at_site]
    yard_site = np.array([0, 1, 0, 1])[a["courtyard"][at_site]]
    assert (a["courtyard"][at_site] >= 0).all()  # everyone here came through a courtyard gate
    np.testing.assert_array_equal(sites.of_person[row], yard_site)
    sampled = people["outcome"][row] == SAMPLED
    station = people["station"][row][sampled]
    # main has stations 0-2, east 3-5: the station a person was swabbed at tells the site
    np.testing.assert_array_equal(station >= 3, yard_site[sampled] == 1)
    assert (station < 6).all()
    residents = (a["kind"][at_site] == RESIDENT) & sampled
    assert residents.sum() > 400 and (yard_site[residents] == 1).sum() > 200
    # returnees and visitors without proof were tested at their own courtyard's site too
    assert (~(a["kind"][at_site] == RESIDENT) & sampled & (yard_site == 1)).any()


def test_the_site_with_twice_the_stations_has_shorter_waits() -> None:
    scenario = scenario_from_data(_two_sites(main_stations=2, east_stations=4, background=None, returnees=None))
    runs = [replication_kpis(run_replication(scenario, r)) for r in range(1, 5)]
    main = np.mean([k["site.main.wait.total.mean_min"] for k in runs])
    east = np.mean([k["site.east.wait.total.mean_min"] for k in runs])
    assert main > 10  # two stations are overloaded by 300 residents in 20 minutes
    assert east < 0.5 * main
    assert np.mean([k["site.east.time.completion_min"] for k in runs]) < np.mean(
        [k["site.main.time.completion_min"] for k in runs]
    )


def test_feedback_watches_each_courtyards_own_site() -> None:
    """Under feedback each site's grid worker calls its own buildings: a slow main site does not hold east back."""
    data = _two_sites(main_stations=1, east_stations=6, control="feedback", background=None, returnees=None,
                      feedback={"threshold": 30, "min_interval": "2min"})  # fmt: skip
    data["arrivals"]["callup"]["spread"] = {"dist": "uniform", "low": "0s", "high": "1min"}  # all leave at once
    records = run_replication(scenario_from_data(data), 1)
    calls = dict(zip(("N1", "E1", "N2", "E2"), (records.call_times - records.open_s) / 60, strict=True))
    assert calls["E2"] < calls["N2"] - 20  # east calls E2 as soon as its own queue is short
    assert (calls["N1"], calls["E1"]) == (0, 10)  # each worker starts at its first building's timetable time


def _without_sites_kpis(data: dict, replication: int) -> dict[str, float]:
    return replication_kpis(run_replication(scenario_from_data(data), replication))


@pytest.mark.parametrize("replication", range(1, 3))
def test_an_unused_site_changes_nothing_at_the_main_site(replication: int) -> None:
    """No courtyard goes to east: every number but the stations (east's idle ones count) is as without it."""
    data = _two_sites()
    for yard in data["community"]["courtyards"]:
        yard.pop("site", None)
    plain = {**data, "community": {k: v for k, v in data["community"].items() if k != "sites"}}
    before = _without_sites_kpis(plain, replication)
    after = _without_sites_kpis(data, replication)
    assert not any(name.startswith("site.") for name in before)
    for name, value in before.items():
        if name not in ("stations.utilization", "stations.open"):
            assert after[name] == value or (np.isnan(value) and np.isnan(after[name])), name
    assert after["stations.open"] == 2 * before["stations.open"]
    assert after["stations.utilization"] == pytest.approx(before["stations.utilization"] / 2)
    assert after["site.east.people.arrived"] == 0
    for kpi in SITE_KPIS:
        if kpi in CORE_KPIS and kpi != "stations.utilization":
            assert after[f"site.main.{kpi}"] == before[kpi], kpi


def test_an_unknown_site_is_located_with_the_nearest_name() -> None:
    text = """name: located
clock: {open: "08:00", duration: 1h}
arrivals:
  callup: {interval: 5min, buildings: [{name: A, residents: 10}]}
site: {sampling: {stations: 1, swab: 30s}}
community:
  sites:
    east: {sampling: {stations: 2, swab: 30s}}
  courtyards:
    - name: A
      site: eats
"""
    with pytest.raises(ScenarioError) as caught:
        scenario_from_text(text, "sites.yaml")
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == ("community.courtyards.0.site", 11)
    assert "no site named 'eats'; did you mean 'east'?" in problem.message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"sites": {"main": _site(2)}}, "must not be 'main'"),
        ({"sites": {"east side": _site(2)}}, "letters, digits"),
        ({"check": {"abnormal": 0.01}}, "community.sites.east"),
    ],
)
def test_site_mistakes_are_refused(change: dict, words: str) -> None:
    data = _two_sites()
    data["community"].update(change)
    if "east" not in data["community"]["sites"]:
        for yard in data["community"]["courtyards"]:
            yard.pop("site", None)
    with pytest.raises(ScenarioError, match=words):
        scenario_from_data(data)


def test_staff_rotations_with_several_sites_are_refused() -> None:
    data = _two_sites()
    data["site"]["buffer"] = {"capacity": 1}
    data["staff"] = {"sampler": {"roster": 4, "max_stretch": "1h", "don": "5min", "doff": "5min", "rest": "10min"}}
    scenario_from_data({**data, "community": {**data["community"], "sites": {}, "courtyards": [{"name": "N1"}]}})
    with pytest.raises(ScenarioError, match="staff rotations are modelled for one site"):
        scenario_from_data(data)


def test_a_misspelt_key_inside_a_further_site_is_named() -> None:
    data = _two_sites()
    data["community"]["sites"]["east"]["samplng"] = {}
    with pytest.raises(ScenarioError, match="community.sites.east.samplng"):
        scenario_from_data(data)
