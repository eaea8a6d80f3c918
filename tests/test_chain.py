"""The sample chain: tubes, boxes, courier, lab, recall and door-to-door sampling."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim import load_scenario, scenario_from_data
from sim.measure.chain_kpis import chain_kpis, recall_kpis
from sim.measure.kpis import replication_kpis
from sim.model.build import run_replication
from sim.model.chain import HOME, RETEST, SITE, ChainRecords, run_chain, tube_members
from sim.model.rng import Streams
from sim.model.samples import pool_tubes
from sim.scenario import Scenario

OPEN = 8 * 3600.0


def make(samples: dict[str, Any] | None = None, pool: int = 1, **parts: Any) -> Scenario:
    return scenario_from_data({
        "name": "chain",
        "clock": {"open": "08:00", "duration": "4h"},
        "arrivals": {"rate": "300/h"},
        "site": {"sampling": {"stations": 3, "swab": {"dist": "exponential", "mean": "30s"}}},
        "pooling": {"size": pool},
        "samples": samples or {},
        **parts,
    })  # fmt: skip


def chain_of_swabs(scenario: Scenario, swab_end: np.ndarray, station: np.ndarray | None = None,
                   forced: list[int] | None = None) -> ChainRecords:  # fmt: skip
    station = np.zeros(len(swab_end), dtype=np.int32) if station is None else station
    tubes = pool_tubes(station, swab_end, scenario.pooling.size, scenario.clock.close)
    return run_chain(scenario, Streams(0, 1), station, swab_end, tubes.closed, tubes.first_swab, tubes.swabs, forced)


# one swab every minute, half a minute past: 08:00:30 … 11:59:30
MINUTELY = OPEN + 30.0 + 60.0 * np.arange(240)
COURIER = {"when_full": False, "final": False, "travel": "30min"}


@pytest.mark.parametrize(("every", "max_age", "over_2h"), [("2h", 149.5, 60), ("4h", 269.5, 150)])
def test_scheduled_pickups_with_fixed_travel_give_the_exact_maximum_age(
    every: str, max_age: float, over_2h: int
) -> None:
    scenario = make({"courier": {**COURIER, "every": every}, "limit": "2h", "lab": {"tubes_per_hour": 100_000}})
    chain = chain_of_swabs(scenario, MINUTELY)
    kpis = chain_kpis(chain, OPEN)
    assert kpis["samples.age_at_lab.max_min"] == pytest.approx(max_age)
    # over 2 h at the lab: swabs more than 90 min before a pickup (every 2 h: the first 30 min of each batch)
    assert kpis["samples.over_limit"] == over_2h
    assert kpis["samples.not_delivered"] == 0
    assert kpis["courier.trips"] == (2 if every == "2h" else 1)


def test_a_full_box_calls_the_courier() -> None:
    scenario = make({"courier": {**COURIER, "every": None, "when_full": True}, "box": {"capacity": 60}})
    chain = chain_of_swabs(scenario, MINUTELY)
    assert chain.trips["tubes"].tolist() == [60, 60, 60, 60]
    # the first box is full when the 60th swab (08:59:30) is sealed; the oldest tube is then 59 min old
    assert chain.trips["depart"][0] == pytest.approx(MINUTELY[59])
    assert chain_kpis(chain, OPEN)["samples.age_at_lab.max_min"] == pytest.approx(59 + 30)


def test_tubes_after_the_courier_stops_are_not_delivered() -> None:
    scenario = make({"courier": {**COURIER, "every": "1h", "until": "10:30"}})
    chain = chain_of_swabs(scenario, MINUTELY)
    t = chain.tubes
    delivered = ~np.isnan(t["at_lab"])
    assert delivered.sum() == 120 and chain_kpis(chain, OPEN)["samples.not_delivered"] == 120
    assert np.all(t["first_swab"][delivered] <= OPEN + 2 * 3600)
    assert np.isnan(t["result"][~delivered]).all()


def test_lab_rate_and_batches() -> None:
    burst = np.full(10, OPEN + 60.0)  # ten tubes sealed at once, picked by the final pickup
    rate = make({"courier": {**COURIER, "final": True, "travel": "0s"}, "lab": {"tubes_per_hour": 60}})
    chain = chain_of_swabs(rate, burst)
    assert np.sort(chain.tubes["result"]).tolist() == pytest.approx((OPEN + 60 + 60.0 * np.arange(1, 11)).tolist())
    assert chain_kpis(chain, OPEN)["lab.utilization"] == pytest.approx(1.0)
    lab = {"machines": 2, "run_time": "1h", "batch": 4, "report": "30min"}
    batches = make({"courier": {**COURIER, "final": True, "travel": "0s"}, "lab": lab})
    chain = chain_of_swabs(batches, burst)
    # 2 machines × 4 tubes in the first hour, the last 2 tubes in the second; results 30 min later
    assert np.sort(chain.tubes["result"]).tolist() == pytest.approx([OPEN + 60 + 5400.0] * 8 + [OPEN + 60 + 9000.0] * 2)


@pytest.mark.parametrize("k", [1, 5, 10, 20])
@pytest.mark.parametrize("n", [0, 1, 9, 10, 11, 57])
def test_n_swabs_in_pools_of_k_make_ceil_n_over_k_tubes(n: int, k: int) -> None:
    swab_end = OPEN + 60.0 * np.arange(n)
    close = OPEN + 4 * 3600.0
    tubes = pool_tubes(np.zeros(n, dtype=np.int32), swab_end, k, close)
    assert len(tubes) == math.ceil(n / k)
    full = tubes.swabs == k
    # closing rule 1: a full tube closes with its k-th swab; rule 2: the last partial one at the session end
    assert tubes.closed[full].tolist() == swab_end[k - 1 :: k][: full.sum()].tolist()
    assert tubes.closed[~full].tolist() == [close] * int((~full).sum())
    assert (~full).sum() == (1 if n % k else 0)
    members = tube_members(np.zeros(n, dtype=np.int32), swab_end, k)
    assert np.bincount(members, minlength=len(tubes)).tolist() == tubes.swabs.tolist()


def test_every_swab_in_one_tube_and_every_tube_delivered_or_counted() -> None:
    scenario = make({"courier": {"every": "1h", "travel": {"dist": "uniform", "low": "20min", "high": "40min"}}},
                    pool=10, recall={"prevalence": 50}, doorstep={"households": 30, "people_per_household": 3})  # fmt: skip
    for r in range(1, 4):
        rec = run_replication(scenario, r)
        chain = rec.chain
        assert chain is not None
        t = chain.tubes
        swabbed = ~np.isnan(rec.people["swab_end"])
        site = t["kind"] == SITE
        assert t["swabs"][site].sum() == swabbed.sum()
        members = tube_members(rec.people["station"], rec.people["swab_end"], 10)
        assert np.all(members[swabbed] >= 0) and np.all(members[~swabbed] == -1)
        assert np.bincount(members[swabbed], minlength=site.sum()).tolist() == t["swabs"][site].tolist()
        assert t["swabs"][t["kind"] == HOME].sum() == 90
        kpis = replication_kpis(rec)
        assert np.sum(~np.isnan(t["at_lab"])) + kpis["samples.not_delivered"] == len(t["kind"])
        assert kpis["samples.not_delivered"] == 0
        assert kpis["recall.retests"] == np.sum(t["kind"] == RETEST)


def test_prevalence_zero_recalls_nobody() -> None:
    rec = run_replication(make(pool=10, recall={"prevalence": 0}), 1)
    kpis = replication_kpis(rec)
    assert kpis["recall.pools"] == 0 and kpis["recall.retests"] == 0
    assert np.isnan(kpis["recall.confirmed.max_min"])  # no case: the time to a confirmed case has no value


@pytest.mark.parametrize("by", ["site", "doorstep"])
def test_a_forced_positive_recalls_its_whole_pool(by: str) -> None:
    scenario = make({"courier": {"every": "1h"}}, pool=10, recall={"prevalence": 0, "by": by})
    swab_end = OPEN + 60.0 * np.arange(35)  # tubes of 10, 10, 10 and 5 swabs
    chain = chain_of_swabs(scenario, swab_end, forced=[13])
    retests = chain.tubes["kind"] == RETEST
    assert retests.sum() == 10  # all of tube 1's members
    assert sorted(chain.tubes["retest_of"][retests].tolist()) == list(range(10, 20))  # swabs in time order
    assert not np.isnan(chain.tubes["result"][retests]).any()  # through the same chain to a result
    kpis = recall_kpis(chain)
    assert kpis["recall.pools"] == 1 and kpis["recall.confirmed"] == 1
    assert chain.confirmed["swab"].tolist() == [swab_end[13]]
    first_result = chain.tubes["result"][1]
    assert kpis["recall.confirmed.max_min"] * 60 > first_result - swab_end[13]


def test_doorstep_teams_visit_households_in_turn() -> None:
    home = {"teams": 2, "households": 10, "people_per_household": 2, "walk": "5min", "per_household": "4min"}
    rec = run_replication(make(doorstep=home), 1)
    kpis = replication_kpis(rec)
    assert kpis["doorstep.last_min"] == pytest.approx(5 * 9)  # five households each, 9 minutes apiece
    assert kpis["doorstep.people"] == 20
    assert np.sum(rec.chain.tubes["kind"] == HOME) == 10  # type: ignore[union-attr]


def test_scenarios_without_the_parts_keep_their_kpis() -> None:
    plain = scenario_from_data({
        "name": "plain", "clock": {"open": "08:00", "duration": "2h"}, "arrivals": {"rate": "300/h"},
        "site": {"sampling": {"stations": 3, "swab": {"dist": "exponential", "mean": "30s"}}},
    })  # fmt: skip
    with_chain = make({})
    a = replication_kpis(run_replication(plain, 1))
    assert not any(k.startswith(("staff.", "lab.", "recall.", "doorstep.")) for k in a)
    b = replication_kpis(run_replication(plain.model_copy(update={"samples": with_chain.samples}), 1))
    assert {k: b[k] for k in a} == a  # the chain runs after the site: the queues are untouched


SEEDS = sorted(Path(__file__).parent.parent.joinpath("scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_scenarios_account_for_every_swab_and_tube(path: Path) -> None:
    scenario = load_scenario(path)
    if not isinstance(scenario, Scenario) or scenario.samples is None:
        pytest.skip("no sample chain in this scenario")
    rec = run_replication(scenario, 1)
    t = rec.chain.tubes  # type: ignore[union-attr]
    swab_end = rec.people["swab_end"]
    assert t["swabs"][t["kind"] == SITE].sum() == np.sum(~np.isnan(swab_end))
    kpis = replication_kpis(rec)
    assert np.sum(~np.isnan(t["at_lab"])) + kpis["samples.not_delivered"] == len(t["kind"])
    assert np.all(t["at_lab"][~np.isnan(t["at_lab"])] >= t["boxed"][~np.isnan(t["at_lab"])])
    assert np.all(t["closed"] >= t["first_swab"])
