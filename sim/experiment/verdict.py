"""Targets, aims and the verdict of a run: met, missed or uncertain, read from each KPI's 95% interval.

A target reads **met** when the interval of its KPI's mean lies wholly on the right side of the threshold,
**missed** when it lies wholly on the wrong side, and **uncertain** otherwise (also with one replication,
which gives no interval); **undefined** when the KPI had no value in any replication (nobody swabbed) and
**unknown** when the run has no such KPI. The aims of a plan are its targets plus, unless the scenario
relaxes it (``aims.everyone_swabbed: false``), that nobody who set out is left unswabbed
(``people.unswabbed<=0``). A plan meets its aims only if every aim is met.

Risks do not change the verdict but keep a headline from being green: a deadline (a ``<=`` target on a
time of day, such as ``time.completion_min``) missed by the slowest replication, and people left
unswabbed in some replication where that aim was relaxed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..errors import OptionError
from ..measure.catalogue import spec_of
from ..measure.stats import interval
from ..scenario.schema import Scenario, parse_target

Verdict = Literal["met", "missed", "uncertain", "undefined", "unknown"]
EVERYONE_SWABBED = "people.unswabbed<=0"
OPS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}


@dataclass(frozen=True)
class Target:
    """One target `KPI op value`, e.g. wait.total.p95_min<=20."""

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

    def holds(self, x: float) -> bool:
        """Whether a single value meets the target."""
        return {"<=": x <= self.value, "<": x < self.value, ">=": x >= self.value, ">": x > self.value}[self.op]

    def judge(self, low: float, high: float) -> Verdict:
        """Where the interval [low, high] lies against the threshold."""
        if math.isnan(low) or math.isnan(high):
            return "uncertain"
        if self.op in ("<=", "<"):
            ok = high <= self.value if self.op == "<=" else high < self.value
            bad = low > self.value if self.op == "<=" else low >= self.value
        else:
            ok = low >= self.value if self.op == ">=" else low > self.value
            bad = high < self.value if self.op == ">=" else high <= self.value
        return "met" if ok else "missed" if bad else "uncertain"

    @property
    def is_deadline(self) -> bool:
        """A latest time of day (the last swab, the last result): the slowest replication must meet it too."""
        spec = spec_of(self.kpi)
        return self.op in ("<=", "<") and spec is not None and spec.kind == "clock"


def judge_values(target: Target, values: np.ndarray | None, level: float = 0.95) -> dict[str, Any]:
    """The judged target: verdict, mean, interval, replications in which the KPI had a value, the worst one."""
    out: dict[str, Any] = {"target": str(target), "kpi": target.kpi, "op": target.op, "value": target.value,
                           "mean": None, "ci_low": None, "ci_high": None, "n": 0, "worst": None,
                           "replications_missed": None}  # fmt: skip
    if values is None:
        return {**out, "verdict": "unknown", "met": None}
    values = np.asarray(values, dtype=float)
    defined = values[~np.isnan(values)]
    if not len(defined):
        return {**out, "verdict": "undefined", "met": False}
    low, high, _ = interval(defined, spec_of(target.kpi), level)
    verdict = target.judge(low, high)
    worst = float(defined.max() if target.op in ("<=", "<") else defined.min())
    missed = int(sum(not target.holds(float(x)) for x in defined))
    out.update({"mean": float(defined.mean()), "ci_low": _num(low), "ci_high": _num(high), "n": int(len(defined)),
                "worst": worst, "replications_missed": missed, "verdict": verdict, "met": verdict == "met"})  # fmt: skip
    return out


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def aims_of(scenario: Scenario) -> list[tuple[str, bool]]:
    """(target text, is the default aim) for every aim of a scenario: its targets, then everyone swabbed."""
    out = [(text, False) for text in scenario.targets]
    if scenario.aims.everyone_swabbed and EVERYONE_SWABBED not in scenario.targets:
        out.append((EVERYONE_SWABBED, True))
    return out


def judge_targets(targets: Sequence[str], columns: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """Each target judged on its KPI's per-replication values (`columns`: KPI → values)."""
    out = []
    for text in targets:
        target = Target.parse(text)
        out.append(judge_values(target, columns.get(target.kpi)))
    return out


def verdict(scenario: Scenario, columns: dict[str, np.ndarray]) -> dict[str, Any]:
    """The verdict of a run: met only if every aim is met; the reasons when not; the risks that remain."""
    risks = []
    unswabbed = columns.get("people.unswabbed")
    if unswabbed is not None and not scenario.aims.everyone_swabbed:
        left = np.asarray(unswabbed, dtype=float)
        if np.nansum(left) > 0:
            risks.append({"kind": "unswabbed", "target": EVERYONE_SWABBED, "kpi": "people.unswabbed",
                          "replications": int(np.sum(left > 0)), "of": int(np.sum(~np.isnan(left))),
                          "worst": float(np.nanmax(left))})  # fmt: skip
    return _verdict(aims_of(scenario), columns, risks)


def city_aims(deadline_min: float, columns: dict[str, np.ndarray]) -> list[tuple[str, bool]]:
    """A city round's aims: every site done by the deadline, everyone who came swabbed, every
    tube at the lab within the room-temperature limit and every result out by the deadline (FACTS.md: mass
    testing within 24 h), each where the round measures it."""
    aims = ["sites.done_by_deadline.share>=1", "people.unserved<=0", "samples.over_limit<=0",
            f"lab.last_result_min<={deadline_min:g}"]  # fmt: skip
    return [(text, False) for text in aims if Target.parse(text).kpi in columns]


def city_verdict(deadline_min: float, columns: dict[str, np.ndarray]) -> dict[str, Any]:
    """The verdict of a city round, read as a site's is: met only if every aim is met."""
    return _verdict(city_aims(deadline_min, columns), columns, [])


def _verdict(aims_given: list[tuple[str, bool]], columns: dict[str, np.ndarray],
             risks: list[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    aims = []
    for text, default in aims_given:
        target = Target.parse(text)
        aims.append({**judge_values(target, columns.get(target.kpi)), "default": default})
    reasons = [aim for aim in aims if aim["verdict"] != "met"]
    deadlines = []
    for aim in aims:
        target = Target.parse(aim["target"])
        if target.is_deadline and aim["verdict"] == "met" and aim["replications_missed"]:
            deadlines.append({"kind": "deadline", "target": aim["target"], "kpi": target.kpi,
                              "replications": aim["replications_missed"], "of": aim["n"], "worst": aim["worst"]})  # fmt: skip
    risks = deadlines + risks
    met = not reasons
    state = "not_met" if not met else "at_risk" if risks else "met"
    return {"met": met, "state": state, "reasons": [_reason(aim) for aim in reasons], "aims": aims, "risks": risks}


def _reason(aim: dict[str, Any]) -> dict[str, Any]:
    """A reason the verdict is not met, with its sentence (the report words it again in its language)."""
    return {**{k: aim[k] for k in ("target", "kpi", "verdict", "mean", "ci_low", "ci_high", "n", "default")},
            "text": reason_text(aim)}  # fmt: skip


def reason_text(aim: dict[str, Any]) -> str:
    """One line: the aim, its verdict and the numbers behind it."""
    target = f"{aim['kpi']} {OPS[aim['op']]} {aim['value']:g}"
    if aim["verdict"] == "unknown":
        return f"{target}: no such measure in this run"
    if aim["verdict"] == "undefined":
        return f"{target}: no value in any replication (nobody reached that point)"
    ci = "" if aim["ci_low"] is None else f", 95% interval {aim['ci_low']:.4g}–{aim['ci_high']:.4g}"
    return f"{target}: {aim['verdict']} (mean {aim['mean']:.4g}{ci}, {aim['n']} replications)"
