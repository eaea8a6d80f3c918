"""One random stream per stochastic activity, derived from (seed, replication, activity).

Streams are keyed by the activity's name, not by position, so adding an activity later or
changing a scenario's structure leaves every other stream as it was: variants of a scenario
share streams (common random numbers) and their differences are not noise.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, replication: int, activity: str, site: int | None = None) -> np.random.Generator:
    """The generator of one activity in replication 1, 2, ... (of one site of a city, if given).

    Replications are numbered from 1 wherever a user sees them; the stream key counts from 0.
    """
    if replication < 1:
        raise ValueError(f"replications are numbered from 1, not {replication}")
    key = (replication - 1,) + (() if site is None else (site,)) + (zlib.crc32(activity.encode("utf-8")),)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


class Streams:
    """Lazily created per-activity streams of one replication."""

    def __init__(self, seed: int, replication: int, site: int | None = None):
        if replication < 1:
            raise ValueError(f"replications are numbered from 1, not {replication}")
        self.seed = seed
        self.replication = replication
        self.site = site
        self._cache: dict[str, np.random.Generator] = {}

    def __getitem__(self, activity: str) -> np.random.Generator:
        if activity not in self._cache:
            self._cache[activity] = stream(self.seed, self.replication, activity, self.site)
        return self._cache[activity]


class SiteStreams(Streams):
    """The streams of one further site of a community (community.sites): "site.<name>.<activity>".

    The main site keeps the plain activity names, so adding a site changes none of its draws.
    """

    def __init__(self, streams: Streams, name: str):
        super().__init__(streams.seed, streams.replication, streams.site)
        self.prefix = f"site.{name}."

    def __getitem__(self, activity: str) -> np.random.Generator:
        return super().__getitem__(self.prefix + activity)
