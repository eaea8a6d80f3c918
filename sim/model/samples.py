"""Pooling swabs into tubes (混采): each station fills its own tube of N swabs.

A tube closes when it is full or, for the last partial tube of a station, when the site
closes (the later of closing time and the last swab). Tubes follow from the swab records.
"""

from __future__ import annotations

import numpy as np

from .records import Tubes


def pool_tubes(station: np.ndarray, swab_end: np.ndarray, size: int, site_close_s: float) -> Tubes:
    """Tubes from the swabs of one replication (only rows with a swab)."""
    done = ~np.isnan(swab_end)
    station, swab_end = station[done], swab_end[done]
    order = np.lexsort((swab_end, station))
    station, swab_end = station[order], swab_end[order]
    # position of each swab within its station's sequence
    starts = np.r_[0, np.flatnonzero(np.diff(station)) + 1] if len(station) else np.empty(0, dtype=int)
    counts = np.diff(np.r_[starts, len(station)])
    position = np.arange(len(station)) - np.repeat(starts, counts)
    tube_of = np.repeat(np.cumsum(np.r_[0, (counts + size - 1) // size])[:-1], counts) + position // size
    n_tubes = int(tube_of[-1]) + 1 if len(tube_of) else 0
    swabs = np.bincount(tube_of, minlength=n_tubes)
    first = np.full(n_tubes, np.inf)
    last = np.full(n_tubes, -np.inf)
    np.minimum.at(first, tube_of, swab_end)
    np.maximum.at(last, tube_of, swab_end)
    tube_station = np.zeros(n_tubes, dtype=np.int32)
    tube_station[tube_of] = station
    finish = max(site_close_s, float(swab_end.max())) if len(swab_end) else site_close_s
    closed = np.where(swabs == size, last, finish)
    return Tubes(station=tube_station, swabs=swabs, first_swab=first, closed=closed)
