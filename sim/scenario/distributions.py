"""The distribution family of the scenario language, each able to draw seconds.

``{dist: exponential, mean: 36s}``; a bare duration (``15s``) means ``fixed``.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BeforeValidator, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from .types import _DURATION_SCHEMA as DURATION_JSON_SCHEMA
from .types import CheckError, Duration, Model, PositiveDuration, Real


class _Dist(Model):
    """A distribution of durations: draws in seconds and knows its mean."""

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n independent draws in seconds."""
        raise NotImplementedError

    @property
    def mean_s(self) -> float:
        """The mean in seconds (for the queueing sanity check)."""
        raise NotImplementedError


class Fixed(_Dist):
    """Always `value`; a bare duration (`15s`) means this."""

    dist: Literal["fixed"] = "fixed"
    value: Duration

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    @property
    def mean_s(self) -> float:
        return self.value


class Exponential(_Dist):
    """Exponential with `mean` (cv 1): memoryless service, as in M/M/c."""

    dist: Literal["exponential"]
    mean: PositiveDuration

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean, n)

    @property
    def mean_s(self) -> float:
        return self.mean


class Uniform(_Dist):
    """Uniform between `low` and `high`."""

    dist: Literal["uniform"]
    low: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise CheckError(("high",), "high must be at least low")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    @property
    def mean_s(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
    """Triangular on `low`..`high` with its peak at `mode`: a planner's min / likely / max."""

    dist: Literal["triangular"]
    low: Duration
    mode: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError("need low <= mode <= high and low < high")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, n)

    @property
    def mean_s(self) -> float:
        return (self.low + self.mode + self.high) / 3


class _MeanCv(_Dist):
    """Families given by mean and coefficient of variation, the two numbers a stopwatch study yields."""

    mean: PositiveDuration
    cv: Real = Field(gt=0.0, le=10.0, description="coefficient of variation (std / mean)")


class Lognormal(_MeanCv):
    """Lognormal with the given mean and cv (right-skewed: a few slow registrations)."""

    dist: Literal["lognormal"]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        return rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), n)

    @property
    def mean_s(self) -> float:
        return self.mean


class Gamma(_MeanCv):
    """Gamma with the given mean and cv (shape 1/cv², scale mean·cv²)."""

    dist: Literal["gamma"]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(1.0 / self.cv**2, self.mean * self.cv**2, n)

    @property
    def mean_s(self) -> float:
        return self.mean


class Empirical(_Dist):
    """One of the observed `values`, each equally likely (repeat a value to weight it)."""

    dist: Literal["empirical"]
    values: list[Duration] = Field(min_length=1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), n)

    @property
    def mean_s(self) -> float:
        return float(np.mean(self.values))


DIST_NAMES = ("fixed", "exponential", "uniform", "triangular", "lognormal", "gamma", "empirical")


def _bare_duration_is_fixed(value: object) -> object:
    """`swab: 30s` is short for `swab: {dist: fixed, value: 30s}`."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


class _BareDurationInSchema:
    """Let the JSON Schema accept a bare duration ('15s') where a distribution goes, as the loader does."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"anyOf": [dict(DURATION_JSON_SCHEMA.json_schema or {}), handler(core)]}


Dist = Annotated[
    Fixed | Exponential | Uniform | Triangular | Lognormal | Gamma | Empirical,
    Field(discriminator="dist"),
    BeforeValidator(_bare_duration_is_fixed),
    _BareDurationInSchema,
]
