"""The closed forms in sim/queueing.py against textbook numbers and independent formulas.

These are the yardsticks of the validation tests, so they are checked here against values
worked by hand (Erlang C for c=2, a=1 is 1/3) and against formulas written out differently
(Erlang B recursion, the M/M/1/K geometric form), not against themselves.
"""

from __future__ import annotations

import math

import pytest

from sim import scenario_from_data
from sim.queueing import (
    erlang_c,
    expected_arrivals,
    mmc_mean_wait,
    mmck_blocking,
    mmck_mean_wait,
    offered_load,
    station_cycle_s,
)


def erlang_b(servers: int, load: float) -> float:
    """Erlang B by its textbook recursion B(0)=1, B(k) = a·B(k-1) / (k + a·B(k-1))."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c_from_b(servers: int, load: float) -> float:
    """Erlang C from Erlang B: C = B / (1 - ρ(1 - B)), ρ = a/c."""
    b, rho = erlang_b(servers, load), load / servers
    return b / (1 - rho * (1 - b))


def test_erlang_c_two_servers_one_erlang_is_one_third() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-12)


def test_erlang_c_single_server_is_utilisation() -> None:
    for rho in (0.1, 0.5, 0.9, 0.99):
        assert erlang_c(1, rho) == pytest.approx(rho, rel=1e-12)


@pytest.mark.parametrize(("servers", "load"), [(2, 1.5), (3, 2.4), (5, 4.0), (10, 8.0), (50, 45.0), (6, 0.3)])
def test_erlang_c_matches_erlang_b_relation(servers: int, load: float) -> None:
    assert erlang_c(servers, load) == pytest.approx(erlang_c_from_b(servers, load), rel=1e-10)


def test_erlang_c_textbook_value_five_servers_four_erlangs() -> None:
    # a=4, c=5: a^5/5! · c/(c-a) = 8.533 · 5 = 42.667; Σ_{k<5} 4^k/k! = 1+4+8+10.667+10.667 = 34.333
    top = 4**5 / math.factorial(5) * 5
    assert erlang_c(5, 4.0) == pytest.approx(top / (34 + 1 / 3 + top), rel=1e-12)
    assert erlang_c(5, 4.0) == pytest.approx(0.5541, abs=5e-5)


def test_erlang_c_saturated_is_one() -> None:
    assert erlang_c(3, 3.0) == 1.0
    assert erlang_c(3, 4.5) == 1.0


def test_mm1_mean_wait_is_rho_over_mu_minus_lambda() -> None:
    lam, mean = 1 / 50, 36.0
    mu = 1 / mean
    assert mmc_mean_wait(lam, mean, 1) == pytest.approx((lam / mu) / (mu - lam), rel=1e-12)


def test_mm2_mean_wait_closed_form() -> None:
    # M/M/2: Wq = ρ² / (μ(1-ρ²)) with ρ = λ/(2μ)
    lam, mean = 1 / 25, 36.0
    mu, rho = 1 / mean, lam * mean / 2
    assert mmc_mean_wait(lam, mean, 2) == pytest.approx(rho**2 / (mu * (1 - rho**2)), rel=1e-12)


def test_mmc_mean_wait_unstable_is_infinite() -> None:
    assert mmc_mean_wait(1 / 10, 36.0, 3) == math.inf


@pytest.mark.parametrize(("rho", "capacity"), [(0.5, 1), (0.8, 5), (1.2, 4), (0.95, 20)])
def test_mm1k_blocking_geometric_form(rho: float, capacity: int) -> None:
    expected = (1 - rho) * rho**capacity / (1 - rho ** (capacity + 1))
    assert mmck_blocking(rho / 36.0, 36.0, 1, capacity) == pytest.approx(expected, rel=1e-12)


def test_mm1k_blocking_at_rho_one_is_uniform() -> None:
    assert mmck_blocking(1 / 36.0, 36.0, 1, 9) == pytest.approx(1 / 10, rel=1e-12)


@pytest.mark.parametrize(("servers", "load"), [(1, 1.0), (2, 1.0), (4, 3.0), (8, 10.0)])
def test_mmck_with_no_waiting_room_is_erlang_b(servers: int, load: float) -> None:
    assert mmck_blocking(load / 36.0, 36.0, servers, servers) == pytest.approx(erlang_b(servers, load), rel=1e-12)


def test_erlang_b_textbook_values() -> None:
    assert erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang_b(2, 1.0) == pytest.approx(0.2)


def test_mm1k_mean_wait_closed_form() -> None:
    # M/M/1/K: L = ρ/(1-ρ) - (K+1)ρ^(K+1)/(1-ρ^(K+1)); Lq = L - (1 - p0); Wq = Lq / (λ(1 - pK))
    rho, k, mean = 0.8, 6, 36.0
    lam = rho / mean
    p0 = (1 - rho) / (1 - rho ** (k + 1))
    pk = p0 * rho**k
    big_l = rho / (1 - rho) - (k + 1) * rho ** (k + 1) / (1 - rho ** (k + 1))
    wq = (big_l - (1 - p0)) / (lam * (1 - pk))
    assert mmck_mean_wait(lam, mean, 1, k) == pytest.approx(wq, rel=1e-10)


def test_mmck_mean_wait_tends_to_erlang_c() -> None:
    lam, mean, c = 2.4 / 36.0, 36.0, 3
    assert mmck_mean_wait(lam, mean, c, 400) == pytest.approx(mmc_mean_wait(lam, mean, c), rel=1e-9)


def _scenario(sampling: dict, **extra: object) -> object:
    data = {
        "name": "q",
        "clock": {"open": "08:00", "duration": "4h"},
        "arrivals": {"rate": "120/h"},
        "site": {"sampling": sampling},
    }
    data.update(extra)
    return scenario_from_data(data)


def test_station_cycle_is_max_of_registration_and_swab_when_fixed() -> None:
    assert station_cycle_s(_scenario({"stations": 2, "registration": "20s", "swab": "30s"})) == 30.0
    assert station_cycle_s(_scenario({"stations": 2, "registration": "40s", "swab": "30s"})) == 40.0
    assert station_cycle_s(_scenario({"stations": 2, "swab": "30s"})) == 30.0


def test_station_cycle_of_exponential_swab_is_its_mean() -> None:
    cycle = station_cycle_s(_scenario({"stations": 1, "swab": {"dist": "exponential", "mean": "36s"}}))
    # 20,000 draws: SE = 36/sqrt(20000) ≈ 0.25 s
    assert cycle == pytest.approx(36.0, abs=4 * 36.0 / math.sqrt(20_000))


def test_expected_arrivals_and_offered_load() -> None:
    scenario = _scenario({"stations": 2, "swab": "30s"})
    assert expected_arrivals(scenario) == pytest.approx(480.0)
    load = offered_load(scenario)
    assert load["arrival_per_hour"] == pytest.approx(120.0)
    assert load["capacity_per_hour"] == pytest.approx(240.0)
    assert load["load_per_station"] == pytest.approx(0.5)


def test_expected_arrivals_of_a_profile_clips_to_opening_hours() -> None:
    scenario = scenario_from_data({
        "name": "p",
        "clock": {"open": "08:00", "duration": "2h"},
        "arrivals": {"profile": [{"at": "07:00", "rate": "100/h"}, {"at": "09:00", "rate": "300/h"},
                                 {"at": "11:00", "rate": "1000/h"}]},
        "site": {"sampling": {"stations": 1, "swab": "30s"}},
    })  # fmt: skip
    assert expected_arrivals(scenario) == pytest.approx(100 + 300)
