"""Replications of a scenario on any executor; seeded by replication index.

The random streams of replication r depend only on (seed, r, activity), so serial runs,
process pools and Dask clusters give identical numbers whatever the number of workers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass, field

import numpy as np

from ..measure.chain_kpis import timelines
from ..measure.kpis import replication_kpis
from ..measure.stats import describe
from ..measure.timeseries import combine, minute_series
from ..model.build import run_replication
from ..queueing import offered_load
from ..scenario.checks import scenario_warnings
from ..scenario.schema import Scenario, parse_target


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
        return np.array([r.kpis[kpi] for r in self.results])

    def summary(self) -> dict[str, object]:
        """The content of summary.json."""
        kpis = {name: describe(self.column(name)) for name in self.kpi_names}
        return {
            "scenario": self.scenario.name,
            "replications": len(self.results),
            "seed": self.seed,
            "kpis": kpis,
            "targets": check_targets(self.scenario.targets, kpis),
            "sanity": offered_load(self.scenario),
            "warnings": scenario_warnings(self.scenario),
        }

    def timeseries(self) -> dict[str, np.ndarray]:
        return combine([r.series for r in self.results])


def check_targets(targets: list[str], kpis: dict[str, dict[str, float | None]]) -> list[dict[str, object]]:
    """Each target with the KPI's mean and whether the mean meets it (None: unknown KPI).

    A KPI that is undefined (mean None or NaN: e.g. a completion time when nobody was swabbed) does not
    meet any target.
    """
    ops: dict[str, Callable[[float, float], bool]] = {
        "<=": lambda a, b: a <= b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b, ">": lambda a, b: a > b,
    }  # fmt: skip
    out = []
    for target in targets:
        name, op, value = parse_target(target)
        entry = kpis.get(name)
        mean = None if entry is None else entry.get("mean")
        defined = mean is not None and not math.isnan(mean)
        out.append({"target": target, "kpi": name, "op": op, "value": value, "mean": mean if defined else None,
                    "met": None if entry is None else defined and ops[op](mean, value)})  # fmt: skip
    return out


class SerialExecutor(Executor):
    """Runs each task at submit time, in this process (keeps one code path for all executors)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        future: Future[object] = Future()
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
