"""The model against queueing theory, where the answer is known.

Statistical checks compare the mean over replications with the closed form within four
standard errors of that mean (fixed seeds, so a pass is reproducible; a correct model fails
one such check about once in 16,000 seeds). Start-up bias is removed with the scenario's
`warmup` rather than allowed for: the warmups below are several relaxation times of the
queue (about 1 / (cμ(1-√ρ)²)), and each replication drains, so waits near closing are not
cut short either. Exact checks (FCFS recursion, the station pipeline) need no tolerance
beyond floating-point rounding.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from sim import scenario_from_data
from sim.experiment import run
from sim.measure.kpis import counted, replication_kpis, zone_intervals
from sim.measure.occupancy import level_at, time_average
from sim.model.build import run_replication
from sim.model.records import SAMPLED
from sim.queueing import erlang_c, mmc_mean_wait, mmck_blocking, mmck_mean_wait
from sim.scenario import Scenario

Z = 4.0  # tolerance in standard errors of the mean over replications


def make(site: dict[str, Any], rate: str, hours: int, warmup: str = "0s", **extra: Any) -> Scenario:
    """A validation scenario: constant Poisson arrivals from midnight, one adult group."""
    data: dict[str, Any] = {
        "name": "validation",
        "clock": {"open": "00:00", "duration": f"{hours}h"},
        "warmup": warmup,
        "arrivals": {"rate": rate},
        "site": site,
    }
    data.update(extra)
    return scenario_from_data(data)


def exp(mean: str) -> dict[str, str]:
    return {"dist": "exponential", "mean": mean}


@dataclass(frozen=True)
class Estimate:
    """Mean of a KPI over replications (or batches), with its standard error."""

    mean: float
    se: float
    n: int

    @classmethod
    def of(cls, values: np.ndarray) -> Estimate:
        return cls(float(np.mean(values)), float(np.std(values, ddof=1) / math.sqrt(len(values))), len(values))

    def check(self, theory: float, what: str) -> None:
        """Assert |mean - theory| <= Z·SE, reporting the 95% interval for the record."""
        half = 1.96 * self.se
        message = (f"{what}: simulated {self.mean:.4f} (95% CI {self.mean - half:.4f}-{self.mean + half:.4f}, "
                   f"SE {self.se:.4f}, n={self.n}) vs theory {theory:.4f}")  # fmt: skip
        print(message)
        assert self.se > 0, message
        assert abs(self.mean - theory) <= Z * self.se, message


# --- M/M/c against Erlang C ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stations", "rate_per_h", "hours", "replications"),
    [(3, 240, 26, 40), (8, 680, 22, 30)],  # ρ = 0.8 (relaxation ≈ 18 min), ρ = 0.85 (≈ 12 min)
    ids=["c3-rho0.8", "c8-rho0.85"],
)
def test_mmc_mean_wait_matches_erlang_c(stations: int, rate_per_h: int, hours: int, replications: int) -> None:
    swab_mean_s = 36
    scenario = make({"sampling": {"stations": stations, "swab": exp(f"{swab_mean_s}s")}},
                    f"{rate_per_h}/h", hours=hours, warmup="2h")  # fmt: skip
    mean_wait, share_waiting = np.empty(replications), np.empty(replications)
    for r in range(replications):
        rec = run_replication(scenario, r + 1, seed=11)
        kpis = replication_kpis(rec, scenario.warmup)
        # no entry check: the whole wait is the queue for a station
        assert kpis["wait.total.mean_min"] == kpis["wait.sampling.mean_min"]
        mean_wait[r] = kpis["wait.total.mean_min"]
        keep = counted(rec, scenario.warmup)
        share_waiting[r] = np.mean((rec.people["swab_start"] - rec.people["arrival"])[keep] > 0)
    lam = rate_per_h / 3600
    Estimate.of(mean_wait).check(mmc_mean_wait(lam, swab_mean_s, stations) / 60, f"M/M/{stations} mean wait (min)")
    # PASTA: the share of arrivals who find every station busy is Erlang C itself
    Estimate.of(share_waiting).check(erlang_c(stations, lam * swab_mean_s), f"M/M/{stations} share who wait")


# --- M/M/c/K against its closed form ------------------------------------------------------


@pytest.mark.slow
def test_mmck_share_turned_away_matches_closed_form() -> None:
    stations, places, rate_per_h, swab_mean_s = 2, 3, 216, 30  # a = 1.8 erlangs, K = 2 + 3 = 5
    scenario = make(
        {"waiting": {"capacity": places, "when_full": "turn_away"},
         "sampling": {"stations": stations, "swab": exp(f"{swab_mean_s}s")}},
        f"{rate_per_h}/h", hours=13, warmup="1h",
    )  # fmt: skip
    result = run(scenario, replications=30, seed=12)
    lam, k = rate_per_h / 3600, stations + places
    share = result.column("people.turned_away") / result.column("people.arrived")
    Estimate.of(share).check(mmck_blocking(lam, swab_mean_s, stations, k), f"M/M/{stations}/{k} share turned away")
    Estimate.of(result.column("wait.total.mean_min")).check(
        mmck_mean_wait(lam, swab_mean_s, stations, k) / 60, f"M/M/{stations}/{k} mean wait of the admitted (min)"
    )
    assert result.column("zone.waiting.peak").max() == places  # the zone fills, never overfills


# --- tandem: entry check then stations, each against Erlang C (Jackson / Burke) -------------

TANDEM_LANES, TANDEM_ENTRY_S, TANDEM_STATIONS, TANDEM_SWAB_S, TANDEM_RATE_PER_H = 2, 15, 4, 32, 360


def tandem(hours: int, warmup: str = "2h", **extra: Any) -> Scenario:
    """Entry check M/M/2 (ρ = 0.75) then stations M/M/4 (ρ = 0.8), unlimited waiting zone."""
    return make(
        {"entry_check": {"lanes": TANDEM_LANES, "time": exp(f"{TANDEM_ENTRY_S}s")},
         "sampling": {"stations": TANDEM_STATIONS, "swab": exp(f"{TANDEM_SWAB_S}s")}},
        f"{TANDEM_RATE_PER_H}/h", hours=hours, warmup=warmup, **extra,
    )  # fmt: skip


@pytest.mark.slow
def test_tandem_waits_match_erlang_c_at_both_stages() -> None:
    result = run(tandem(hours=14), replications=30, seed=13)
    lam = TANDEM_RATE_PER_H / 3600
    entry_theory = mmc_mean_wait(lam, TANDEM_ENTRY_S, TANDEM_LANES) / 60
    station_theory = mmc_mean_wait(lam, TANDEM_SWAB_S, TANDEM_STATIONS) / 60
    Estimate.of(result.column("wait.entry_check.mean_min")).check(entry_theory, "tandem entry check M/M/2 wait")
    Estimate.of(result.column("wait.sampling.mean_min")).check(station_theory, "tandem stations M/M/4 wait")
    # the total wait (arrival to swab start) is both queues plus the check itself
    Estimate.of(result.column("wait.total.mean_min")).check(
        entry_theory + TANDEM_ENTRY_S / 60 + station_theory, "tandem total wait"
    )


# --- Little's law -----------------------------------------------------------------------


def littles_law_gap(start: np.ndarray, end: np.ndarray, t0: float, t1: float) -> tuple[float, float, float]:
    """(L, λ·W, bound) of a zone over [t0, t1).

    L is the time-average occupancy; λ and W are the entry rate and mean stay of those who
    entered in the window. They differ only through people who straddle t0 or t1, each of
    whom moves L·T by at most their own stay, so |L - λW| ≤ (N(t0) + N(t1))·max stay / T.
    """
    span = t1 - t0
    occupancy = time_average(start, end, t0, t1)
    inside = (start >= t0) & (start < t1)
    stay = end[inside] - start[inside]
    lam_w = inside.sum() / span * stay.mean()
    straddling = level_at(start, end, np.array([t0, t1])).sum()
    return occupancy, lam_w, straddling * (end - start).max() / span


@pytest.mark.slow
def test_littles_law_on_the_waiting_zone_of_a_long_replication() -> None:
    scenario = tandem(hours=42, warmup="2h")
    rec = run_replication(scenario, 1, seed=14)
    t0, t1 = rec.open_s + scenario.warmup, rec.close_s
    start, end = zone_intervals(rec)["waiting"]
    occupancy, lam_w, bound = littles_law_gap(start, end, t0, t1)
    print(f"Little's law, waiting zone: L = {occupancy:.4f}, λW = {lam_w:.4f}, edge bound {bound:.4f}")
    assert abs(occupancy - lam_w) <= bound
    assert bound < 0.01 * occupancy  # the window is long enough for the check to mean something
    # and L agrees with theory, Lq = λ·Wq (Erlang C), judged by batch means: 20 batches of 2 h,
    # each many relaxation times (≈ 12 min here) long, so nearly independent
    lam = TANDEM_RATE_PER_H / 3600
    edges = np.linspace(t0, t1, 21)
    batches = np.array([time_average(start, end, a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)])
    Estimate.of(batches).check(lam * mmc_mean_wait(lam, TANDEM_SWAB_S, TANDEM_STATIONS), "waiting zone Lq")
    entered = ((start >= t0) & (start < t1)).sum()
    assert abs(entered - lam * (t1 - t0)) <= Z * math.sqrt(lam * (t1 - t0))  # a Poisson count


def test_littles_law_in_every_zone_of_the_seed_like_site() -> None:
    """A site with capacity, spill-over, priorities, the pipeline and isolation: L = λW per zone."""
    scenario = scenario_from_data({
        "name": "busy site",
        "clock": {"open": "08:00", "duration": "4h"},
        "arrivals": {"rate": "700/h"},
        "population": {"adult": {"share": 0.7}, "elderly": {"share": 0.3, "registration_factor": 1.5,
                                                             "swab_factor": 1.2, "priority": True}},
        "site": {
            "entry_check": {"lanes": 2, "time": exp("8s"), "abnormal": 0.02},
            "waiting": {"capacity": 40, "when_full": "queue_outside"},
            "sampling": {"stations": 4, "registration": {"dist": "lognormal", "mean": "20s", "cv": 0.5},
                         "swab": {"dist": "lognormal", "mean": "25s", "cv": 0.4}},
            "isolation": {"capacity": 2, "stay": {"dist": "uniform", "low": "10min", "high": "30min"}},
        },
    })  # fmt: skip
    rec = run_replication(scenario, 1, seed=15)
    zones = zone_intervals(rec)
    for name in ("entry_queue", "outside", "waiting", "stations", "isolation"):
        start, end = zones[name]
        assert np.all(end >= start), name
        # over the whole run the site starts empty and ends empty: L·T = Σ stays exactly
        t0, t1 = rec.open_s, rec.end_s
        assert time_average(start, end, t0, t1) * (t1 - t0) == pytest.approx(np.sum(end - start), rel=1e-9), name
        assert level_at(start, end, np.array([t1 + 1.0]))[0] == 0, f"{name} not empty after the run"
        # and over an inner window, within the edge bound
        occupancy, lam_w, bound = littles_law_gap(start, end, t0 + 3600, t0 + 3 * 3600)
        assert abs(occupancy - lam_w) <= bound + 1e-12, name
    assert zones["outside"][0].size > 0, "the scenario should spill outside"
    assert level_at(*zones["waiting"], np.linspace(rec.open_s, rec.end_s, 2000)).max() <= 40


# --- the exact check: the model against a plain FCFS multi-server recursion ---------------


def fcfs_starts(arrival: np.ndarray, service: np.ndarray, servers: int) -> np.ndarray:
    """Service start of each customer (in arrival order) at c FCFS servers: a heap of free times."""
    free = [-math.inf] * servers
    start = np.empty(len(arrival))
    for i, (a, s) in enumerate(zip(arrival.tolist(), service.tolist(), strict=True)):
        start[i] = max(a, heapq.heappop(free))
        heapq.heappush(free, start[i] + s)
    return start


def test_every_wait_equals_the_fcfs_recursion_for_mmc() -> None:
    scenario = make({"sampling": {"stations": 3, "swab": exp("36s")}}, "285/h", hours=8)  # ρ = 0.95
    rec = run_replication(scenario, 1, seed=16)
    p = rec.people
    assert np.all(p["outcome"] == SAMPLED)
    order = np.argsort(p["arrival"], kind="stable")
    arrival, swab_start = p["arrival"][order], p["swab_start"][order]
    swab = (p["swab_end"] - p["swab_start"])[order]
    start = fcfs_starts(arrival, swab, 3)
    assert np.max(start - arrival) > 5 * 60  # queues did form
    np.testing.assert_allclose(swab_start - arrival, start - arrival, rtol=0, atol=1e-9)


def test_every_wait_equals_the_fcfs_recursion_for_the_tandem() -> None:
    rec = run_replication(tandem(hours=8), 1, seed=17)
    p = rec.people
    order = np.argsort(p["arrival"], kind="stable")
    arrival = p["arrival"][order]
    entry_time = (p["entry_end"] - p["entry_start"])[order]
    entry_start = fcfs_starts(arrival, entry_time, TANDEM_LANES)
    np.testing.assert_allclose(p["entry_start"][order] - arrival, entry_start - arrival, rtol=0, atol=1e-9)
    # stage two: customers in the order they leave the entry check
    entry_end = entry_start + entry_time
    second = np.argsort(entry_end, kind="stable")
    swab = (p["swab_end"] - p["swab_start"])[order][second]
    start = fcfs_starts(entry_end[second], swab, TANDEM_STATIONS)
    simulated = (p["swab_start"] - p["entry_end"])[order][second]
    assert simulated.max() > 2 * 60  # queues did form
    np.testing.assert_allclose(simulated, start - entry_end[second], rtol=0, atol=1e-9)


# --- the station pipeline: registrar and sampler overlap ------------------------------------


@pytest.mark.parametrize(("registration_s", "swab_s"), [(20, 30), (40, 30), (30, 30)])
def test_a_busy_station_swabs_every_max_of_registration_and_swab(registration_s: int, swab_s: int) -> None:
    scenario = make({"sampling": {"stations": 2, "registration": f"{registration_s}s", "swab": f"{swab_s}s"}},
                    "1200/h", hours=1)  # fmt: skip
    rec = run_replication(scenario, 1, seed=18)
    p = rec.people
    cycle = max(registration_s, swab_s)
    for station in (0, 1):
        mine = p["station"] == station
        swab_start = np.sort(p["swab_start"][mine])
        gaps = np.diff(swab_start)
        assert len(gaps) > 100
        # after the first few people the queue never empties: one swab every max(R, S) seconds
        np.testing.assert_allclose(gaps[3:], cycle, rtol=0, atol=1e-9)
        # the next person steps up to the registrar as soon as the previous one moves to the sampler
        by_step = np.argsort(p["station_start"][mine])
        stepped_up, swabbed = p["station_start"][mine][by_step], p["swab_start"][mine][by_step]
        np.testing.assert_allclose(stepped_up[4:], swabbed[3:-1], rtol=0, atol=1e-9)
    kpis = replication_kpis(rec)
    assert kpis["stations.utilization"] == pytest.approx(1.0, abs=0.01)
    assert kpis["throughput.per_hour"] == pytest.approx(2 * 3600 / cycle, rel=0.02)


def test_without_registration_a_station_is_a_plain_server() -> None:
    scenario = make({"sampling": {"stations": 1, "swab": "30s"}}, "600/h", hours=1)
    p = run_replication(scenario, 1, seed=19).people
    gaps = np.diff(np.sort(p["swab_start"]))
    np.testing.assert_allclose(gaps[3:], 30.0, rtol=0, atol=1e-9)
    np.testing.assert_allclose(p["station_start"], p["swab_start"], rtol=0, atol=0)
