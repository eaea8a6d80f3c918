"""Sweeps: a grid of scenario variants by dotted key path, with common random numbers.

Every variant runs replications 1..n with the same seed, so each activity draws from the same
stream in every variant and differences between variants are not noise (desmod-style factorial
runs, Mesa-style tidy rows). Each finished (variant, replication) run is saved at once, atomically,
as one small JSON file; the tables are assembled from those files. An interrupted sweep therefore
loses at most the runs in flight, and running it again computes only what is missing.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import yaml

from ..errors import OptionError
from ..measure.stats import describe
from ..scenario import Scenario
from .executors import slots
from .plan import StaffMode, plan_variant, staff_text
from .runner import SerialExecutor, run_one

_CLOCK_LIKE = re.compile(r"^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._=,+-]")


def parse_value(raw: str) -> Any:
    """One value of a `--vary` list, read like a YAML scalar ('8' → 8, '15min' and '08:30' stay text)."""
    raw = raw.strip()
    if _CLOCK_LIKE.match(raw):
        return raw
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    return value if isinstance(value, (int, float, str, bool)) else raw


@dataclass(frozen=True)
class Axis:
    """One varied key and its values, in the order given."""

    key: str
    values: tuple[Any, ...]

    @classmethod
    def parse(cls, text: str) -> Axis:
        """'site.sampling.stations=4,6,8' → Axis('site.sampling.stations', (4, 6, 8))."""
        key, sep, raw = text.partition("=")
        values = tuple(parse_value(v) for v in raw.split(",") if v.strip())
        if not sep or not key.strip() or not values:
            raise OptionError(f"--vary {text!r}: expected key.path=value1,value2,...")
        return cls(key.strip(), values)


@dataclass(frozen=True)
class Variant:
    """One point of the grid: its changes (in axis order) and the validated scenario."""

    changes: tuple[tuple[str, Any], ...]
    scenario: Scenario = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        """A readable, file-system-safe name, e.g. 'site.sampling.stations=4,pooling.size=10'."""
        text = ",".join(f"{k}={v}" for k, v in self.changes) or "base"
        safe = _UNSAFE.sub("_", text)
        if safe != text:  # keep names distinct when characters were replaced ('08:00' and '08_00')
            safe += "-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]
        return safe

    @cached_property
    def fingerprint(self) -> str:
        """Hash of the resolved scenario: a saved run counts only if it was made from this exact scenario."""
        text = json.dumps(self.scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def grid(scenario: Scenario, axes: Sequence[Axis], staff: StaffMode = "follow") -> list[Variant]:
    """Every combination of the axes' values (the first axis varies slowest).

    With `staff` 'follow' a variant that changes posts brings the staff they need (see plan.py).
    """
    keys = [axis.key for axis in axes]
    if len(set(keys)) != len(keys):
        raise OptionError("each key may be varied only once")
    variants = []
    for values in itertools.product(*(axis.values for axis in axes)):
        changes = tuple(zip(keys, values, strict=True))
        variants.append(Variant(changes, plan_variant(scenario, dict(changes), staff, source="--vary")))
    return variants


def sweep_task(scenario: Scenario, replication: int, seed: int) -> dict[str, float]:
    """The unit of work sent to executors: one replication's KPIs (no series, to keep results small)."""
    return run_one(scenario, replication, seed).kpis


class Store(Protocol):
    """Where finished runs are kept (sim.results.RunStore): a sweep reads them back and saves each new one."""

    def load(self, v: Variant, replication: int, seed: int) -> dict[str, float] | None: ...

    def save(self, v: Variant, replication: int, seed: int, kpis: dict[str, float]) -> None: ...


@dataclass(frozen=True)
class Done:
    """A finished run, as reported to `on_done`."""

    variant: Variant
    replication: int
    computed: bool  # False when it was read back from the store


@dataclass(frozen=True)
class SweepResult:
    """Every run of a sweep, tidy: one row per variant × replication, in grid order."""

    scenario: Scenario
    axes: tuple[Axis, ...]
    variants: tuple[Variant, ...]
    replications: int
    seed: int
    kpis: dict[tuple[int, int], dict[str, float]] = field(repr=False)  # (variant index, replication) → KPIs
    computed: int = 0

    @property
    def kpi_names(self) -> list[str]:
        return list(self.kpis[(0, 1)]) if self.kpis else []

    @property
    def keys(self) -> list[str]:
        return [axis.key for axis in self.axes]

    def rows(self) -> tuple[list[str], list[list[Any]]]:
        """The tidy table: variant, each varied key, replication, then one column per KPI."""
        names = self.kpi_names
        header = ["variant", *self.keys, "replication", *names]
        body = []
        for i, v in enumerate(self.variants):
            for r in range(1, self.replications + 1):
                kpis = self.kpis[(i, r)]
                body.append([v.key, *(value for _, value in v.changes), r, *(kpis[n] for n in names)])
        return header, body

    def summary_rows(self) -> tuple[list[str], list[list[Any]]]:
        """Per variant and KPI: n (replications with a value), mean, 95% interval, std, min, max, and how the
        interval was made (long format; see measure/stats.py)."""
        header = ["variant", *self.keys, "kpi", "n", "mean", "ci_low", "ci_high", "std", "min", "max", "interval"]
        body = []
        for i, v in enumerate(self.variants):
            for name in self.kpi_names:
                values = np.array([self.kpis[(i, r)][name] for r in range(1, self.replications + 1)])
                d = describe(values, name)
                body.append([v.key, *(value for _, value in v.changes), name,
                             *(d[k] for k in ("n", "mean", "ci_low", "ci_high", "std", "min", "max", "interval"))])  # fmt: skip
        return header, body


def run_sweep(
    scenario: Scenario,
    axes: Sequence[Axis],
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    store: Store | None = None,
    on_done: Callable[[Done], None] | None = None,
    staff: StaffMode = "follow",
) -> SweepResult:
    """Run every variant × replication not already in `store`; save each run as soon as it finishes.

    Only a few more tasks than the executor can run at once are in flight, so an interruption
    (KeyboardInterrupt, a raising `on_done`, a killed process) loses at most those; pending tasks
    are cancelled before the exception propagates.
    """
    n = replications or scenario.replications
    seed = scenario.seed if seed is None else seed
    executor = executor or SerialExecutor()
    variants = grid(scenario, axes, staff)
    kpis: dict[tuple[int, int], dict[str, float]] = {}
    todo: list[tuple[int, int]] = []
    for i, v in enumerate(variants):
        for r in range(1, n + 1):
            saved = store.load(v, r, seed) if store is not None else None
            if saved is None:
                todo.append((i, r))
            else:
                kpis[(i, r)] = saved
                if on_done is not None:
                    on_done(Done(v, r, computed=False))

    def finished(i: int, r: int, result: dict[str, float]) -> None:
        if store is not None:
            store.save(variants[i], r, seed, result)
        kpis[(i, r)] = result
        if on_done is not None:
            on_done(Done(variants[i], r, computed=True))

    _run_bounded(executor, todo, lambda i, r: (sweep_task, variants[i].scenario, r, seed), finished)
    return SweepResult(scenario, tuple(axes), tuple(variants), n, seed, kpis, computed=len(todo))


def _run_bounded(
    executor: Executor,
    todo: Iterable[tuple[int, int]],
    task: Callable[[int, int], tuple[Any, ...]],
    finished: Callable[[int, int, Any], None],
) -> None:
    """Submit tasks keeping at most twice the executor's slots in flight; hand each result to `finished`."""
    queue = iter(todo)
    limit = 2 * slots(executor)
    pending: dict[Future[Any], tuple[int, int]] = {}
    try:
        while True:
            while len(pending) < limit:
                item = next(queue, None)
                if item is None:
                    break
                fn, *args = task(*item)
                pending[executor.submit(fn, *args)] = item
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: pending[f]):
                item = pending.pop(future)
                finished(*item, future.result())
    finally:
        for future in pending:
            future.cancel()


def summary_json(result: SweepResult) -> dict[str, Any]:
    """The content of sweep/summary.json: the grid and each variant's KPI summaries."""
    header, body = result.summary_rows()
    staff = {v.key: staff_text(v.scenario) for v in result.variants}  # the people each variant's plan needs
    by_variant: dict[str, dict[str, Any]] = {}
    k = len(result.keys)
    for row in body:
        entry = by_variant.setdefault(
            row[0], {"variant": row[0], "changes": dict(zip(result.keys, row[1 : 1 + k], strict=True)),
                     "staff": staff[row[0]], "kpis": {}},
        )  # fmt: skip
        entry["kpis"][row[1 + k]] = dict(zip(header[3 + k :], row[3 + k :], strict=True))
    return {
        "scenario": result.scenario.name,
        "axes": {axis.key: list(axis.values) for axis in result.axes},
        "replications": result.replications,
        "seed": result.seed,
        "variants": list(by_variant.values()),
    }
