"""The tube (采样管), in one place: pooling swabs into tubes (混采), numbering them and sealing them.

Each station fills its own tubes of N swabs, in swab order. A tube is sealed when it is full or, for the
last part-filled tube of a station, when the site has finished swabbing (the later of closing time and the
last swab). A household of a sealed compound (封闭小区) fills a tube of its own at its station, sealed with
its last member's swab (``pool_site``). The sample chain and the city round both take these tubes as they are.
"""

from __future__ import annotations

import numpy as np

from .records import Tubes


def pool_tubes(station: np.ndarray, swab_end: np.ndarray, size: int, site_close_s: float) -> Tubes:
    """Tubes from the swabs of one replication (only rows with a swab)."""
    tube_of = tube_members(station, swab_end, size)
    done = tube_of >= 0
    n_tubes = int(tube_of.max()) + 1 if done.any() else 0
    tube_station, swabs, first, last = _fill(tube_of[done], station[done], swab_end[done], n_tubes)
    finish = max(site_close_s, float(last.max())) if n_tubes else site_close_s
    closed = np.where(swabs == size, last, finish)
    return Tubes(station=tube_station, swabs=swabs, first_swab=first, closed=closed)


def _fill(tube_of: np.ndarray, station: np.ndarray, swab_end: np.ndarray, n_tubes: int
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Per tube: its station, swab count, first and last swab, from each swab's tube number."""
    swabs = np.bincount(tube_of, minlength=n_tubes)
    first = np.full(n_tubes, np.inf)
    last = np.full(n_tubes, -np.inf)
    np.minimum.at(first, tube_of, swab_end)
    np.maximum.at(last, tube_of, swab_end)
    tube_station = np.zeros(n_tubes, dtype=np.int32)
    tube_station[tube_of] = station
    return tube_station, swabs, first, last


def pool_site(station: np.ndarray, swab_end: np.ndarray, household: np.ndarray, size: int, close_s: float
              ) -> tuple[Tubes, np.ndarray]:  # fmt: skip
    """The site's tubes and each person's tube (-1: not swabbed), households of sealed compounds apart.

    `close_s`: when admissions stopped; part-filled tubes are sealed at the later of it and the last swab.

    People in no household (-1) are pooled N-in-1 per station by ``pool_tubes``, numbered first,
    exactly as without households; then one tube per household with a swab, in household order,
    filled at its station and closed with its last member's swab.
    """
    swabbed = ~np.isnan(swab_end)
    finish = max(close_s, float(swab_end[swabbed].max())) if swabbed.any() else close_s
    in_home = household >= 0
    pooled_end = np.where(in_home, np.nan, swab_end)
    pooled = pool_tubes(station, pooled_end, size, finish)
    tube_of = tube_members(station, pooled_end, size)
    homes = np.flatnonzero(in_home & swabbed)
    if not len(homes):
        return pooled, tube_of
    ids, rank = np.unique(household[homes], return_inverse=True)
    tube_of[homes] = len(pooled) + rank
    home_station, swabs, first, last = _fill(rank, station[homes], swab_end[homes], len(ids))
    tubes = Tubes(
        station=np.r_[pooled.station, home_station].astype(np.int32), swabs=np.r_[pooled.swabs, swabs],
        first_swab=np.r_[pooled.first_swab, first], closed=np.r_[pooled.closed, last],
        household=np.r_[np.full(len(pooled), -1, dtype=np.int64), ids],
    )  # fmt: skip
    return tubes, tube_of


def tube_members(station: np.ndarray, swab_end: np.ndarray, size: int) -> np.ndarray:
    """Each person's tube index as numbered by pool_tubes (-1: not swabbed)."""
    out = np.full(len(swab_end), -1, dtype=np.int64)
    done = np.flatnonzero(~np.isnan(swab_end))
    order = done[np.lexsort((swab_end[done], station[done]))]
    st = station[order]
    starts = np.r_[0, np.flatnonzero(np.diff(st)) + 1] if len(st) else np.empty(0, dtype=int)
    counts = np.diff(np.r_[starts, len(st)])
    position = np.arange(len(st)) - np.repeat(starts, counts)
    out[order] = np.repeat(np.cumsum(np.r_[0, (counts + size - 1) // size])[:-1], counts) + position // size
    return out
