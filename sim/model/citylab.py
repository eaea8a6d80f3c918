"""Tubes from many sites to shared labs: scheduled courier pickups and a lab backlog.

At city scale tubes are counted per minute, not followed one by one: a lab works through
its backlog first come first served at its capacity (a fluid queue with one-minute steps),
so memory stays bounded by the horizon, not by the number of tubes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.distributions import Dist


def pickups(closed_s: np.ndarray, open_s: float, every_s: float) -> np.ndarray:
    """The scheduled collection (open + k·every, k ≥ 1) that takes each closed tube."""
    k = np.maximum(np.ceil((closed_s - open_s) / every_s), 1.0)
    return open_s + k * every_s


def deliveries(closed_s: np.ndarray, open_s: float, every_s: float, travel: Dist,
               rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """Arrival time at the lab of each tube: its pickup plus that trip's travel time."""
    pickup = pickups(closed_s, open_s, every_s)
    trips, trip_of = np.unique(pickup, return_inverse=True)
    return pickup + travel.sample(rng, len(trips))[trip_of]


@dataclass(frozen=True)
class Backlog:
    """A lab's backlog (tubes waiting) at the end of each minute, and when it clears."""

    waiting: np.ndarray
    processed: np.ndarray
    last_result_min: float  # minutes after the start of the grid; NaN if no tubes


def lab_backlog(arrivals_per_min: np.ndarray, capacity_per_min: float, turnaround_min: float = 0.0) -> Backlog:
    """Process tubes first come first served at `capacity_per_min`.

    Tubes that arrive during minute m are available from its start; the last result is
    when the last tube is processed (a fraction into its minute) plus the turnaround.
    """
    waiting = np.empty(len(arrivals_per_min))
    processed = np.empty(len(arrivals_per_min))
    backlog, last = 0.0, float("nan")
    for m, arrived in enumerate(arrivals_per_min.tolist()):
        work = backlog + arrived
        done = min(work, capacity_per_min)
        if work > 0:
            last = m + done / capacity_per_min
        backlog = work - done
        waiting[m], processed[m] = backlog, done
    if backlog > 0:
        last = len(arrivals_per_min) + backlog / capacity_per_min  # clears after the grid ends
    return Backlog(waiting, processed, last + turnaround_min)
