"""The docs show the project as it is: the starter scenario in scenarios/README.md is valid and runs."""

from __future__ import annotations

import re
from pathlib import Path

from sim import scenario_from_text
from sim.experiment import run

README = Path(__file__).parent.parent / "scenarios" / "README.md"


def test_the_starter_scenario_is_valid_and_runs() -> None:
    text = README.read_text(encoding="utf-8")
    first = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert first is not None and text.index("Start here") < first.start()
    scenario = scenario_from_text(first.group(1), "scenarios/README.md (starter)")
    assert scenario.community is not None and scenario.staff is not None and scenario.targets
    summary = run(scenario, 2).summary()
    assert summary["kpis"]["people.sampled"]["mean"] > 900
    assert {aim["target"] for aim in summary["verdict"]["aims"]} >= {"people.unswabbed<=0", *scenario.targets}
