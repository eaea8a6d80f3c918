"""Discrete-event simulator for community nucleic-acid mass-testing drills."""

from .errors import DrillError, OptionError, ScenarioError
from .experiment import RunResult, make_executor, run
from .model.build import run_replication
from .scenario import Scenario, load_scenario, scenario_from_data, scenario_from_text

__all__ = [
    "DrillError", "OptionError", "RunResult", "Scenario", "ScenarioError", "load_scenario", "make_executor",
    "run", "run_replication", "scenario_from_data", "scenario_from_text",
]  # fmt: skip
