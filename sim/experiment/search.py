"""Search: the smallest integer value of a key (stations, lanes, staff, ...) that meets every target.

Method: bisection over [low, high], assuming the targets get easier as the value grows (more
stations never make waits longer). Each candidate is judged with replications added in batches
(common random numbers: every candidate uses the same seed and replication numbers) until, for
every target, the 95% interval of the KPI's mean lies wholly on one side of the threshold, or a cap
on replications is reached. No verdict is drawn from fewer than `min_replications` (10 by default):
KPIs such as the p95 wait can be heavy-tailed (a few bad replications), and an interval from five
lucky replications would claim a confidence it does not have. Verdicts:

- ``met``: every target's interval is wholly on the right side (confident it is met);
- ``missed``: some target's interval is wholly on the wrong side (confident it is missed);
- ``uncertain``: the cap was reached first.

With k targets each interval is a Bonferroni interval at level 1 - 0.05/k, so "meets every target"
holds with at least 95% confidence jointly. The interval is looked at after every batch (sequential
checking), which makes it somewhat less conservative than its nominal level; the minimum and a
generous cap keep that small. Bisection treats ``uncertain`` like ``missed`` (the answer must be met
with confidence), and the result says so when a smaller value stayed uncertain.

"More is never worse" is checked on the values evaluated rather than trusted: when the largest value
misses, a few values across the range are tried too; a met value below a missed one, or a target's KPI getting worse
(paired over the shared replications, beyond three standard errors) from one evaluated value to the
next larger one, breaks the assumption. Then every value in the range is evaluated (a scan) and the
answer is the smallest value met; the result says so.

A search over posts (stations, entry lanes) changes the plan: the staff that the posts need come with
them unless ``staff="fixed"`` (see plan.py); each candidate records the staff it needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..errors import OptionError
from ..measure.catalogue import spec_of
from ..measure.stats import interval
from ..scenario import Scenario
from .plan import StaffMode, plan_variant, staff_text
from .runner import SerialExecutor
from .sweep import _run_bounded, sweep_task
from .verdict import Target

Verdict = Literal["met", "missed", "uncertain"]
MAX_SCAN = 60  # values a scan may evaluate when "more is never worse" fails


@dataclass
class Candidate:
    """One value tried: its replications' KPIs, the verdict and the staff its plan needs."""

    value: int
    kpis: list[dict[str, float]] = field(default_factory=list, repr=False)
    verdict: Verdict = "uncertain"
    intervals: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # target → (mean, low, high)
    staff: str = ""

    @property
    def replications(self) -> int:
        return len(self.kpis)


@dataclass(frozen=True)
class Monotone:
    """Whether "more is never worse" held on the values evaluated, and where it did not."""

    holds: bool
    detail: str = ""
    scanned: bool = False


@dataclass(frozen=True)
class SearchResult:
    key: str
    targets: tuple[Target, ...]
    low: int
    high: int
    seed: int
    candidates: dict[int, Candidate]
    answer: int | None  # smallest value met with confidence; None if none is
    monotone: Monotone = Monotone(True)

    def rows(self) -> tuple[list[str], list[list[Any]]]:
        """One row per candidate tried (in value order) and target."""
        header = [self.key, "verdict", "replications", "target", "mean", "ci_low", "ci_high", "staff"]
        body = []
        for value in sorted(self.candidates):
            c = self.candidates[value]
            for target in self.targets:
                mean, low, high = c.intervals.get(str(target), (math.nan, math.nan, math.nan))
                body.append([value, c.verdict, c.replications, str(target), mean, low, high, c.staff])
        return header, body

    def explain(self) -> str:
        """Sentences for the planner: the answer, how sure, and whether "more is never worse" held."""
        check = self.monotone_text()
        if self.answer is None:
            c = self.candidates.get(self.high)
            how = c.verdict if c else "not tried"
            return f"No value from {self.low} to {self.high} of {self.key} meets every target with 95% confidence " \
                   f"({how} at {self.high}). {check}"  # fmt: skip
        c = self.candidates[self.answer]
        text = f"{self.key}={self.answer} meets every target with 95% confidence ({c.replications} replications"
        text += f"; staff: {c.staff})" if c.staff else ")"
        below = self.candidates.get(self.answer - 1)
        if self.answer == self.low:
            text += f"; it is the smallest value allowed ({self.low})."
        elif below is None:
            text += "."
        elif below.verdict == "uncertain":
            text += f"; {self.answer - 1} was uncertain at the cap of {below.replications} replications."
        else:
            text += f"; {self.answer - 1} misses a target with confidence."
        return f"{text} {check}"

    def monotone_text(self) -> str:
        n = len(self.candidates)
        if self.monotone.holds:
            return f"More is never worse: it held on the {n} values evaluated."
        return f"More is not always better here ({self.monotone.detail}), so every value from {self.low} to " \
               f"{self.high} was evaluated."  # fmt: skip


def judge(
    kpis: list[dict[str, float]], targets: Sequence[Target]
) -> tuple[Verdict, dict[str, tuple[float, float, float]]]:
    """The verdict over every target (Bonferroni-adjusted intervals) and each target's interval."""
    level = 1 - 0.05 / len(targets)
    verdicts, intervals = [], {}
    for target in targets:
        values = np.array([k[target.kpi] for k in kpis], dtype=float)
        low, high, _ = interval(values, spec_of(target.kpi), level)
        defined = values[~np.isnan(values)]
        intervals[str(target)] = (float(defined.mean()) if len(defined) else math.nan, low, high)
        verdicts.append(target.judge(low, high))
    if "missed" in verdicts:
        return "missed", intervals
    return ("met" if all(v == "met" for v in verdicts) else "uncertain"), intervals


WORSE_SE = 3.0  # standard errors of the paired difference: a few pairs × targets are tested, so not 2


def _worse(target: Target, smaller: Candidate, larger: Candidate) -> bool:
    """The target's KPI is worse at the larger value beyond WORSE_SE standard errors (paired replications)."""
    n = min(smaller.replications, larger.replications)
    a = np.array([k[target.kpi] for k in smaller.kpis[:n]], dtype=float)
    b = np.array([k[target.kpi] for k in larger.kpis[:n]], dtype=float)
    d = (b - a) if target.op in ("<=", "<") else (a - b)  # positive: worse at the larger value
    d = d[~np.isnan(d)]
    if len(d) < 2:
        return False
    se = float(np.std(d, ddof=1)) / math.sqrt(len(d))
    return float(np.mean(d)) > WORSE_SE * se and float(np.mean(d)) > 0


def check_monotone(candidates: dict[int, Candidate], targets: Sequence[Target]) -> Monotone:
    """ "More is never worse" on the evaluated values: verdicts in order, and no KPI worse at a larger value."""
    values = sorted(candidates)
    met = [v for v in values if candidates[v].verdict == "met"]
    missed = [v for v in values if candidates[v].verdict == "missed"]
    if met and missed and min(met) < max(missed):
        return Monotone(False, f"{min(met)} meets every target but {max(missed)} misses one")
    for small, large in zip(values, values[1:], strict=False):
        for target in targets:
            if _worse(target, candidates[small], candidates[large]):
                return Monotone(False, f"{target.kpi} is worse at {large} than at {small}")
    return Monotone(True)


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
    staff: StaffMode = "follow",
) -> SearchResult:
    """The smallest value of `key` in [low, high] meeting every target with 95% confidence (see the module)."""
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
        s = plan_variant(scenario, {key: value}, staff, source=f"--key {key}")
        c = Candidate(value, staff=staff_text(s))
        known = {t.kpi for t in parsed}
        while c.replications < max_replications:
            start = c.replications
            stop = min(max(start + batch, min_replications), max_replications)  # the first step is the minimum
            c.kpis.extend(_run_batch(executor, s, [(value, r) for r in range(start + 1, stop + 1)], seed))
            missing = known - set(c.kpis[0])
            if missing:
                raise OptionError(f"--target: unknown KPI {sorted(missing)[0]!r}; known: {', '.join(c.kpis[0])}")
            c.verdict, c.intervals = judge(c.kpis, parsed)
            if c.verdict != "uncertain":
                break
        candidates[value] = c
        if on_candidate is not None:
            on_candidate(c)
        return c

    answer = _bisect(evaluate, low, high)
    monotone = check_monotone(candidates, parsed)
    if not monotone.holds:
        if high - low + 1 > MAX_SCAN:
            raise OptionError(f"more {key} is not always better ({monotone.detail}); narrow --min/--max to at most "
                              f"{MAX_SCAN} values so that each can be evaluated")  # fmt: skip
        for value in range(low, high + 1):
            evaluate(value)
        met = [v for v in sorted(candidates) if candidates[v].verdict == "met"]
        answer = met[0] if met else None
        monotone = Monotone(False, monotone.detail, scanned=True)
    return SearchResult(key, parsed, low, high, seed, candidates, answer, monotone)


PROBES = 5  # values tried across the range when the largest misses


def _bisect(evaluate: Callable[[int], Candidate], low: int, high: int) -> int | None:
    """Bisection for the smallest met value, trying the largest first.

    When the largest misses, a few values across the range are tried too: if one of them meets, more is
    not always better, and the check that follows sees it.
    """
    if evaluate(high).verdict != "met":
        for value in sorted({round(low + k * (high - low) / (PROBES - 1)) for k in range(PROBES)}):
            evaluate(value)
        return None
    lo, hi = low, high
    while lo < hi:
        mid = (lo + hi) // 2
        if evaluate(mid).verdict == "met":
            hi = mid
        else:
            lo = mid + 1
    if hi > low:
        evaluate(hi - 1)  # so the result can say whether the value below is missed or uncertain
    return hi


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
        "method": "bisection; replications added in batches until each Bonferroni 95% interval clears every "
                  "threshold; a scan of every value where more was not always better",
        "answer": result.answer,
        "more_is_never_worse": {"holds": result.monotone.holds, "detail": result.monotone.detail,
                                "scanned": result.monotone.scanned},
        "explanation": result.explain(),
        "candidates": [dict(zip(header, row, strict=True)) for row in clean],
    }  # fmt: skip
