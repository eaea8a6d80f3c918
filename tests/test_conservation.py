"""Every person and every swab is accounted for, in every replication.

arrived = sampled + isolated + turned_away + unserved, on the seed scenarios and on variants
that exercise each way out of the site (turned away and coming back, a hard stop, a full
isolation zone, late arrivals after closing, a warmup); and every swab is in exactly one
tube: tubes = Σ over stations of ⌈swabs at the station / pool size⌉.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim import load_scenario, scenario_from_data
from sim.measure.kpis import counted, replication_kpis, zone_intervals
from sim.measure.occupancy import peak
from sim.model.build import run_replication
from sim.model.records import ISOLATED, PENDING, SAMPLED, TURNED_AWAY, UNSERVED, Records
from sim.scenario import Scenario

# single-site seed scenarios (a `kind: city` file is a table of sites, checked by its own tests)
SEEDS = [path for path in sorted(Path(__file__).parent.parent.joinpath("scenarios").glob("*.yaml"))
         if isinstance(load_scenario(path), Scenario)]  # fmt: skip
OUTCOME_KPIS = ("people.sampled", "people.isolated", "people.turned_away", "people.unserved")


def clock_drains(scenario) -> bool:  # noqa: ANN001 - a Scenario
    return scenario.clock.hard_stop is None


def check_people(rec: Records, scenario: Scenario) -> dict[str, float]:
    """Assert every person who came left by exactly one way; return the replication's KPIs."""
    kpis = replication_kpis(rec, scenario.warmup)
    assert kpis["people.arrived"] == sum(kpis[k] for k in OUTCOME_KPIS)
    p = rec.people
    came = ~np.isnan(p["first_arrival"])
    assert not np.any(p["outcome"][came] == PENDING), "someone who came has no outcome"
    # the KPIs count exactly the people who came after open + warmup, by outcome
    keep = counted(rec, scenario.warmup)
    for code, name in ((SAMPLED, "people.sampled"), (ISOLATED, "people.isolated"),
                       (TURNED_AWAY, "people.turned_away"), (UNSERVED, "people.unserved")):  # fmt: skip
        assert kpis[name] == np.sum(keep & (p["outcome"] == code)), name
    sampled = p["outcome"] == SAMPLED
    assert np.all(np.isfinite(p["swab_start"][sampled])) and np.all(p["swab_end"][sampled] >= p["swab_start"][sampled])
    assert np.all(np.isnan(p["swab_start"][~sampled])), "a swab was taken from someone not counted as sampled"
    assert np.all((p["station"][sampled] >= 0) & (p["station"][sampled] < rec.stations))
    isolated = p["outcome"] == ISOLATED
    # isolated: in the zone, or still waiting apart at the entrance for a place when the run stopped
    waiting_apart = isolated & np.isnan(p["iso_in"])
    assert np.all(np.isfinite(p["entry_end"][waiting_apart])) and np.all(np.isnan(p["iso_in"][~isolated]))
    if clock_drains(scenario):
        assert not np.any(waiting_apart), "without a hard stop everyone referred reaches the isolation zone"
    assert not np.any(p["outcome"] == PENDING)
    if scenario.clock.hard_stop is None:
        # without a hard stop the site drains: the only unserved who came are those who came after closing
        # (a community's gates may also hold people who never reach the site: they have no arrival)
        unserved = came & (p["outcome"] == UNSERVED)
        assert np.all(p["arrival"][unserved] >= rec.close_s), "someone was left waiting without a hard stop"
    # zones never hold more than their places
    zones = zone_intervals(rec)
    if scenario.site.waiting.capacity is not None:
        assert peak(*zones["waiting"]) <= scenario.site.waiting.capacity
    if scenario.site.isolation is not None:
        assert peak(*zones["isolation"]) <= scenario.site.isolation.capacity
    return kpis


def check_tubes(rec: Records, size: int) -> None:
    """Every swab in exactly one tube; each station fills tubes of `size`, the last may be partial."""
    p, tubes = rec.people, rec.tubes
    sampled = p["outcome"] == SAMPLED
    assert int(tubes.swabs.sum()) == int(sampled.sum())
    per_station = np.bincount(p["station"][sampled], minlength=rec.stations)
    assert len(tubes) == int(np.sum(-(-per_station // size)))  # Σ ⌈n_s / size⌉
    assert len(tubes) * size >= sampled.sum()
    assert np.all((tubes.swabs >= 1) & (tubes.swabs <= size))
    assert np.array_equal(np.bincount(tubes.station, weights=tubes.swabs, minlength=rec.stations), per_station)
    for station in range(rec.stations):
        partial = tubes.swabs[tubes.station == station] < size
        assert partial.sum() <= 1, f"station {station} has more than one partial tube"
    assert np.all(tubes.closed >= tubes.first_swab)
    assert np.all(tubes.closed[tubes.swabs < size] >= rec.close_s)  # partial tubes close with the site


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_scenarios_account_for_everyone_and_every_swab(path: Path) -> None:
    scenario = load_scenario(path)
    for replication in range(1, 4):
        rec = run_replication(scenario, replication)
        kpis = check_people(rec, scenario)
        check_tubes(rec, scenario.pooling.size)
        assert kpis["samples.tubes"] == len(rec.tubes)
        assert kpis["people.arrived"] > 1000


def drill(site: dict[str, Any], **extra: Any) -> Scenario:
    data: dict[str, Any] = {
        "name": "variant",
        "clock": {"open": "08:00", "duration": "2h"},
        "arrivals": {"rate": "600/h"},
        "site": site,
        "pooling": {"size": 10},
    }
    data.update(extra)
    return scenario_from_data(data)


SAMPLING = {"stations": 3, "registration": {"dist": "lognormal", "mean": "20s", "cv": 0.5},
            "swab": {"dist": "lognormal", "mean": "25s", "cv": 0.4}}  # fmt: skip
CHECK = {"lanes": 2, "time": {"dist": "exponential", "mean": "8s"}, "abnormal": 0.03}
ISOLATION = {"capacity": 1, "stay": {"dist": "uniform", "low": "20min", "high": "40min"}}

VARIANTS = {
    "turn_away_with_retry": drill(
        {"entry_check": CHECK, "isolation": ISOLATION, "sampling": SAMPLING,
         "waiting": {"capacity": 10, "when_full": "turn_away",
                     "retry": {"share": 0.7, "after": {"dist": "uniform", "low": "5min", "high": "30min"},
                               "max_tries": 2}}}),
    "turn_away_no_retry_warmup": drill(
        {"sampling": SAMPLING, "waiting": {"capacity": 5, "when_full": "turn_away"}}, warmup="20min"),
    "hard_stop_overloaded": drill(
        {"entry_check": CHECK, "isolation": ISOLATION, "sampling": SAMPLING,
         "waiting": {"capacity": 30, "when_full": "queue_outside"}},
        clock={"open": "08:00", "duration": "2h", "hard_stop": "10:20"}, arrivals={"rate": "900/h"}),
    "tiny_isolation_fills": drill(
        {"entry_check": {**CHECK, "abnormal": 0.1}, "isolation": ISOLATION, "sampling": SAMPLING}),
    "late_callup_after_close": drill(
        {"entry_check": CHECK, "isolation": ISOLATION, "sampling": SAMPLING},
        arrivals={"callup": {"interval": "20min", "spread": {"dist": "exponential", "mean": "15min"},
                             "late": {"share": 0.3, "delay": {"dist": "uniform", "low": "30min", "high": "3h"}},
                             "buildings": [{"name": f"B{k}", "residents": 150} for k in range(6)]}},
        pooling={"size": 5}),
    "priority_groups_pool_20": drill(
        {"sampling": SAMPLING, "waiting": {"capacity": 20, "when_full": "queue_outside"}},
        population={"adult": {"share": 0.6}, "elderly": {"share": 0.4, "registration_factor": 1.5,
                                                          "swab_factor": 1.2, "priority": True}},
        pooling={"size": 20}),
    "plain_server_single_tubes": drill({"sampling": {"stations": 2, "swab": "20s"}}, pooling={"size": 1}),
}  # fmt: skip


@pytest.mark.parametrize("name", list(VARIANTS))
def test_variants_account_for_everyone_and_every_swab(name: str) -> None:
    scenario = VARIANTS[name]
    seen: dict[str, float] = dict.fromkeys(OUTCOME_KPIS, 0.0)
    for replication in range(1, 4):
        rec = run_replication(scenario, replication, seed=21)
        kpis = check_people(rec, scenario)
        check_tubes(rec, scenario.pooling.size)
        for key in OUTCOME_KPIS:
            seen[key] += kpis[key]
        if name == "tiny_isolation_fills":
            assert kpis["isolation.wait.max_min"] > 0, "the isolation zone should fill and hold people at the check"
    # each variant really exercises the way out it is named after
    expect = {
        "turn_away_with_retry": ("people.turned_away",),
        "turn_away_no_retry_warmup": ("people.turned_away",),
        "hard_stop_overloaded": ("people.unserved", "people.isolated"),
        "tiny_isolation_fills": ("people.isolated",),
        "late_callup_after_close": ("people.unserved",),
    }.get(name, ("people.sampled",))
    for key in expect:
        assert seen[key] > 0, f"{name}: no {key}"


def test_turned_away_people_who_come_back_are_counted_once() -> None:
    scenario = VARIANTS["turn_away_with_retry"]
    rec = run_replication(scenario, 1, seed=22)
    p = rec.people
    assert p["tries"].max() == 3  # first try + max_tries returns
    came_back = p["tries"] > 1
    assert came_back.any()
    assert np.all(p["arrival"][came_back] > p["first_arrival"][came_back])
    once = ~came_back & ~np.isnan(p["first_arrival"])
    np.testing.assert_allclose(p["arrival"][once], p["first_arrival"][once], rtol=1e-12)
    kpis = replication_kpis(rec, scenario.warmup)
    assert kpis["people.arrived"] == np.sum(~np.isnan(p["first_arrival"]))  # people, not visits


def test_people_who_queue_before_the_doors_open_are_counted() -> None:
    scenario = scenario_from_data({
        "name": "early call-up",
        "clock": {"open": "08:00", "duration": "2h"},
        "arrivals": {"callup": {"start": "07:30", "interval": "10min",
                                "buildings": [{"name": "A", "residents": 200}, {"name": "B", "residents": 200}]}},
        "site": {"sampling": {"stations": 3, "swab": "30s"}},
    })  # fmt: skip
    rec = run_replication(scenario, 1, seed=23)
    came = ~np.isnan(rec.people["first_arrival"])
    assert np.any(rec.people["first_arrival"][came] < rec.open_s)
    kpis = check_people(rec, scenario)
    assert kpis["people.arrived"] == came.sum()
