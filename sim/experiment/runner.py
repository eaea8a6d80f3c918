"""Replications of a scenario on any executor; seeded by replication index.

The random streams of replication r depend only on (seed, r, activity), so serial runs,
process pools and Dask clusters give identical numbers whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future, as_completed
from dataclasses import asdict, dataclass, field
from typing import Any, ParamSpec, TypeVar

import numpy as np

from ..measure.chain_kpis import timelines
from ..measure.kpis import replication_kpis
from ..measure.stats import describe
from ..measure.timeseries import combine, minute_series
from ..model.build import run_replication
from ..queueing import offered_load
from ..scenario.checks import scenario_warnings
from ..scenario.schema import Scenario
from ..scenario.staffing import staffing_plan
from ..scenario.units import format_clock
from .bottleneck import bottleneck
from .verdict import judge_targets, verdict

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class ReplicationResult:
    replication: int
    kpis: dict[str, float]
    series: dict[str, np.ndarray]
    timelines: dict[str, tuple[list[str], list[list[object]]]] = field(default_factory=dict)  # replication 1


def run_one(scenario: Scenario, replication: int, seed: int) -> ReplicationResult:
    """One replication, measured: the unit of work sent to executors."""
    records = run_replication(scenario, replication, seed)
    return ReplicationResult(replication, replication_kpis(records, scenario.warmup), minute_series(records),
                             timelines(records) if replication == 1 else {})  # fmt: skip


@dataclass(frozen=True)
class RunResult:
    """All replications of one scenario run, in replication order."""

    scenario: Scenario
    seed: int
    results: list[ReplicationResult] = field(repr=False)

    @property
    def kpi_names(self) -> list[str]:
        return list(self.results[0].kpis)

    def column(self, kpi: str) -> np.ndarray:
        return np.array([r.kpis[kpi] for r in self.results], dtype=float)

    def columns(self) -> dict[str, np.ndarray]:
        """Every KPI across the replications (NaN where it had no value)."""
        return {name: self.column(name) for name in self.kpi_names}

    def summary(self) -> dict[str, Any]:
        """The content of summary.json: KPIs with intervals, targets, the verdict and the bottleneck."""
        columns = self.columns()
        judged = verdict(self.scenario, columns)
        return {
            "scenario": self.scenario.name,
            "replications": len(self.results),
            "seed": self.seed,
            "open": format_clock(self.scenario.clock.open),
            "open_s": self.scenario.clock.open,
            "close": format_clock(self.scenario.clock.close),
            "kpis": {name: describe(values, name) for name, values in columns.items()},
            "targets": judge_targets(self.scenario.targets, columns),
            "verdict": judged,
            "bottleneck": bottleneck(self.scenario, columns, judged["aims"]),
            "staffing": [asdict(plan) for plan in staffing_plan(self.scenario)],
            "sanity": offered_load(self.scenario),
            "warnings": scenario_warnings(self.scenario),
        }

    def timeseries(self) -> dict[str, np.ndarray]:
        return combine([r.series for r in self.results])


class SerialExecutor(Executor):
    """Runs each task at submit time, in this process (keeps one code path for all executors)."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    on_done: Callable[[ReplicationResult], None] | None = None,
) -> RunResult:
    """Run replications 1..n of a scenario; results come back in replication order."""
    n = replications or scenario.replications
    seed = scenario.seed if seed is None else seed
    executor = executor or SerialExecutor()
    futures = [executor.submit(run_one, scenario, r, seed) for r in range(1, n + 1)]
    results = []
    for future in as_completed(futures):
        result = future.result()
        results.append(result)
        if on_done is not None:
            on_done(result)
    return RunResult(scenario, seed, sorted(results, key=lambda r: r.replication))
