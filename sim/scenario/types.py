"""Pydantic field types that carry units: durations, rates, clock times, shares."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema
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


class Model(_PydanticModel):
    """Every scenario part: immutable, and misspelt keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError("must be greater than 0")
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
    float, BeforeValidator(parse_duration), AfterValidator(_non_negative), _DURATION_SCHEMA, _AS_SECONDS
]
PositiveDuration = Annotated[
    float, BeforeValidator(parse_duration), AfterValidator(_positive), _DURATION_SCHEMA, _AS_SECONDS
]
Rate = Annotated[
    float,
    BeforeValidator(parse_rate),
    AfterValidator(_non_negative),
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
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Count = Annotated[int, Field(ge=0)]
PositiveCount = Annotated[int, Field(ge=1)]
