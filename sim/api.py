"""The notebook API: scenarios in, pandas tables out.

    import sim
    base = sim.load_scenario("scenarios/xinhua-drill.yaml")
    more = sim.variant(base, {"site.sampling.stations": 8})
    tables = sim.api.run(more, replications=10)
    tables.summary.loc["wait.total.p95_min"]          # mean, ci_low, ci_high, ...
    grid = sim.api.sweep(base, {"site.sampling.stations": [4, 6, 8]}, replications=5)
    grid.summary.query("kpi == 'time.completion_min'")
    found = sim.api.search(base, "site.sampling.stations", 1, 20, ["wait.total.p95_min<=20"])

Every table is tidy (one row per replication, or per variant × replication; replications are
numbered from 1, as in replications.csv). The same seed gives the same numbers on any executor;
sweeps and searches use common random numbers. Sweeps and searches change the *plan*: a station or
an entry lane comes with the staff it needs (``staff="follow"``, the default), or keeps the file's
rosters and buffer zone (``staff="fixed"``), as ``drill sweep``/``drill search --staff`` do.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .experiment.executors import open_executor
from .experiment.plan import StaffMode, variant
from .experiment.runner import RunResult
from .experiment.runner import run as run_replications
from .experiment.search import SearchResult
from .experiment.search import search as search_values
from .experiment.sweep import Axis, Done, SweepResult, run_sweep
from .experiment.verdict import Target
from .results import RunStore
from .scenario import Scenario, load_scenario
from .scenario.units import format_clock

__all__ = ["RunTables", "SearchTables", "SweepTables", "load_scenario", "run", "search", "sweep", "variant"]


@dataclass(frozen=True)
class RunTables:
    """One scenario's replications as tables."""

    replications: pd.DataFrame  # one row per replication, one column per KPI
    summary: pd.DataFrame  # index: KPI; columns mean, ci_low, ci_high, std, min, max, n (defined in), interval
    timeseries: pd.DataFrame  # one row per minute since open: mean and max of each level
    result: RunResult


@dataclass(frozen=True)
class SweepTables:
    """A sweep as tables: tidy runs and the per-variant summary (long: one row per variant × KPI)."""

    runs: pd.DataFrame
    summary: pd.DataFrame
    result: SweepResult

    def pivot(self, kpi: str, stat: str = "mean") -> pd.DataFrame | pd.Series:
        """One KPI's statistic by the first varied key (a Series), the other keys across (a DataFrame)."""
        keys = self.result.keys
        table = self.summary[self.summary["kpi"] == kpi]
        if len(keys) == 1:
            return table.set_index(keys[0])[stat]
        return table.pivot_table(index=keys[0], columns=keys[1:], values=stat, sort=False)


@dataclass(frozen=True)
class SearchTables:
    answer: int | None
    explanation: str
    candidates: pd.DataFrame  # one row per value tried × target: verdict, replications, mean, interval
    result: SearchResult


@contextmanager
def _executor(executor: Executor | None, workers: int | None, cluster: str | None) -> Iterator[Executor]:
    if executor is not None:
        yield executor
        return
    with open_executor(workers, cluster) as made:
        yield made


def _bar(total: int, progress: bool, label: str) -> Any:
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=label, leave=False)


def run(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    *,
    workers: int | None = 1,
    cluster: str | None = None,
    executor: Executor | None = None,
    progress: bool = False,
) -> RunTables:
    """Run replications of one scenario (serially by default) and return its tables."""
    n = replications or scenario.replications
    bar = _bar(n, progress, "replications")
    with _executor(executor, workers, cluster) as ex:
        result = run_replications(scenario, n, seed, ex, on_done=(lambda _: bar.update()) if bar else None)
    if bar:
        bar.close()
    reps = pd.DataFrame([r.kpis for r in result.results], index=pd.RangeIndex(1, n + 1, name="replication"))
    summary = pd.DataFrame(result.summary()["kpis"]).T
    numbers = [c for c in summary.columns if c != "interval"]
    summary[numbers] = summary[numbers].astype(float)
    summary.index.name = "kpi"
    series = pd.DataFrame(result.timeseries())
    series["minute"] = series["minute"].astype(int)
    series.insert(1, "clock", [format_clock(scenario.clock.open + 60 * m) for m in series["minute"]])
    return RunTables(reps, summary, series, result)


def sweep(
    scenario: Scenario,
    vary: Mapping[str, Sequence[Any]],
    replications: int | None = None,
    seed: int | None = None,
    *,
    workers: int | None = 1,
    cluster: str | None = None,
    executor: Executor | None = None,
    store: str | Path | None = None,
    progress: bool = False,
    staff: StaffMode = "follow",
) -> SweepTables:
    """Every combination of `vary` (key path → values) with common random numbers.

    `store`: a folder for one JSON file per finished run; a later call with the same folder
    computes only what is missing (as `drill sweep` does under results/<stem>/sweep/runs/).
    `staff`: "follow" (a changed number of posts brings its staff and changing places, see
    `sim.plan_variant`) or "fixed" (the file's rosters and buffer zone whatever the posts).
    """
    axes = [Axis(key, tuple(values)) for key, values in vary.items()]
    n = replications or scenario.replications
    total = n
    for axis in axes:
        total *= len(axis.values)
    bar = _bar(total, progress, "runs")

    def tick(_: Done) -> None:
        if bar:
            bar.update()

    with _executor(executor, workers, cluster) as ex:
        result = run_sweep(scenario, axes, n, seed, ex, RunStore(Path(store)) if store else None, on_done=tick,
                           staff=staff)  # fmt: skip
    if bar:
        bar.close()
    header, rows = result.rows()
    runs = pd.DataFrame(rows, columns=header)
    header, rows = result.summary_rows()
    summary = pd.DataFrame(rows, columns=header)
    for column in ("mean", "ci_low", "ci_high", "std", "min", "max"):
        summary[column] = summary[column].astype(float)
    return SweepTables(runs, summary, result)


def search(
    scenario: Scenario,
    key: str,
    low: int,
    high: int,
    targets: Sequence[str | Target],
    seed: int | None = None,
    *,
    batch: int = 10,
    max_replications: int = 100,
    min_replications: int = 10,
    workers: int | None = 1,
    cluster: str | None = None,
    executor: Executor | None = None,
    staff: StaffMode = "follow",
) -> SearchTables:
    """The smallest value of `key` in [low, high] meeting every target with 95% confidence (bisection).

    `staff` as in `sweep`: each candidate's posts come with their staff unless it is "fixed".
    """
    with _executor(executor, workers, cluster) as ex:
        result = search_values(scenario, key, low, high, targets, seed, ex, batch, max_replications, min_replications,
                               staff=staff)  # fmt: skip
    header, rows = result.rows()
    return SearchTables(result.answer, result.explain(), pd.DataFrame(rows, columns=header), result)
