"""One tube per household in sealed compounds (封闭小区), pooled N-in-1 for everyone else.

FACTS.md pooling row: "sealed compounds one tube per household; others 5-in-1 or 10-in-1".
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim import load_scenario, scenario_from_data
from sim.errors import ScenarioError
from sim.measure.kpis import replication_kpis
from sim.model.arrivals import households
from sim.model.build import run_replication
from sim.model.chain import RETEST, SITE, run_chain
from sim.model.records import SAMPLED, Records
from sim.model.rng import Streams
from sim.model.samples import pool_site, pool_tubes, tube_members
from sim.scenario import Scenario

OPEN = 8 * 3600.0
SCENARIOS = Path(__file__).parent.parent / "scenarios"


def drill(pooling: dict[str, Any], buildings: list[dict[str, Any]] | None = None, **extra: Any) -> Scenario:
    data: dict[str, Any] = {
        "name": "households",
        "clock": {"open": "08:00", "duration": "3h"},
        "arrivals": {
            "rate": "60/h",  # walk-ins: in no household, pooled N-in-1
            "callup": {"interval": "15min", "buildings": buildings or [
                {"name": "A", "residents": 150, "sealed": True},
                {"name": "B", "residents": 120},
                {"name": "C", "residents": 140, "sealed": True, "household_size": 3.2},
                {"name": "D", "residents": 90},
            ]},
        },
        "site": {"sampling": {"stations": 4, "registration": {"dist": "lognormal", "mean": "20s", "cv": 0.5},
                              "swab": {"dist": "lognormal", "mean": "25s", "cv": 0.4}}},
        "pooling": {"size": 10, **pooling},
    }  # fmt: skip
    data.update(extra)
    return scenario_from_data(data)


# --- households of a sealed building ---------------------------------------------------------


def test_a_sealed_building_is_split_into_households_of_its_residents() -> None:
    scenario = drill({})
    callup = scenario.arrivals.callup
    assert callup is not None
    home = households(callup, scenario.pooling, np.random.default_rng(1))
    a, b, c, d = np.split(home, np.cumsum([150, 120, 140]))
    assert np.all(b == -1) and np.all(d == -1)  # not sealed: pooled N-in-1
    for building in (a, c):
        assert np.all(building >= 0) and np.all(np.diff(building) >= 0)  # consecutive residents, in order
        assert np.all(np.diff(np.unique(building)) == 1)  # no household left empty
    assert set(a.tolist()).isdisjoint(c.tolist())
    big = households(drill({}, [{"name": "X", "residents": 20_000, "sealed": True}]).arrivals.callup,  # type: ignore[arg-type]
                     drill({}).pooling, np.random.default_rng(2))  # fmt: skip
    assert 20_000 / len(np.unique(big)) == pytest.approx(2.1, rel=0.03)  # pooling.household_size
    sizes = np.bincount(big)
    assert sizes.min() >= 1 and sizes.max() > 3  # sizes vary (1 + Poisson), the last one may be cut short


def test_sealing_one_building_leaves_the_other_households_as_they_were() -> None:
    one = drill({}, [{"name": "A", "residents": 50}, {"name": "B", "residents": 80, "sealed": True}])
    two = drill({"per_household": True}, [{"name": "A", "residents": 50}, {"name": "B", "residents": 80}])
    h1 = households(one.arrivals.callup, one.pooling, np.random.default_rng(3))  # type: ignore[arg-type]
    h2 = households(two.arrivals.callup, two.pooling, np.random.default_rng(3))  # type: ignore[arg-type]
    assert np.all(h1[:50] == -1) and np.all(h2[:50] >= 0)
    _, b1 = np.unique(h1[50:], return_inverse=True)
    _, b2 = np.unique(h2[50:], return_inverse=True)
    assert b1.tolist() == b2.tolist()  # building B's households are the same either way (common random numbers)


def test_household_size_and_sealed_are_checked() -> None:
    with pytest.raises(ScenarioError, match="household_size"):
        drill({"household_size": 0.5})
    with pytest.raises(ScenarioError, match="sealed"):
        drill({}, [{"name": "A", "residents": 5, "sealed": "maybe"}])


# --- pooling the swabs: exact counts ---------------------------------------------------------


def test_n_people_in_h_households_fill_h_tubes_and_the_rest_pool_n_in_1() -> None:
    # two stations; people 0-9 in households 0..3 (sizes 3, 2, 4, 1), people 10-33 in none
    household = np.r_[[0, 0, 0, 1, 1, 2, 2, 2, 2, 3], np.full(24, -1)]
    station = np.r_[[0, 0, 0, 1, 1, 0, 0, 0, 0, 1], np.tile([0, 1], 12)]
    swab_end = OPEN + 60.0 * np.arange(34)
    swab_end[[4]] = np.nan  # a household member who was never swabbed (turned away, unserved)
    size = 5
    tubes, tube = pool_site(station, swab_end, household, size, OPEN + 4 * 3600)
    assert tubes.households == 4
    pooled = 2 * math.ceil(12 / size)  # 12 swabs at each station: ⌈12/5⌉ tubes each
    assert len(tubes) == pooled + 4
    # the pooled tubes are exactly those of the existing rule on the people in no household
    alone = np.where(household < 0, swab_end, np.nan)
    same = pool_tubes(station, alone, size, OPEN + 4 * 3600)
    assert tubes.swabs[:pooled].tolist() == same.swabs.tolist()
    assert tubes.closed[:pooled].tolist() == same.closed.tolist()
    assert tube[household < 0].tolist() == tube_members(station, alone, size)[household < 0].tolist()
    # every swab in exactly one tube; a household's members all in its own tube, at its station
    assert tube[4] == -1 and np.all(tube[~np.isnan(swab_end)] >= 0)
    assert np.bincount(tube[tube >= 0], minlength=len(tubes)).tolist() == tubes.swabs.tolist()
    homes = tubes.household >= 0  # type: ignore[operator]
    assert tubes.household[homes].tolist() == [0, 1, 2, 3]  # type: ignore[index]
    assert tubes.swabs[homes].tolist() == [3, 1, 4, 1]  # one tube per household, whatever the pool size
    assert tubes.station[homes].tolist() == [0, 1, 0, 1]
    for h, members in ((0, [0, 1, 2]), (1, [3]), (2, [5, 6, 7, 8]), (3, [9])):
        assert set(tube[members].tolist()) == {pooled + h}
        # the household's tube closes when its last member is swabbed
        assert tubes.closed[pooled + h] == swab_end[members].max()
        assert tubes.first_swab[pooled + h] == swab_end[members].min()


def test_without_households_the_tubes_are_the_n_in_1_tubes() -> None:
    rng = np.random.default_rng(5)
    station = rng.integers(0, 3, 200).astype(np.int32)
    swab_end = np.sort(OPEN + rng.uniform(0, 3 * 3600, 200))
    swab_end[rng.random(200) < 0.05] = np.nan
    tubes, tube = pool_site(station, swab_end, np.full(200, -1), 10, OPEN + 3 * 3600)
    same = pool_tubes(station, swab_end, 10, OPEN + 3 * 3600)
    for name in ("station", "swabs", "first_swab", "closed"):
        np.testing.assert_array_equal(getattr(tubes, name), getattr(same, name))
    assert tubes.households == 0
    np.testing.assert_array_equal(tube, tube_members(station, swab_end, 10))


# --- in the simulation -----------------------------------------------------------------------


def check_household_tubes(rec: Records, size: int) -> None:
    """Every swab in one tube; each household's swabs in one tube at one station; the rest N-in-1."""
    p, tubes = rec.people, rec.tubes
    sampled = p["outcome"] == SAMPLED
    tube, home = p["tube"], p["household"]
    assert np.all(tube[sampled] >= 0) and np.all(tube[~sampled] == -1)
    assert np.bincount(tube[sampled], minlength=len(tubes)).tolist() == tubes.swabs.tolist()
    in_home = sampled & (home >= 0)
    assert tubes.households == len(np.unique(home[in_home]))  # H households swabbed → H tubes
    for h in np.unique(home[in_home]).tolist():
        members = in_home & (home == h)
        assert len(set(tube[members].tolist())) == 1, f"household {h} is in more than one tube"
        assert len(set(p["station"][members].tolist())) == 1, f"household {h} was swabbed at two stations"
        k = int(tube[members][0])
        assert tubes.household[k] == h  # type: ignore[index]
        assert tubes.station[k] == p["station"][members][0]
        assert tubes.closed[k] == p["swab_end"][members].max()
    # the people in no household: Σ over stations ⌈swabs / size⌉, as before
    alone = sampled & (home < 0)
    per_station = np.bincount(p["station"][alone], minlength=rec.stations)
    assert len(tubes) - tubes.households == int(np.sum(-(-per_station // size)))
    pooled = tubes.household < 0  # type: ignore[operator]
    assert np.all(tubes.swabs[pooled] <= size)


STAFF = {"sampler": {"roster": 4, "max_stretch": "40min", "don": "3min", "doff": "3min", "rest": "10min"},
         "pauses": [{"at": "09:30", "duration": "10min"}]}  # fmt: skip
VARIANTS = {
    "sealed_and_open_buildings": drill({}),
    "all_sealed_with_staff_pauses": drill({"per_household": True}, staff=STAFF),
    "turn_away_retry_and_isolation": drill(
        {"per_household": True, "size": 5},
        site={"entry_check": {"lanes": 2, "time": {"dist": "exponential", "mean": "8s"}, "abnormal": 0.03},
              "isolation": {"capacity": 2, "stay": "30min"},
              "waiting": {"capacity": 12, "when_full": "turn_away",
                          "retry": {"share": 0.8, "after": {"dist": "uniform", "low": "5min", "high": "30min"}}},
              "sampling": {"stations": 3, "swab": {"dist": "exponential", "mean": "30s"}}}),
    "hard_stop_overloaded": drill(
        {"per_household": True}, clock={"open": "08:00", "duration": "2h", "hard_stop": "10:10"},
        site={"sampling": {"stations": 2, "swab": {"dist": "exponential", "mean": "25s"}}}),
}  # fmt: skip


@pytest.mark.parametrize("name", list(VARIANTS))
def test_households_are_swabbed_into_one_tube_at_one_station(name: str) -> None:
    scenario = VARIANTS[name]
    for replication in range(1, 3):
        rec = run_replication(scenario, replication, seed=31)
        kpis = replication_kpis(rec)
        outcomes = ("people.sampled", "people.isolated", "people.turned_away", "people.unserved")
        assert kpis["people.arrived"] == sum(kpis[k] for k in outcomes)  # conservation still holds
        check_household_tubes(rec, scenario.pooling.size)
        assert kpis["samples.tubes"] == len(rec.tubes)
        assert kpis["samples.household_tubes"] == rec.tubes.households > 0
        assert kpis["samples.tubes"] > kpis["samples.household_tubes"]  # the walk-ins' pooled tubes


def test_a_household_arrives_together_and_comes_or_stays_home_as_one() -> None:
    scenario = drill({"per_household": True})
    rec = run_replication(scenario, 1, seed=32)
    p = rec.people
    home = p["household"]
    called = rec.building >= 0
    assert np.all(home[called] >= 0) and np.all(home[~called] == -1)
    for h in np.unique(home[called]).tolist():
        assert len(set(p["first_arrival"][home == h].tolist())) == 1
    # turnout (0.95) is drawn per household: a household comes whole or stays home whole
    drawn = households(scenario.arrivals.callup, scenario.pooling, Streams(32, 1)["pooling.households"])  # type: ignore[arg-type]
    full = np.bincount(drawn)
    came = np.bincount(home[called], minlength=len(full))
    assert np.all((came == 0) | (came == full))
    assert 0 < np.sum(came == 0) < 0.2 * len(full)


def test_with_gates_a_household_leaves_together_through_one_gate() -> None:
    scenario = load_scenario(SCENARIOS / "taoyuan-north-west.yaml")
    assert isinstance(scenario, Scenario)
    sealed = scenario.model_copy(update={"pooling": scenario.pooling.model_copy(update={"per_household": True})})
    rec = run_replication(sealed, 1)
    assert rec.community is not None
    actors = rec.community.actors
    row = actors["site_row"]
    home = np.full(len(row), -1)
    home[row >= 0] = rec.people["household"][row[row >= 0]]
    check_household_tubes(rec, sealed.pooling.size)
    for h in np.unique(home[home >= 0])[:200].tolist():
        members = home == h
        assert len(set(actors["gate"][members].tolist())) == 1
        assert len(set(actors["leave"][members].tolist())) == 1


def test_a_positive_household_tube_recalls_exactly_its_members() -> None:
    scenario = drill({"per_household": True}, samples={"courier": {"every": "1h"}}, recall={"prevalence": 0})
    rec = run_replication(scenario, 1, seed=33)
    p = rec.people
    tube, home = p["tube"], p["household"]
    sizes = np.bincount(home[(tube >= 0) & (home >= 0)])
    h = int(np.argmax(sizes))  # the biggest household swabbed
    members = np.flatnonzero((home == h) & (tube >= 0))
    assert len(members) >= 3
    t = rec.tubes
    chain = run_chain(scenario, Streams(33, 1), p["station"], p["swab_end"], t.closed, t.first_swab, t.swabs,
                      forced_positive=[int(members[1])], tube_of=tube)  # fmt: skip
    swabbed = np.flatnonzero(tube >= 0)
    site = chain.tubes["kind"] == SITE
    assert chain.tubes["swabs"][site].sum() == len(swabbed)  # household tubes flow into the chain as they are
    retests = chain.tubes["kind"] == RETEST
    assert sorted(swabbed[chain.tubes["retest_of"][retests]].tolist()) == members.tolist()
    assert chain.positive_pools == 1 and len(chain.confirmed["swab"]) == 1


# --- without the key nothing changes ---------------------------------------------------------


@pytest.mark.parametrize("stem", ["taoyuan-north-west", "xinhua-drill"])
def test_without_the_key_the_numbers_are_as_before(stem: str) -> None:
    scenario = load_scenario(SCENARIOS / f"{stem}.yaml")
    assert isinstance(scenario, Scenario) and scenario.arrivals.callup is not None
    off = scenario.model_copy(update={"pooling": scenario.pooling.model_copy(update={"per_household": False})})
    callup = scenario.arrivals.callup
    unsealed = callup.model_copy(update={"buildings": [b.model_copy(update={"sealed": False})
                                                       for b in callup.buildings]})  # fmt: skip
    none_sealed = scenario.model_copy(update={
        "pooling": scenario.pooling.model_copy(update={"per_household": True}),
        "arrivals": scenario.arrivals.model_copy(update={"callup": unsealed}),
    })  # fmt: skip
    sealed = scenario.model_copy(update={"pooling": scenario.pooling.model_copy(update={"per_household": True})})
    for replication in range(1, 3):
        base = replication_kpis(run_replication(scenario, replication))
        assert base["samples.household_tubes"] == 0
        assert replication_kpis(run_replication(off, replication)) == base
        assert replication_kpis(run_replication(none_sealed, replication)) == base
        # and the key does change them: the same people fill many more, smaller tubes
        households_on = replication_kpis(run_replication(sealed, replication))
        assert households_on["samples.household_tubes"] > 0
        assert households_on["samples.tubes"] > 2 * base["samples.tubes"]
