"""The distribution family of the scenario language, each able to draw seconds.

``{dist: exponential, mean: 36s}``; a bare duration (``15s``) means ``fixed``.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BeforeValidator, Field, model_validator

from .types import Duration, Model, PositiveDuration


class _Dist(Model):
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n independent draws in seconds."""
        raise NotImplementedError

    @property
    def mean_s(self) -> float:
        raise NotImplementedError


class Fixed(_Dist):
    dist: Literal["fixed"] = "fixed"
    value: Duration

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    @property
    def mean_s(self) -> float:
        return self.value


class Exponential(_Dist):
    dist: Literal["exponential"]
    mean: PositiveDuration

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean, n)

    @property
    def mean_s(self) -> float:
        return self.mean


class Uniform(_Dist):
    dist: Literal["uniform"]
    low: Duration
    high: Duration

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    @property
    def mean_s(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
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
    mean: PositiveDuration
    cv: float = Field(gt=0.0, le=10.0, description="coefficient of variation (std / mean)")


class Lognormal(_MeanCv):
    dist: Literal["lognormal"]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        return rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), n)

    @property
    def mean_s(self) -> float:
        return self.mean


class Gamma(_MeanCv):
    dist: Literal["gamma"]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(1.0 / self.cv**2, self.mean * self.cv**2, n)

    @property
    def mean_s(self) -> float:
        return self.mean


class Empirical(_Dist):
    dist: Literal["empirical"]
    values: list[Duration] = Field(min_length=1)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), n)

    @property
    def mean_s(self) -> float:
        return float(np.mean(self.values))


DIST_NAMES = ("fixed", "exponential", "uniform", "triangular", "lognormal", "gamma", "empirical")


def _bare_duration_is_fixed(value: object) -> object:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


Dist = Annotated[
    Fixed | Exponential | Uniform | Triangular | Lognormal | Gamma | Empirical,
    Field(discriminator="dist"),
    BeforeValidator(_bare_duration_is_fixed),
]
