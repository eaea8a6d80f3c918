"""drill fit: the round trip (simulate with known parameters, write records, fit, recover them) and the CLI.

Intervals come from the number of rows (profile likelihood, exact Poisson and binomial intervals);
every parameter is checked against its interval at the Bonferroni level 1 − 0.05/k for the k
parameters checked, so the whole table holds with 95% confidence, not each line alone.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from sim import load_scenario, run, run_replication, scenario_from_text
from sim.cli import main
from sim.drill.distfit import Durations, choose, profile_intervals
from sim.drill.fit import fit_records, poisson_interval, registration_durations
from sim.drill.synthetic import record_rows, write_records
from sim.scenario.drill_records import read_records

TRUTH = """
name: the day as it was
seed: 11
replications: 10
clock: {open: "08:00", duration: 4h}
arrivals: {profile: [{at: "08:00", rate: 800/h}, {at: "09:00", rate: 550/h}, {at: "10:00", rate: 500/h},
                     {at: "11:00", rate: 300/h}]}
population:
  adult: {share: 0.75}
  elderly: {share: 0.25, registration_factor: 1.5, swab_factor: 1.2, priority: true}
site:
  sampling: {stations: 5, registration: {dist: lognormal, mean: 15s, cv: 0.6}, swab: {dist: gamma, mean: 25s, cv: 0.4}}
pooling: {size: 10}
"""

BASE = """
name: the plan
replications: 10
clock: {open: "08:00", duration: 4h}
arrivals: {rate: 500/h}
population:
  adult: {share: 0.8}
  elderly: {share: 0.2, registration_factor: 1.5, swab_factor: 1.2, priority: true}
site:
  sampling: {stations: 5, registration: {dist: lognormal, mean: 20s, cv: 0.5}, swab: {dist: lognormal, mean: 20s, cv: 0.4}}
pooling: {size: 5}
"""

RATES = [800, 550, 500, 300]
K = len(RATES) + 4 + 1  # profile steps, registration mean and cv, swab mean and cv, elderly share
LEVEL = 1 - 0.05 / K


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("day")
    truth = scenario_from_text(TRUTH)
    (folder / "truth.yaml").write_text(TRUTH, encoding="utf-8")
    (folder / "base.yaml").write_text(BASE, encoding="utf-8")
    path = write_records(folder / "records.csv", record_rows(run_replication(truth, 1), truth), "synthetic")
    base = scenario_from_text(BASE)
    records = read_records(path, groups=list(base.population))
    return {"folder": folder, "truth": truth, "base": base, "records": records, "fit": fit_records(records, base)}


def test_the_records_are_read_whole(day: dict) -> None:
    records = day["records"]
    assert records.n == records.read > 1500 and not records.rejected
    assert records.stations == ("1", "2", "3", "4", "5") and records.whole_seconds


def test_the_arrival_profile_is_recovered(day: dict) -> None:
    fit = day["fit"]
    assert fit.arrivals.width_min == 60  # the true steps are an hour: finer steps cost more BIC than they buy
    for step, rate in zip(fit.arrivals.steps, RATES, strict=True):
        low, high = poisson_interval(step.count, LEVEL)
        assert low / step.length_s * 3600 <= rate <= high / step.length_s * 3600, (step, rate)


def test_swab_family_and_parameters_are_recovered(day: dict) -> None:
    fit = day["fit"]
    assert fit.swab.best.family == "gamma"
    data = _swab(day)
    ci = profile_intervals(fit.swab.best, data, LEVEL)
    assert ci["mean"][0] <= 25 <= ci["mean"][1] and ci["cv"][0] <= 0.4 <= ci["cv"][1], ci
    assert fit.swab.ks_p is not None and fit.swab.ks_p > 0.01


def _swab(day: dict) -> Durations:
    from sim.drill.fit import swab_durations

    return swab_durations(day["records"], day["base"])


def test_censored_registration_is_recovered_where_the_naive_fit_is_not(day: dict) -> None:
    """The registrar often waits for the sampler; counting those waits as registration overstates it."""
    fit = day["fit"]
    assert fit.registration is not None and fit.registration.best.family == "lognormal"
    data = registration_durations(day["records"], day["base"])
    assert 0.2 < data.censored.mean() < 0.8  # the sampler is the bottleneck often, but not always
    ci = profile_intervals(fit.registration.best, data, LEVEL)
    assert ci["mean"][0] <= 15 <= ci["mean"][1] and ci["cv"][0] <= 0.6 <= ci["cv"][1], ci
    naive = choose(registration_durations(day["records"], day["base"], naive=True), ("lognormal", "gamma"))
    naive_ci = profile_intervals(naive.best, registration_durations(day["records"], day["base"], naive=True), LEVEL)
    assert naive_ci["mean"][0] > 15 * 1.1, naive_ci  # well above the truth: the wait for the sampler counted in


def test_groups_stations_and_pooling_are_recovered(day: dict) -> None:
    fit = day["fit"]
    share, _, _ = fit.shares["elderly"]
    n = fit.used
    x = round(share * n)
    low, high = stats.beta.ppf((1 - LEVEL) / 2, x, n - x + 1), stats.beta.ppf(1 - (1 - LEVEL) / 2, x + 1, n - x)
    assert low <= 0.25 <= high
    assert len(fit.stations) == 5 and fit.pool_size == 10
    assert sum(s.rows for s in fit.stations) == int(day["records"].swabbed.sum())
    assert all(sum(s.per_hour) == s.rows for s in fit.stations)


def test_the_fitted_scenario_reproduces_the_days_kpis(day: dict) -> None:
    """The records are one day: the fitted plan can be as far from the truth as one day is from the mean.

    Tolerance: the truth's 95% prediction interval for one day, widened for the two means' own
    errors (s·√(1 + 2/n)), Bonferroni-adjusted across the KPIs compared.
    """
    out = day["folder"] / "fitted.yaml"
    result = CliRunner().invoke(main, ["fit", str(day["folder"] / "records.csv"), "--scenario",
                                       str(day["folder"] / "base.yaml"), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    fitted = load_scenario(out)
    kpis = ["people.arrived", "people.sampled", "throughput.per_hour", "time.completion_min", "wait.total.mean_min",
            "wait.total.p95_min", "stations.utilization", "samples.tubes"]  # fmt: skip
    n = 10
    truth = run(day["truth"], n, seed=101)
    again = run(fitted, n, seed=202)  # independent of the truth's replications
    z = stats.t.ppf(1 - 0.05 / (2 * len(kpis)), n - 1)
    for kpi in kpis:
        a, b = truth.column(kpi), again.column(kpi)
        tolerance = z * a.std(ddof=1) * math.sqrt(1 + 2 / n)
        assert abs(b.mean() - a.mean()) <= tolerance, (kpi, a.mean(), b.mean(), tolerance)


def test_fitted_yaml_names_a_source_for_every_fitted_key_and_fit_json_the_intervals(day: dict) -> None:
    out = day["folder"] / "fitted.yaml"
    if not out.exists():
        CliRunner().invoke(main, ["fit", str(day["folder"] / "records.csv"), "--scenario",
                                  str(day["folder"] / "base.yaml"), "--out", str(out)])  # fmt: skip
    fitted = load_scenario(out)
    for key in ("arrivals", "site.sampling.swab", "site.sampling.registration", "site.sampling.stations",
                "pooling.size", "population.elderly.share"):  # fmt: skip
        assert "records.csv" in fitted.sources[key], key
    assert fitted.population["elderly"].swab_factor == 1.2  # the records name groups: the factors stay
    assert fitted.site.sampling.swab.dist == "gamma" and fitted.pooling.size == 10
    info = json.loads((day["folder"] / "fit.json").read_text(encoding="utf-8"))
    assert info["rows"] == {"read": day["records"].read, "used": day["records"].n, "rejected": 0, "problems": {}}
    values = {v["key"]: v for v in info["values"]}
    swab = values["site.sampling.swab.mean"]
    assert swab["low"] < swab["value"] < swab["high"] and swab["rows"] == day["records"].n
    assert info["registration"]["censored"] == int(registration_durations(day["records"], day["base"]).censored.sum())
    assert len(info["stations"]) == 5 and {c["family"] for c in info["swab"]["candidates"]} >= {"gamma", "empirical"}


def test_without_groups_the_fitted_factors_are_one(day: dict, tmp_path: Path) -> None:
    text = (day["folder"] / "records.csv").read_text(encoding="utf-8")
    lines = [",".join(line.split(",")[:7]) for line in text.splitlines()[1:]]  # drop the group column
    path = tmp_path / "nogroups.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "fitted.yaml"
    result = CliRunner().invoke(main, ["fit", str(path), "--scenario", str(day["folder"] / "base.yaml"),
                                       "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    fitted = load_scenario(out)
    assert fitted.population["elderly"].swab_factor == 1.0 and "name no groups" in result.output
    assert fitted.population["elderly"].share == 0.2  # not fitted: kept from the base


def test_registration_not_recorded_separately_keeps_the_base(tmp_path: Path) -> None:
    rows = ["person,arrived,registered,swab_start,swab_end,station"]
    for k in range(40):
        t = 8 * 3600 + 60 * k
        clock = f"08:{k:02d}:00"
        rows.append(f"p{k},{clock},08:{k:02d}:10,08:{k:02d}:10,08:{k:02d}:{30 + k % 7:02d},1")
        assert t
    path = tmp_path / "r.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    base = scenario_from_text(BASE)
    fit = fit_records(read_records(path, groups=list(base.population)), base)
    assert fit.registration is None and any("not recorded separately" in note for note in fit.notes)
    assert fit.pool_size is None and any("no tube column" in note for note in fit.notes)


def test_fixed_durations_are_fitted_as_fixed() -> None:
    choice = choose(Durations.of(np.full(50, 30.0)))
    assert choice.best.family == "fixed" and choice.best.params["value"] == 30.0
