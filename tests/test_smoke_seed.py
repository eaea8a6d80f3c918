"""Every seed scenario loads and one replication runs with people accounted for."""

from pathlib import Path

import pytest

from sim import load_scenario, run_replication
from sim.measure.kpis import replication_kpis

SEEDS = [p for p in sorted(Path(__file__).parent.parent.joinpath("scenarios").glob("*.yaml"))
         if "kind: city" not in p.read_text(encoding="utf-8")]  # fmt: skip


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_scenario_runs_and_conserves_people(path: Path) -> None:
    scenario = load_scenario(path)
    kpis = replication_kpis(run_replication(scenario, 1), scenario.warmup)
    accounted = kpis["people.sampled"] + kpis["people.isolated"] + kpis["people.turned_away"] + kpis["people.unserved"]
    assert kpis["people.arrived"] > 1000
    assert accounted == kpis["people.arrived"]
