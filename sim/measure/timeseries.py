"""Per-minute series of one replication (zone occupancy, people called, arrived, swabbed)."""

from __future__ import annotations

import numpy as np

from ..model.records import Records
from .checkpoint_kpis import gate_series
from .kpis import site_records, zone_intervals
from .occupancy import level_at

SERIES = ("entry_queue", "outside", "waiting", "stations", "isolation", "called", "arrived", "sampled")


def minute_series(rec: Records) -> dict[str, np.ndarray]:
    """Levels at each whole minute from open to the end of the replication."""
    grid = rec.open_s + 60.0 * np.arange(int(np.ceil((rec.end_s - rec.open_s) / 60.0)) + 1)
    out = {name: level_at(*iv, grid).astype(float) for name, iv in zone_intervals(rec).items()}
    out["called"] = called_by(rec.call_times, rec.called, grid)
    out["arrived"] = np.searchsorted(np.sort(rec.people["first_arrival"]), grid, side="right").astype(float)
    swab_end = rec.people["swab_end"]
    out["sampled"] = np.searchsorted(np.sort(swab_end[~np.isnan(swab_end)]), grid, side="right").astype(float)
    out.update(gate_series(rec, grid))  # checkpoint queues, only when the scenario has a community
    out.update(site_series(rec, grid))  # per site, only when the community has several
    return out


def called_by(call_times: np.ndarray, called: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Residents called at or before each grid time (buildings not called: NaN times, never counted).

    A cumulative sum over the sorted call times: memory grows with minutes + buildings, not their product.
    """
    known = ~np.isnan(call_times)
    order = np.argsort(call_times[known], kind="stable")
    cumulative = np.r_[0, np.cumsum(called[known][order])]
    return cumulative[np.searchsorted(call_times[known][order], grid, side="right")].astype(float)


def site_series(rec: Records, grid: np.ndarray) -> dict[str, np.ndarray]:
    """People in each site's waiting zone and queueing outside it (``site.<name>.waiting``, ``.outside``)."""
    if rec.sites is None:
        return {}
    out = {}
    for k, name in enumerate(rec.sites.names):
        zones = zone_intervals(site_records(rec, k))
        for zone in ("waiting", "outside"):
            out[f"site.{name}.{zone}"] = level_at(*zones[zone], grid).astype(float)
    return out


def combine(series: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Mean and max across replications; shorter runs are extended with their last level."""
    length = max(len(s["sampled"]) for s in series)
    out: dict[str, np.ndarray] = {"minute": np.arange(length, dtype=float)}
    for name in [*SERIES, *(k for k in series[0] if k not in SERIES)]:
        stacked = np.stack([np.pad(s[name], (0, length - len(s[name])), mode="edge") for s in series])
        out[f"{name}.mean"] = stacked.mean(axis=0)
        out[f"{name}.max"] = stacked.max(axis=0)
    return out
