"""Units of the planner's language: durations, rates and clock times, and their error messages."""

from __future__ import annotations

import math

import pytest

from sim.errors import ScenarioError
from sim.scenario import scenario_from_text
from sim.scenario.units import format_clock, format_duration, format_rate, parse_clock, parse_duration, parse_rate


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("15s", 15.0),
        ("15 s", 15.0),
        ("2min", 120.0),
        ("2m", 120.0),
        ("1.5h", 5400.0),
        ("2h", 7200.0),
        ("1d", 86400.0),
        ("1h30min", 5400.0),
        ("1h 30min 15s", 5415.0),
        ("5h30min", 19800.0),
        (".5min", 30.0),
        ("2 hours", 7200.0),
        ("3 Minutes", 180.0),
        (0, 0.0),
        (0.0, 0.0),
    ],
)
def test_durations_become_seconds(text: object, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("15", "'15' has no unit; write a duration with a unit"),  # a bare number in a string
        (15, "has no unit"),  # YAML's bare 15
        ("15 parsecs", "unknown time unit 'parsecs'; use one of s, min, h, d"),
        ("15sx", "unknown time unit 'sx'"),
        ("-5s", "is negative"),
        ("s15", "is not a duration"),
        ("", "is not a duration"),
        ("1h30", "is not a duration"),
        ("1e999s", "too large"),
        (True, "expected a duration"),
        (None, "expected a duration"),
        ([1, "s"], "expected a duration"),
    ],
)
def test_bad_durations_say_what_a_duration_looks_like(text: object, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("text", "per_hour"),
    [
        ("500/h", 500.0),
        ("500 / h", 500.0),
        ("8/min", 480.0),
        ("3/2h", 1.5),
        ("1/30min", 2.0),
        ("0.5/s", 1800.0),
        ("1200/day", 50.0),
        (0, 0.0),
    ],
)
def test_rates_become_events_per_second(text: object, per_hour: float) -> None:
    assert parse_rate(text) * 3600 == pytest.approx(per_hour)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("500", "is not a rate"),
        (500, "expected a rate"),
        ("500/parsec", "unknown time unit 'parsec'"),
        ("500 per h", "is not a rate"),
        ("5/0h", "per zero time"),
        ("/h", "is not a rate"),
        ("-5/h", "is not a rate"),
    ],
)
def test_bad_rates_are_refused_with_the_expected_form(text: object, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_rate(text)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("07:30", 27000.0),
        ("7:30", 27000.0),
        ("00:00", 0.0),
        ("23:59:30", 86370.0),
        ("24:00", 86400.0),
        ("25:10", 90600.0),
    ],
)
def test_clock_times_are_seconds_since_midnight(text: str, seconds: float) -> None:
    assert parse_clock(text) == seconds


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (450, "quote it"),  # what YAML 1.1 makes of an unquoted 07:30 without the loader's care
        ("7.30", "is not a clock time"),
        ("8am", "is not a clock time"),
        ("07:60", "not a valid clock time"),
        ("49:00", "not a valid clock time"),
        ("07:30:75", "not a valid clock time"),
    ],
)
def test_bad_clock_times_are_refused(value: object, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_clock(value)
    assert fragment in str(info.value)


def test_format_functions_parse_back() -> None:
    for seconds in (45.0, 720.0, 14400.0, 5400.0, 0.5):
        assert parse_duration(format_duration(seconds)) == pytest.approx(seconds)
    assert format_clock(27000.0) == "07:30"
    assert format_clock(90600.0) == "25:10"
    assert parse_clock(format_clock(30600.0)) == 30600.0


MINIMAL = """\
name: units
clock: {{open: {open}, duration: {duration}}}
arrivals: {{rate: {rate}}}
site:
  sampling: {{stations: 2, swab: {swab}}}
"""


def _load(**parts: str) -> object:
    values = {"open": '"08:00"', "duration": "4h", "rate": "100/h", "swab": "30s"} | parts
    return scenario_from_text(MINIMAL.format(**values), "units.yaml")


@pytest.mark.parametrize("clock", ["07:30", '"07:30"', "'07:30'", "7:30"])
def test_unquoted_yaml_clock_is_a_time_not_a_sexagesimal_number(clock: str) -> None:
    scenario = _load(open=clock)
    assert scenario.clock.open == 27000.0  # 7.5 h, not 450 s or 450 anything


def test_unquoted_hms_clock_and_compound_durations_load() -> None:
    scenario = _load(open="07:30:15", duration="1h30min", rate="3/2h", swab="1min 5s")
    assert scenario.clock.open == 27015.0
    assert scenario.clock.duration == 5400.0
    assert scenario.arrivals.rate == pytest.approx(1.5 / 3600)
    assert scenario.site.sampling.swab.value == 65.0


def test_a_duration_written_like_a_clock_is_refused_not_read_as_a_number() -> None:
    with pytest.raises(ScenarioError) as info:
        _load(duration="1:30")
    assert str(info.value) == "units.yaml:2: clock.duration: '1:30' is not " + (
        "a duration with a unit, e.g. '15s', '2min', '1.5h', '1h30min'"
    )


@pytest.mark.parametrize(
    ("part", "path", "fragment"),
    [
        ({"rate": "100/week"}, "arrivals.rate", "unknown time unit 'week'; use one of s, min, h, d"),
        ({"rate": "100"}, "arrivals.rate", "expected a rate with a unit, e.g. '500/h'"),
        ({"rate": '"100"'}, "arrivals.rate", "'100' is not a rate with a unit, e.g. '500/h'"),
        ({"duration": "4"}, "clock.duration", "4 has no unit; write a duration with a unit, e.g. '15s', '2min'"),
        ({"duration": '"4"'}, "clock.duration", "'4' has no unit"),
        ({"duration": "4 hrs"}, "clock.duration", "unknown time unit 'hrs'"),
        ({"duration": "0s"}, "clock.duration", "must be greater than 0"),
        ({"swab": "30"}, "site.sampling.swab", "30 has no unit"),
        ({"open": "8am"}, "clock.open", "is not a clock time 'HH:MM'"),
        ({"open": "8"}, "clock.open", "expected a clock time 'HH:MM', e.g. '07:30' (quote it)"),
    ],
)
def test_unit_errors_in_a_scenario_are_located(part: dict[str, str], path: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as info:
        _load(**part)
    [problem] = info.value.problems
    assert problem.source == "units.yaml"
    assert problem.path == path
    assert problem.line in (2, 3, 5)
    assert fragment in problem.message


def test_internal_values_are_seconds_and_per_second() -> None:
    scenario = _load()
    assert scenario.clock.close == 8 * 3600 + 4 * 3600
    assert math.isclose(scenario.arrivals.rate, 100 / 3600)


@pytest.mark.parametrize("text", ["500/h", "1600000/d", "8/min", "237.4375/h", "3/2h", "0.3/s", "1/3h"])
def test_rates_are_written_back_exactly(text: str) -> None:
    assert parse_rate(format_rate(parse_rate(text))) == parse_rate(text)


@pytest.mark.parametrize("seconds", [15.0, 90.0, 7200.0, 1234.56789, 1.0 / 3.0])
def test_durations_are_written_back_exactly(seconds: float) -> None:
    assert parse_duration(format_duration(seconds)) == seconds
