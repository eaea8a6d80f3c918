"""What a city round measures: one row per site, then city totals from the rows.

Per-person records of a site are reduced to its row as soon as the site is done, so a
city round never holds more than one site's people in memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model.records import Records
from .kpis import replication_kpis

SITE_COLUMNS = (
    "site", "replication", "stations", "population", "arrived", "sampled", "unserved",
    "completion_min", "wait_mean_min", "wait_p95_min", "utilization", "tubes",
    "age_at_lab_max_min", "over_limit", "last_at_lab_min", "done_by_deadline",
)  # fmt: skip


@dataclass(frozen=True)
class SiteOutcome:
    """A site's row and what it adds to the city's hourly and per-lab minute counts."""

    row: dict[str, float]
    swabbed_by_hour: np.ndarray
    lab: int
    lab_arrivals_per_min: np.ndarray


def site_outcome(rec: Records, site: int, population: int, lab: int, at_lab_s: np.ndarray,
                 deadline_s: float, limit_s: float, hours: int) -> SiteOutcome:  # fmt: skip
    """Reduce one site's records (and its tubes' lab arrival times) to its outcome."""
    kpis = replication_kpis(rec)
    swab_end = rec.people["swab_end"]
    swab_end = swab_end[~np.isnan(swab_end)] - rec.open_s
    age = at_lab_s - rec.tubes.first_swab
    horizon_min = hours * 60
    minute = np.clip(((at_lab_s - rec.open_s) // 60).astype(int), 0, horizon_min - 1)
    done = kpis["time.completion_min"] * 60 <= deadline_s and kpis["people.unserved"] == 0
    row = {
        "site": site,
        "replication": rec.replication,
        "stations": rec.stations,
        "population": population,
        "arrived": kpis["people.arrived"],
        "sampled": kpis["people.sampled"],
        "unserved": kpis["people.unserved"],
        "completion_min": kpis["time.completion_min"],
        "wait_mean_min": kpis["wait.total.mean_min"],
        "wait_p95_min": kpis["wait.total.p95_min"],
        "utilization": kpis["stations.utilization"],
        "tubes": len(rec.tubes),
        "age_at_lab_max_min": float(age.max() / 60) if len(age) else 0.0,
        "over_limit": float(np.sum(age > limit_s)),
        "last_at_lab_min": float((at_lab_s.max() - rec.open_s) / 60) if len(at_lab_s) else 0.0,
        "done_by_deadline": float(done),
        "swabbed_by_deadline": float(np.sum(swab_end <= deadline_s)),
    }
    return SiteOutcome(
        row=row,
        swabbed_by_hour=np.bincount(np.clip((swab_end // 3600).astype(int), 0, hours - 1), minlength=hours),
        lab=lab,
        lab_arrivals_per_min=np.bincount(minute, minlength=horizon_min),
    )


def city_kpis(
    rows: list[dict[str, float]], lab_last_result_min: list[float], lab_peak: list[float]
) -> dict[str, float]:
    """City totals of one replication from its site rows (in site order) and its labs."""
    col = {name: np.array([r[name] for r in rows], dtype=float) for name in rows[0]}
    arrived = col["arrived"].sum()
    sampled = col["sampled"]
    waits = col["wait_mean_min"]
    return {
        "sites.count": float(len(rows)),
        "people.arrived": float(arrived),
        "people.sampled": float(sampled.sum()),
        "people.unserved": float(col["unserved"].sum()),
        "sites.done_by_deadline.share": float(col["done_by_deadline"].mean()),
        "people.done_by_deadline.share": float(col["swabbed_by_deadline"].sum() / arrived) if arrived else 1.0,
        "time.completion_min": float(col["completion_min"].max()),
        "time.completion.p50_min": float(np.median(col["completion_min"])),
        "wait.total.mean_min": float(np.sum(waits * sampled) / sampled.sum()) if sampled.sum() else 0.0,
        "wait.site_p95.max_min": float(col["wait_p95_min"].max()),
        "stations.utilization": float(np.average(col["utilization"], weights=col["stations"])),
        "samples.tubes": float(col["tubes"].sum()),
        "samples.age_at_lab.max_min": float(col["age_at_lab_max_min"].max()),
        "samples.over_limit": float(col["over_limit"].sum()),
        "lab.backlog.peak": float(max(lab_peak)),
        "lab.last_result_min": float(max((x for x in lab_last_result_min if not math.isnan(x)), default=0.0)),
    }


def latest_site(rows: list[dict[str, float]]) -> dict[str, float | str]:
    """The site that finished last, and why, from the numbers."""
    completion = np.array([r["completion_min"] for r in rows])
    per_station = np.array([r["population"] / r["stations"] for r in rows])
    k = int(np.argmax(completion))
    row = rows[k]
    median = float(np.median(per_station))
    reasons = []
    if per_station[k] > median * 1.05:
        reasons.append(f"{per_station[k]:.0f} residents per station against a city median of {median:.0f}")
    if row["utilization"] >= 0.9:
        reasons.append(f"its stations were busy {row['utilization']:.0%} of the time")
    if not reasons:
        reasons.append("chance: its load is typical, its queue grew by random bunching of arrivals")
    return {**row, "residents_per_station": float(per_station[k]), "why": "; ".join(reasons)}
