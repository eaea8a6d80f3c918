"""Discrete-event simulator for community nucleic-acid mass-testing drills."""

from .errors import DrillError, OptionError, ScenarioError
from .experiment import RunResult, open_executor, plan_variant, run
from .experiment.plan import variant
from .model.build import run_replication
from .scenario import Scenario, load_scenario, scenario_from_data, scenario_from_text

__all__ = [
    "DrillError", "OptionError", "RunResult", "Scenario", "ScenarioError", "load_scenario", "open_executor", "plan_variant",
    "run", "run_replication", "scenario_from_data", "scenario_from_text", "api", "variant",
]  # fmt: skip


def __getattr__(name: str) -> object:
    """`sim.api` (the notebook API, pandas tables) is imported on first use, keeping `drill` quick to start."""
    if name == "api":
        import importlib

        return importlib.import_module(".api", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
