"""The planner's language: scenario schema, units, distributions, loading; and a drill's own records read
(drill_records: the input of arrivals.trace, drill fit and drill compare). No simpy here."""

from .distributions import Dist
from .loader import load_scenario, scenario_from_data, scenario_from_text
from .schema import Scenario, parse_target
from .units import format_clock, parse_clock, parse_duration, parse_rate

__all__ = [
    "Dist", "Scenario", "format_clock", "load_scenario", "parse_clock", "parse_duration",
    "parse_rate", "parse_target", "scenario_from_data", "scenario_from_text",
]  # fmt: skip
