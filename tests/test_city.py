"""A city round: sites behave as alone, numbers ignore chunking and executor, labs add up."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim import load_scenario, run_replication
from sim.cli import main
from sim.errors import ScenarioError
from sim.experiment.city import SiteIndex, run_city, run_site
from sim.measure.kpis import replication_kpis
from sim.model.citylab import lab_backlog, pickups
from sim.scenario import scenario_from_text
from sim.scenario.city import expand_sites, site_scenario

ROOT = Path(__file__).parent.parent
CITY = """
kind: city
name: Test city
seed: 5
clock: {open: "08:00", duration: 2h}
deadline: 4h
templates:
  small:
    site:
      sampling: {stations: 2, registration: {dist: exponential, mean: 20s}, swab: {dist: exponential, mean: 25s}}
    pooling: {size: 10}
sites:
  - {template: small, count: 5, population: 300, district: north}
  - {template: small, count: 4, population: 400, district: south}
courier: {every: 1h, travel: {dist: uniform, low: 10min, high: 20min}}
labs:
  - {name: North lab, capacity: 600/h, districts: [north]}
  - {name: Main lab, capacity: 1200/h}
"""


@pytest.fixture(scope="module")
def city():
    return scenario_from_text(CITY)


def test_city_site_matches_the_same_site_run_alone(city) -> None:
    index = SiteIndex(city)
    for site in (0, 6):
        alone = replication_kpis(run_replication(site_scenario(city, index.group(site)), 1, city.seed, site=site))
        row = run_site(city, site, 1, city.seed).row
        assert row["sampled"] == alone["people.sampled"]
        assert row["completion_min"] == alone["time.completion_min"]
        assert row["wait_p95_min"] == alone["wait.total.p95_min"]


def test_chunking_and_executor_do_not_change_the_numbers(city) -> None:
    base = run_city(city, replications=2, chunk=100)
    small_chunks = run_city(city, replications=2, chunk=2)
    with ProcessPoolExecutor(2) as pool:
        parallel = run_city(city, replications=2, chunk=3, executor=pool)
    for other in (small_chunks, parallel):
        for a, b in zip(base.replications, other.replications, strict=True):
            assert a.kpis == b.kpis
            assert a.rows == b.rows
            np.testing.assert_array_equal(a.swabbed_by_hour, b.swabbed_by_hour)


def test_people_and_tubes_add_up_across_the_city(city) -> None:
    rep = run_city(city, replications=1).replications[0]
    assert rep.kpis["sites.count"] == 9
    assert rep.kpis["people.arrived"] == sum(r["arrived"] for r in rep.rows)
    assert rep.swabbed_by_hour.sum() == rep.kpis["people.sampled"]
    delivered = sum(b.processed.sum() + b.waiting[-1] for b in rep.backlogs)
    assert delivered == rep.kpis["samples.tubes"]
    # the north lab gets only north's tubes
    north_tubes = sum(r["tubes"] for r in rep.rows if r["site"] < 5)
    assert rep.backlogs[0].processed.sum() + rep.backlogs[0].waiting[-1] == north_tubes


def test_lab_backlog_matches_a_hand_computed_case() -> None:
    arrivals = np.zeros(30)
    arrivals[0], arrivals[5] = 100, 30  # tubes per minute
    backlog = lab_backlog(arrivals, capacity_per_min=10, turnaround_min=60)
    # 100 tubes at 10/min: 90 left after minute 0, 50 after minute 4; +30 at minute 5 → 70, ...
    assert backlog.waiting[0] == 90 and backlog.waiting[4] == 50 and backlog.waiting[5] == 70
    assert backlog.waiting[11] == 10 and backlog.waiting[12] == 0
    assert backlog.last_result_min == pytest.approx(13 + 60)
    assert backlog.processed.sum() == 130
    partial = lab_backlog(np.array([5.0, 0, 0]), capacity_per_min=10)
    assert partial.last_result_min == pytest.approx(0.5)


def test_pickups_follow_the_schedule() -> None:
    open_s = 8 * 3600.0
    closed = open_s + np.array([10.0, 3600.0, 3601.0, 7300.0])
    np.testing.assert_array_equal(pickups(closed, open_s, 3600.0) - open_s, [3600, 3600, 7200, 10800])


def test_sites_table_is_read_and_its_errors_are_located(tmp_path: Path) -> None:
    (tmp_path / "sites.csv").write_text("template,population,count,district\nsmall,300,2,east\nsmall,abc,1,east\n")
    text = CITY.replace("sites:\n", "sites_table: sites.csv\nsites:\n")
    path = tmp_path / "city.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        expand_sites(load_scenario(path), tmp_path)
    assert f"{tmp_path / 'sites.csv'}:3: population:" in str(caught.value)
    (tmp_path / "sites.csv").write_text("template,population,count,district\nsmall,300,2,east\n")
    city = expand_sites(load_scenario(path), tmp_path)
    assert len(SiteIndex(city)) == 11 and city.sites[-1].district == "east"


def test_unknown_template_is_a_located_error() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_text(CITY.replace("{template: small, count: 4", "{template: smal, count: 4"), "city.yaml")
    assert "unknown template 'smal'" in str(caught.value)


def test_xian_round_runs_at_reduced_scale(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [
        "run", str(ROOT / "scenarios" / "xian-2021-12-27.yaml"), "--out", str(tmp_path), "--workers", "2",
        "--set", "sites.0.count=200", "--set", "sites.1.count=100", "--replications", "2",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["kpis"]["sites.count"]["mean"] == 300
    arrived = summary["kpis"]["people.arrived"]["mean"]
    assert abs(arrived - (200 * 1899 + 100 * 2848)) < 4 * np.sqrt(200 * 1899 + 100 * 2848)  # Poisson total
    for name in ("sites.csv", "hourly.csv", "lab_backlog.csv", "replications.csv", "scenario.yaml"):
        assert (tmp_path / name).stat().st_size > 0
    assert len((tmp_path / "sites.csv").read_text(encoding="utf-8-sig").splitlines()) == 1 + 2 * 300  # site × rep
    hourly = (tmp_path / "hourly.csv").read_text(encoding="utf-8-sig").splitlines()
    first = dict(zip(hourly[0].split(","), hourly[1].split(","), strict=True))
    assert float(first["swabbed_ci_low"]) <= float(first["swabbed"]) <= float(first["swabbed_ci_high"])
