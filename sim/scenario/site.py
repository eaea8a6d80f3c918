"""The sampling site (采样点) and its parts: entry check, waiting zone, stations, isolation, buffer.

The scenario's `site:`, a community's further `sites:` and a city round's templates are all Sites.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .distributions import Dist, Uniform
from .types import CheckError, Model, PositiveCount, Share

MAX_STATIONS = 1_000  # stations, entry lanes: a site is a few dozen at most


class EntryCheck(Model):
    """Temperature and health-code check at the entrance."""

    lanes: PositiveCount = Field(1, le=MAX_STATIONS)
    time: Dist
    abnormal: Share = Field(0.0, description="share found with fever or a yellow/red code")


class Retry(Model):
    """People turned away at a full waiting zone who come back later."""

    share: Share = 1.0
    after: Dist = Uniform(dist="uniform", low="20min", high="60min")
    max_tries: PositiveCount = Field(1, le=100)


class Waiting(Model):
    """The waiting zone (等候区); capacity counts people waiting, not those at stations."""

    capacity: PositiveCount | None = None
    when_full: Literal["queue_outside", "turn_away"] = "queue_outside"
    retry: Retry | None = None

    @model_validator(mode="after")
    def _retry_needs_turn_away(self) -> Waiting:
        if self.retry is not None and self.when_full != "turn_away":
            raise CheckError(("retry",), "retry applies only with when_full: turn_away")
        return self


class Sampling(Model):
    """Sampling stations (采样区): one registrar and one sampler each."""

    stations: PositiveCount = Field(le=MAX_STATIONS)
    registration: Dist | None = None
    swab: Dist


class Isolation(Model):
    """Temporary isolation zone (临时隔离区) for people found abnormal."""

    capacity: PositiveCount
    stay: Dist


class Buffer(Model):
    """Staff-only buffer zone (缓冲区) where samplers change protective equipment."""

    capacity: PositiveCount


class Site(Model):
    entry_check: EntryCheck | None = None
    waiting: Waiting = Waiting()
    sampling: Sampling
    isolation: Isolation | None = None
    buffer: Buffer | None = None

    @model_validator(mode="after")
    def _isolation_for_abnormal(self) -> Site:
        if self.entry_check and self.entry_check.abnormal > 0 and self.isolation is None:
            raise CheckError(("entry_check", "abnormal"), "entry_check.abnormal > 0 needs a site.isolation zone")
        return self
