"""Units of the planner's language: durations, rates and clock times.

Internally every time is in seconds (clock times: seconds since midnight) and every
rate in events per second; the conversion happens here and nowhere else.
"""

from __future__ import annotations

import math
import re

SECONDS = {
    "s": 1.0, "sec": 1.0, "second": 1.0, "seconds": 1.0,
    "min": 60.0, "m": 60.0, "minute": 60.0, "minutes": 60.0,
    "h": 3600.0, "hr": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "d": 86400.0, "day": 86400.0, "days": 86400.0,
}  # fmt: skip

_NUMBER = r"[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"
_PART = re.compile(rf"\s*({_NUMBER})\s*([a-zA-Z]+)")
_DURATION = re.compile(rf"^(?:{_PART.pattern})+\s*$")
_RATE = re.compile(rf"^\s*({_NUMBER})\s*/\s*({_NUMBER})?\s*([a-zA-Z]+)\s*$")
_CLOCK = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*$")

DURATION_HELP = "a duration with a unit, e.g. '15s', '2min', '1.5h', '1h30min'"
RATE_HELP = "a rate with a unit, e.g. '500/h', '8/min'"
CLOCK_HELP = "a clock time 'HH:MM', e.g. '07:30'"


def _unit(name: str) -> float:
    try:
        return SECONDS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown time unit {name!r}; use one of s, min, h, d") from None


def parse_duration(value: object) -> float:
    """'15s' → 15.0, '2h' → 7200.0; a bare 0 is allowed, other bare numbers are not."""
    if isinstance(value, bool):
        raise ValueError(f"expected {DURATION_HELP}")
    if isinstance(value, (int, float)):
        if value == 0:
            return 0.0
        raise ValueError(f"{value} has no unit; write {DURATION_HELP}")
    if not isinstance(value, str):
        raise ValueError(f"expected {DURATION_HELP}")
    if not _DURATION.match(value):
        if re.fullmatch(rf"\s*{_NUMBER}\s*", value):
            raise ValueError(f"{value!r} has no unit; write {DURATION_HELP}")
        if value.strip().startswith("-"):
            raise ValueError(f"{value!r} is negative; write {DURATION_HELP}")
        raise ValueError(f"{value!r} is not {DURATION_HELP}")
    seconds = sum(float(number) * _unit(unit) for number, unit in _PART.findall(value))
    if not math.isfinite(seconds):
        raise ValueError(f"{value!r} is too large")
    return seconds


def parse_rate(value: object) -> float:
    """'500/h' → events per second; '3/2h' is allowed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0:
        return 0.0
    if not isinstance(value, str):
        raise ValueError(f"expected {RATE_HELP}")
    match = _RATE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not {RATE_HELP}")
    per = float(match.group(2) or 1.0) * _unit(match.group(3))
    if per == 0:
        raise ValueError(f"{value!r} is per zero time; write e.g. '500/h'")
    rate = float(match.group(1)) / per
    if not math.isfinite(rate):
        raise ValueError(f"{value!r} is too large")
    return rate


def parse_clock(value: object) -> float:
    """'07:30' → seconds since midnight; '24:00' is allowed, '25:00' is not."""
    if not isinstance(value, str):
        raise ValueError(f"expected {CLOCK_HELP} (quote it)")
    match = _CLOCK.match(value)
    if not match:
        raise ValueError(f"{value!r} is not {CLOCK_HELP}")
    hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if minutes > 59 or seconds > 59 or hours * 3600 + minutes * 60 + seconds > 48 * 3600:
        raise ValueError(f"{value!r} is not a valid clock time")
    return hours * 3600.0 + minutes * 60.0 + seconds


def format_clock(seconds: float) -> str:
    """Seconds since midnight → 'HH:MM' (hours past 24 are kept, e.g. '25:10')."""
    minutes = int(round(seconds / 60.0))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_duration(seconds: float) -> str:
    """Seconds → a short form that parses back to the same number: '45s', '12min', '4h'."""
    if seconds and seconds % 3600 == 0:
        return f"{seconds / 3600:.15g}h"
    if seconds and seconds % 60 == 0:
        return f"{seconds / 60:.15g}min"
    return f"{seconds:.17g}s"


def format_rate(per_second: float) -> str:
    """Events per second → '500/h', '1600000/d' (the unit that makes a whole number), parsing back exactly."""
    for unit, seconds in (("s", 1.0), ("min", 60.0), ("h", 3600.0), ("d", 86400.0)):
        count = per_second * seconds
        if count >= 1 and abs(count - round(count)) <= 1e-9 * count:
            return f"{round(count)}/{unit}"
    return f"{per_second * 3600:.17g}/h"
