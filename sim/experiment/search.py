"""Search: the smallest integer value of a key (stations, staff, ...) that meets every target.

Method: bisection over [low, high], assuming the targets get easier as the value grows (more
stations never make waits longer). Each candidate is judged with replications added in batches
(common random numbers: every candidate uses the same seed and replication indices) until, for
every target, the 95% interval of the KPI's mean lies wholly on one side of the threshold, or a cap
on replications is reached. No verdict is drawn from fewer than `min_replications` (10 by default):
KPIs such as the p95 wait can be heavy-tailed (a few bad replications), and a t-interval from five
lucky replications would claim a confidence it does not have. Verdicts:

- ``met``: every target's interval is wholly on the right side (confident it is met);
- ``missed``: some target's interval is wholly on the wrong side (confident it is missed);
- ``undecided``: the cap was reached first.

With k targets each interval is a Bonferroni interval at level 1 - 0.05/k, so "meets every target"
holds with at least 95% confidence jointly. The interval is looked at after every batch (sequential
checking), which makes it somewhat less conservative than its nominal level; the minimum and a
generous cap keep that small. Bisection treats ``undecided`` like ``missed`` (the
answer must be met with confidence), and the result says so when a smaller value stayed undecided.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..errors import OptionError
from ..measure.stats import t_interval
from ..scenario import Scenario
from ..scenario.schema import parse_target
from .runner import SerialExecutor
from .sweep import _run_bounded, sweep_task, variant

Verdict = Literal["met", "missed", "undecided"]
_OPS = ("<=", "<", ">=", ">")


@dataclass(frozen=True)
class Target:
    kpi: str
    op: str
    value: float

    @classmethod
    def parse(cls, text: str) -> Target:
        try:
            kpi, op, value = parse_target(text)
        except ValueError:
            raise OptionError(f"--target {text!r}: expected KPI<=value (or <, >=, >)") from None
        return cls(kpi, op, value)

    def __str__(self) -> str:
        return f"{self.kpi}{self.op}{self.value:g}"

    def judge(self, low: float, high: float) -> Verdict:
        """Where the interval [low, high] lies against the threshold."""
        if math.isnan(low):
            return "undecided"
        if self.op in ("<=", "<"):
            ok = high <= self.value if self.op == "<=" else high < self.value
            bad = low > self.value if self.op == "<=" else low >= self.value
        else:
            ok = low >= self.value if self.op == ">=" else low > self.value
            bad = high < self.value if self.op == ">=" else high <= self.value
        return "met" if ok else "missed" if bad else "undecided"


@dataclass
class Candidate:
    """One value tried: its replications' KPIs and the verdict."""

    value: int
    kpis: list[dict[str, float]] = field(default_factory=list, repr=False)
    verdict: Verdict = "undecided"
    intervals: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # target → (mean, low, high)

    @property
    def replications(self) -> int:
        return len(self.kpis)


@dataclass(frozen=True)
class SearchResult:
    key: str
    targets: tuple[Target, ...]
    low: int
    high: int
    seed: int
    candidates: dict[int, Candidate]
    answer: int | None  # smallest value met with confidence; None if even `high` is not

    def rows(self) -> tuple[list[str], list[list[Any]]]:
        """One row per candidate tried (in value order) and target."""
        header = [self.key, "verdict", "replications", "target", "mean", "ci_low", "ci_high"]
        body = []
        for value in sorted(self.candidates):
            c = self.candidates[value]
            for target in self.targets:
                mean, low, high = c.intervals.get(str(target), (math.nan, math.nan, math.nan))
                body.append([value, c.verdict, c.replications, str(target), mean, low, high])
        return header, body

    def explain(self) -> str:
        """One sentence for the planner."""
        if self.answer is None:
            c = self.candidates.get(self.high)
            how = c.verdict if c else "not tried"
            return (
                f"No value up to {self.key}={self.high} meets every target with 95% confidence ({how} at {self.high})."
            )
        c = self.candidates[self.answer]
        text = f"{self.key}={self.answer} meets every target with 95% confidence ({c.replications} replications)"
        below = self.candidates.get(self.answer - 1)
        if self.answer == self.low:
            return text + f"; it is the smallest value allowed ({self.low})."
        if below is None:
            return text + "."
        if below.verdict == "undecided":
            return text + f"; {self.answer - 1} was undecided at the cap of {below.replications} replications."
        return text + f"; {self.answer - 1} misses a target with confidence."


def judge(
    kpis: list[dict[str, float]], targets: Sequence[Target]
) -> tuple[Verdict, dict[str, tuple[float, float, float]]]:
    """The verdict over every target (Bonferroni-adjusted intervals) and each target's interval."""
    level = 1 - 0.05 / len(targets)
    verdicts, intervals = [], {}
    for target in targets:
        values = np.array([k[target.kpi] for k in kpis])
        low, high = t_interval(values, level)
        intervals[str(target)] = (float(values.mean()), low, high)
        verdicts.append(target.judge(low, high))
    if "missed" in verdicts:
        return "missed", intervals
    return ("met" if all(v == "met" for v in verdicts) else "undecided"), intervals


def search(
    scenario: Scenario,
    key: str,
    low: int,
    high: int,
    targets: Sequence[Target | str],
    seed: int | None = None,
    executor: Executor | None = None,
    batch: int = 10,
    max_replications: int = 100,
    min_replications: int = 10,
    on_candidate: Callable[[Candidate], None] | None = None,
) -> SearchResult:
    """Bisection for the smallest value of `key` in [low, high] meeting every target with 95% confidence."""
    parsed = tuple(t if isinstance(t, Target) else Target.parse(t) for t in targets)
    if not parsed:
        raise OptionError("give at least one --target")
    if low > high:
        raise OptionError(f"--min {low} is above --max {high}")
    if batch < 1 or min_replications < 2 or max_replications < min_replications:
        raise OptionError("need batch >= 1 and 2 <= min replications <= max replications")
    seed = scenario.seed if seed is None else seed
    executor = executor or SerialExecutor()
    candidates: dict[int, Candidate] = {}

    def evaluate(value: int) -> Candidate:
        if value in candidates:
            return candidates[value]
        s = variant(scenario, {key: value}, source=f"--key {key}")
        c = Candidate(value)
        known = {t.kpi for t in parsed}
        while c.replications < max_replications:
            start = c.replications
            stop = min(max(start + batch, min_replications), max_replications)  # the first step is the minimum
            c.kpis.extend(_run_batch(executor, s, [(value, r) for r in range(start + 1, stop + 1)], seed))
            missing = known - set(c.kpis[0])
            if missing:
                raise OptionError(f"--target: unknown KPI {sorted(missing)[0]!r}; known: {', '.join(c.kpis[0])}")
            c.verdict, c.intervals = judge(c.kpis, parsed)
            if c.verdict != "undecided":
                break
        candidates[value] = c
        if on_candidate is not None:
            on_candidate(c)
        return c

    answer: int | None = None
    if evaluate(high).verdict == "met":
        lo, hi = low, high
        while lo < hi:
            mid = (lo + hi) // 2
            if evaluate(mid).verdict == "met":
                hi = mid
            else:
                lo = mid + 1
        answer = hi
        if answer > low:
            evaluate(answer - 1)  # so the result can say whether the value below is missed or undecided
    return SearchResult(key, parsed, low, high, seed, candidates, answer)


def _run_batch(
    executor: Executor, scenario: Scenario, todo: list[tuple[int, int]], seed: int
) -> list[dict[str, float]]:
    """KPIs of the given replications, in replication order."""
    results: dict[int, dict[str, float]] = {}
    _run_bounded(executor, todo, lambda _v, r: (sweep_task, scenario, r, seed),
                 lambda _v, r, kpis: results.__setitem__(r, kpis))  # fmt: skip
    return [results[r] for r in sorted(results)]


def search_json(result: SearchResult) -> dict[str, Any]:
    """The content of search.json: the answer, how it was decided, and every candidate tried."""
    header, rows = result.rows()
    clean = [[None if isinstance(x, float) and math.isnan(x) else x for x in row] for row in rows]
    return {
        "key": result.key,
        "range": [result.low, result.high],
        "targets": [str(t) for t in result.targets],
        "seed": result.seed,
        "method": "bisection; replications added in batches until each Bonferroni 95% interval clears every threshold",
        "answer": result.answer,
        "explanation": result.explain(),
        "candidates": [dict(zip(header, row, strict=True)) for row in clean],
    }


def write_search(result: SearchResult, out: Any) -> dict[str, Path]:
    """Write search.csv (one row per candidate × target) and search.json into `out` (a path or a ResultsFolder)."""
    import json

    from ..results import ResultsFolder, csv_text, version  # results sits above experiment
    from .sweep import _cell

    if not isinstance(out, ResultsFolder):
        with ResultsFolder(out, "search") as folder:
            return write_search(result, folder)
    header, rows = result.rows()
    document = search_json(result) | {"version": version(), "run_id": out.run_id}
    paths = {
        "table": out.write("search.csv", csv_text(header, [[_cell(x) for x in row] for row in rows]), "utf-8-sig"),
        "summary": out.write("search.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n"),
    }
    out.saveable = True
    return paths
