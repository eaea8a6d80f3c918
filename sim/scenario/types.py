"""Pydantic field types that carry units: durations, rates, clock times, shares, counts.

Numbers are strict: a count is a whole number and a share a number, never `true` or the text
`"5"` (pydantic would quietly read those as 1 and 5). Every number has a bound, so a scenario that
validates cannot ask for an infinite or absurd amount of work (scenarios/README.md, "Limits").
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, PlainSerializer, Strict, WithJsonSchema
from pydantic import BaseModel as _PydanticModel

from .units import (
    CLOCK_HELP,
    DURATION_HELP,
    RATE_HELP,
    format_duration,
    format_rate,
    parse_clock,
    parse_duration,
    parse_rate,
)

MAX_COUNT = 10_000_000  # residents of a building, households, places: more is a typo, not a plan
MAX_SEED = 2**63 - 1
MAX_REPLICATIONS = 100_000
MAX_DURATION_S = 7 * 86400.0  # no stage of a testing round lasts longer than a week
MAX_RATE_PER_H = 10_000_000.0  # arrivals, gate traffic, lab capacity


KeyPath = tuple[str | int, ...]  # keys and list positions from a mapping down to one value: ("staff", "sampler")


class Model(_PydanticModel):
    """Every scenario part: immutable, and misspelt keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckError(ValueError):
    """A cross-check of a model validator that failed, with the key path it is about.

    `path` is relative to the model whose validator raises it (("hard_stop",) from the clock;
    ("staff", "registrar") from the scenario). Pydantic keeps the exception in the error's
    ``ctx["error"]``, so the loader locates the message at that key without reading it; the message
    is in the planner's words and need not name the key.
    """

    def __init__(self, path: KeyPath, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _short_duration(seconds: float) -> float:
    if seconds > MAX_DURATION_S:
        limit = f"{MAX_DURATION_S / 86400:g} days"
        raise ValueError(f"{seconds / 3600:.6g}h is longer than the limit of {limit} for a duration")
    return seconds


def _modest_rate(per_second: float) -> float:
    if per_second * 3600 > MAX_RATE_PER_H:
        raise ValueError(f"{per_second * 3600:.6g}/h is above the limit of {MAX_RATE_PER_H:,.0f}/h for a rate")
    return per_second


def _quoted_hint(text: str) -> str:
    stripped = text.strip().lstrip("+-")
    return " (write it without quotes)" if stripped.replace(".", "", 1).isdigit() else ""


def whole_number(value: object) -> object:
    """Refuse what pydantic would coerce into a count: true/false, text, 2.5, inf (2.0 is taken as 2)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, not {str(value).lower()}")
    if isinstance(value, str):
        raise ValueError(f"expected a whole number, not the text {value!r}{_quoted_hint(value)}")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"expected a whole number, not {value:g}")
        return int(value)
    return value


def real_number(value: object) -> object:
    """Refuse what pydantic would coerce into a number: true/false and text; and inf or nan."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, not {str(value).lower()}")
    if isinstance(value, str):
        raise ValueError(f"expected a number, not the text {value!r}{_quoted_hint(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"expected a finite number, not {value:g}")
    return value


def _clock_text(seconds: float) -> str:
    whole = int(round(seconds))
    text = f"{whole // 3600:02d}:{whole % 3600 // 60:02d}"
    return text + (f":{whole % 60:02d}" if whole % 60 else "")


# Serialisers write values back in the planner's units, so a dumped scenario loads again.
_AS_SECONDS = PlainSerializer(format_duration, return_type=str, when_used="json")
_AS_PER_HOUR = PlainSerializer(format_rate, return_type=str, when_used="json")
_AS_CLOCK = PlainSerializer(_clock_text, return_type=str, when_used="json")

_DURATION_SCHEMA = WithJsonSchema(
    {
        "type": "string",
        "description": DURATION_HELP,  # compound durations ('1h30min') too, as parse_duration reads them
        "pattern": r"^(\s*[0-9]*\.?[0-9]+\s*(s|sec|seconds?|m|min|minutes?|h|hr|hours?|d|days?))+\s*$",
    }  # fmt: skip
)
Duration = Annotated[
    float, BeforeValidator(parse_duration), AfterValidator(_non_negative), AfterValidator(_short_duration),
    _DURATION_SCHEMA, _AS_SECONDS,
]  # fmt: skip
PositiveDuration = Annotated[
    float, BeforeValidator(parse_duration), AfterValidator(_positive), AfterValidator(_short_duration),
    _DURATION_SCHEMA, _AS_SECONDS,
]  # fmt: skip
Rate = Annotated[
    float,
    BeforeValidator(parse_rate),
    AfterValidator(_non_negative),
    AfterValidator(_modest_rate),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9.]+\s*/\s*[0-9.]*\s*[a-z]+$",
                    "description": RATE_HELP}),
    _AS_PER_HOUR,
]  # fmt: skip
Clock = Annotated[
    float,
    BeforeValidator(parse_clock),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$", "description": CLOCK_HELP}),
    _AS_CLOCK,
]
Share = Annotated[float, BeforeValidator(real_number), Field(ge=0.0, le=1.0)]
Real = Annotated[float, BeforeValidator(real_number), Field(allow_inf_nan=False)]  # give its bounds at the field
Count = Annotated[int, BeforeValidator(whole_number), Field(ge=0, le=MAX_COUNT)]
PositiveCount = Annotated[int, BeforeValidator(whole_number), Field(ge=1, le=MAX_COUNT)]
Seed = Annotated[int, BeforeValidator(whole_number), Field(ge=0, le=MAX_SEED)]
Replications = Annotated[int, BeforeValidator(whole_number), Field(ge=1, le=MAX_REPLICATIONS)]
Flag = Annotated[bool, Strict()]  # true or false, not 1 or "yes"
