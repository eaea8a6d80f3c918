"""The KPI names predicted from a scenario equal the names one replication reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import load_scenario, variant
from sim.measure.kpis import replication_kpis
from sim.measure.names import kpi_names, unknown_targets
from sim.model.build import run_replication
from sim.scenario import Scenario, scenario_from_text

SCENARIOS = Path(__file__).parent.parent / "scenarios"
SITE_SEEDS = [p.stem for p in sorted(SCENARIOS.glob("*.yaml")) if isinstance(load_scenario(p), Scenario)]


def _reported(scenario: Scenario) -> list[str]:
    return list(replication_kpis(run_replication(scenario, 1), scenario.warmup))


def test_every_site_seed_scenario_is_covered() -> None:
    assert set(SITE_SEEDS) >= {"xinhua-drill", "taoyuan-north-west", "qingshan-road-2"}


@pytest.mark.parametrize("name", SITE_SEEDS)
def test_predicted_names_equal_reported_names_for_each_seed(name: str) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    predicted = kpi_names(scenario)
    assert len(predicted) == len(set(predicted))
    assert set(predicted) == set(_reported(scenario))


@pytest.mark.parametrize(
    "changes",
    [
        {"staff": None, "samples": None, "recall": None, "doorstep": None, "site.entry_check": None},
        {"recall": None},
        {"doorstep": None},
    ],
)
def test_parts_switched_off_drop_their_names(changes: dict[str, object]) -> None:
    scenario = variant(load_scenario(SCENARIOS / "xinhua-drill.yaml"), changes)
    assert set(kpi_names(scenario)) == set(_reported(scenario))


def test_several_sites_add_per_site_names() -> None:
    text = """\
name: two sites
clock: {open: "08:00", duration: 1h}
arrivals:
  callup: {interval: 5min, buildings: [{name: A, residents: 20}, {name: B, residents: 20}]}
site: {sampling: {stations: 1, swab: 30s}}
community:
  sites:
    east: {sampling: {stations: 2, swab: 30s}}
  courtyards:
    - {name: A, gates: [{name: a-gate}, {name: a-back}]}
    - {name: B, site: east}
"""
    scenario = scenario_from_text(text)
    predicted = kpi_names(scenario)
    assert "site.east.wait.total.p95_min" in predicted and "checkpoint.a-back.queue.peak" in predicted
    assert set(predicted) == set(_reported(scenario))


def test_unknown_target_is_a_finding_at_its_position_with_the_nearest_name() -> None:
    scenario = variant(load_scenario(SCENARIOS / "xinhua-drill.yaml"),
                       {"targets": ["wait.total.p95_min<=30", "wait.totl.p95_min<=20"]})  # fmt: skip
    [finding] = unknown_targets(scenario)
    assert finding.path == ("targets", 1)
    assert "unknown KPI 'wait.totl.p95_min'; did you mean 'wait.total.p95_min'?" in finding.message
