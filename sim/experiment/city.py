"""Running a city round: sites in chunks on any executor, tubes streamed into shared labs.

Site k of replication r draws from streams keyed (seed, r, k), so the numbers do not
depend on the chunking, the executor or the number of workers; the per-site rows are put
back in site order before anything is added up.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..measure.city import SiteOutcome, city_kpis, latest_site, site_outcome
from ..measure.stats import describe
from ..model.build import run_replication
from ..model.citylab import Backlog, deliveries, lab_backlog
from ..model.rng import Streams
from ..scenario.city import City, SiteGroup, site_scenario
from ..scenario.schema import Scenario
from .runner import SerialExecutor
from .verdict import city_verdict

DEFAULT_CHUNK = 40


def horizon_hours(city: City) -> int:
    """Hours counted from open: the deadline and a margin for labs working through the night."""
    return int(math.ceil(max(city.deadline, city.clock.duration) / 3600)) + 24


class SiteIndex:
    """Site k → its group, from the groups' counts (sites are numbered group by group)."""

    def __init__(self, city: City):
        self.city = city
        self.bounds = np.cumsum([g.count for g in city.sites]).tolist()

    def __len__(self) -> int:
        return self.bounds[-1] if self.bounds else 0

    def group(self, site: int) -> SiteGroup:
        return self.city.sites[bisect.bisect_right(self.bounds, site)]


@dataclass
class ChunkResult:
    rows: list[dict[str, float]]
    swabbed_by_hour: np.ndarray | int  # integer counts: their sums don't depend on the order
    lab_arrivals_per_min: np.ndarray | int  # (labs, minutes)


def run_site(city: City, site: int, replication: int, seed: int, scenario: Scenario | None = None) -> SiteOutcome:
    """One site of one replication: simulate, send its tubes to its lab, reduce to a row."""
    group = SiteIndex(city).group(site)
    scenario = scenario or site_scenario(city, group)
    rec = run_replication(scenario, replication, seed, site=site)
    courier = city.courier_for(group.district)
    rng = Streams(seed, replication, site)["courier.travel"]
    at_lab = deliveries(rec.tubes.closed, city.clock.open, courier.every, courier.travel, rng)
    return site_outcome(rec, site, group.population, city.lab_for(group.district), at_lab,
                        city.deadline, city.sample_limit, horizon_hours(city))  # fmt: skip


def run_chunk(city: City, start: int, stop: int, replication: int, seed: int) -> ChunkResult:
    """Sites start..stop-1 of one replication: the unit of work sent to executors."""
    hours = horizon_hours(city)
    by_hour, per_min = np.zeros(hours, dtype=np.int64), np.zeros((len(city.labs), hours * 60), dtype=np.int64)
    result = ChunkResult([], by_hour, per_min)
    index, scenarios = SiteIndex(city), {}  # one site Scenario per group, built once
    for site in range(start, stop):
        group = index.group(site)
        if id(group) not in scenarios:
            scenarios[id(group)] = site_scenario(city, group)
        outcome = run_site(city, site, replication, seed, scenarios[id(group)])
        result.rows.append(outcome.row)
        by_hour += outcome.swabbed_by_hour
        per_min[outcome.lab] += outcome.lab_arrivals_per_min
    return result


@dataclass
class CityReplication:
    replication: int
    kpis: dict[str, float]
    rows: list[dict[str, float]]
    swabbed_by_hour: np.ndarray
    backlogs: list[Backlog]


@dataclass
class CityResult:
    city: City
    seed: int
    replications: list[CityReplication] = field(repr=False)

    @property
    def kpi_names(self) -> list[str]:
        return list(self.replications[0].kpis)

    def summary(self) -> dict[str, Any]:
        columns = {n: np.array([r.kpis[n] for r in self.replications], dtype=float) for n in self.kpi_names}
        kpis = {n: describe(values, n) for n, values in columns.items()}
        return {
            "scenario": self.city.name,
            "kind": "city",
            "replications": len(self.replications),
            "seed": self.seed,
            "open_s": self.city.clock.open,
            "verdict": city_verdict(self.city.deadline / 60, columns),
            "kpis": kpis,
            "latest_site": latest_site(self.replications[0].rows),
            "deadline_min": self.city.deadline / 60,
        }


def run_city(
    city: City,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    chunk: int = DEFAULT_CHUNK,
    on_sites_done: Callable[[int], None] | None = None,
) -> CityResult:
    """Every site of every replication, in chunks; labs are worked out once all tubes are in."""
    n_reps = replications or city.replications
    seed = city.seed if seed is None else seed
    executor = executor or SerialExecutor()
    n_sites = len(SiteIndex(city))
    futures = {
        executor.submit(run_chunk, city, start, min(start + chunk, n_sites), rep, seed): rep
        for rep in range(1, n_reps + 1)
        for start in range(0, n_sites, chunk)
    }
    totals = {rep: ChunkResult([], 0, 0) for rep in range(1, n_reps + 1)}  # running sums: memory stays bounded
    for future in as_completed(futures):
        part = future.result()
        total = totals[futures[future]]
        total.rows.extend(part.rows)
        total.swabbed_by_hour = total.swabbed_by_hour + part.swabbed_by_hour
        total.lab_arrivals_per_min = total.lab_arrivals_per_min + part.lab_arrivals_per_min
        if on_sites_done is not None:
            on_sites_done(len(part.rows))
    return CityResult(city, seed, [_combine(city, rep, total) for rep, total in totals.items()])


def _combine(city: City, replication: int, total: ChunkResult) -> CityReplication:
    """City totals of one replication; rows go back in site order before anything is added up."""
    rows = sorted(total.rows, key=lambda r: r["site"])
    swabbed, arrivals = np.asarray(total.swabbed_by_hour), np.asarray(total.lab_arrivals_per_min)
    backlogs = [
        lab_backlog(arrivals[k].astype(float), lab.capacity * 60, lab.turnaround / 60)
        for k, lab in enumerate(city.labs)
    ]
    kpis = city_kpis(rows, [b.last_result_min for b in backlogs], [float(b.waiting.max()) for b in backlogs])
    return CityReplication(replication, kpis, rows, swabbed, backlogs)
