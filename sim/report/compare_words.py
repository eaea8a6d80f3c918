"""Where the plan was wrong, in a planner's words, read from compare.json only (translations: sim/locale).

Every sentence is derived from the numbers on file: an input is "wrong" when the plan's value lies
outside the interval the records give for it; a KPI when the day lies outside the plan's range for
one day (its 95% prediction interval over the replications).
"""

from __future__ import annotations

import math
from typing import Any

from ..locale import pgettext

__all__ = ["ORDER", "WORDS", "findings", "number", "outside", "say"]

SHOWN = 3  # at most this many hours and stations in the sentences (the tables have them all)

WORDS: dict[str, str] = {
    "swab.mean_s": "Swabs took {actual} s on average ({low}–{high} s); the plan assumed {plan} s.",
    "registration.mean_s": ("Registration took {actual} s on average ({low}–{high} s, leaving out the waits for the "
                            "sampler); the plan assumed {plan} s."),
    "factors": " ({own} s times its groups' factors)",
    "stations.count": "The day used {actual} stations; the plan has {plan}.",
    "people.arrived": "{actual} people came; the plan expected {plan} ({low}–{high} on a day).",
    "people.sampled": "{actual} people were swabbed; the plan expected {plan} ({low}–{high} on a day).",
    "throughput.per_hour": "The site swabbed {actual} people an hour; the plan expected {plan} ({low}–{high}).",
    "time.completion_min": ("The last swab was done at {actual_clock}, {actual} min after opening; the plan expected "
                            "{plan_clock} ({low}–{high} min)."),
    "wait.total.mean_min": ("People waited {actual} min on average from arrival to swab; the plan expected {plan} min "
                            "({low}–{high} on a day)."),
    "wait.total.p95_min": "95% of people waited at most {actual} min; the plan expected {plan} min ({low}–{high}).",
    "wait.total.max_min": "The longest wait was {actual} min; the plan expected {plan} min ({low}–{high}).",
    "time.in_site.mean_min": ("People spent {actual} min on site on average; the plan expected {plan} min "
                              "({low}–{high})."),
    "stations.utilization": "Stations were occupied {actual}% of the time; the plan expected {plan}% ({low}–{high}%).",
    "samples.tubes": "{actual} tubes were filled; the plan expected {plan} ({low}–{high}).",
    "hour.arrived": "Between {start} and {end}, {actual} people came; the plan expected {plan} ({low}–{high}).",
    "hour.sampled": "Between {start} and {end}, {actual} people were swabbed; the plan expected {plan} ({low}–{high}).",
    "station": ("Station {label} swabbed {actual} people an hour; the plan assumed {plan} at every station "
                "({low}–{high})."),
    "all_right": "Every number compared lies within the plan's range for one day.",
    "one_replication": "The plan was run once: a range for one day needs at least two replications.",
    "rejected": ("{n} of {read} rows of the records were left out (see rejected.csv): the actual numbers are of "
                 "the other {used}."),
}  # fmt: skip

ORDER = ("people.arrived", "people.sampled", "wait.total.mean_min", "wait.total.p95_min", "wait.total.max_min",
         "time.completion_min", "throughput.per_hour", "time.in_site.mean_min", "stations.utilization",
         "samples.tubes")  # fmt: skip


def say(key: str, lang: str, **values: object) -> str:
    """The sentence `key` in `lang` (context ``compare.finding.<key>``), placeholders filled."""
    return pgettext(f"compare.finding.{key}", WORDS[key], lang).format(**values)


def number(value: float | None, kpi: str = "") -> str:
    """Planner-sized numbers: whole people and tubes, minutes and seconds to a tenth."""
    if value is None or not math.isfinite(value):
        return "—"
    if kpi.startswith(("people.", "samples.", "hour.", "stations.count")) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 1 else f"{value:.1f}"


def _clock(open_text: str, minutes: float) -> str:
    h, m = (int(x) for x in open_text.split(":"))
    total = int(round(h * 60 + m + minutes))
    return f"{total // 60:02d}:{total % 60:02d}"


def outside(actual: float, low: float | None, high: float | None) -> int:
    """−1 below the range, +1 above it, 0 inside (or no range)."""
    if low is None or high is None:
        return 0
    eps = 1e-9 * max(1.0, abs(low), abs(high))
    return -1 if actual < low - eps else (1 if actual > high + eps else 0)


def _values(kpi: str, plan: dict[str, Any], actual: float) -> dict[str, str]:
    scale = 100.0 if kpi == "stations.utilization" else 1.0

    def show(x: float | None) -> str:
        return number(None if x is None else x * scale, kpi)

    return {"actual": show(actual), "plan": show(plan["mean"]), "low": show(plan.get("day_low")),
            "high": show(plan.get("day_high"))}  # fmt: skip


def findings(data: dict[str, Any], lang: str) -> dict[str, list[str]]:
    """{'wrong': [...], 'right': [...], 'notes': [...]}: sentences read from compare.json's numbers."""
    plan, actual = data["plan"], data["actual"]
    wrong: list[str] = []
    right: list[str] = []
    notes: list[str] = []
    for key, entry in data.get("inputs", {}).items():
        if entry.get("plan") is None:
            continue
        values = {k: number(entry[k]) for k in ("actual", "low", "high", "plan")}
        text = say(key, lang, **values)
        own = entry.get("plan_dist")
        if own is not None and abs(own - entry["plan"]) > 1e-9:  # the groups' factors change the plan's mean
            text = text[:-1] + say("factors", lang, own=number(own)) + text[-1]
        (wrong if outside(entry["plan"], entry["low"], entry["high"]) else right).append(text)
    if actual.get("stations.count") != plan["stations.count"]["mean"]:
        wrong.append(say("stations.count", lang, actual=number(actual["stations.count"], "stations.count"),
                         plan=number(plan["stations.count"]["mean"], "stations.count")))  # fmt: skip
    if data.get("replications", 0) < 2:
        notes.append(say("one_replication", lang))
    for kpi in ORDER:
        if kpi not in plan or kpi not in actual:
            continue
        values = _values(kpi, plan[kpi], actual[kpi])
        if kpi == "time.completion_min":
            values.update(
                actual_clock=_clock(data["open"], actual[kpi]), plan_clock=_clock(data["open"], plan[kpi]["mean"])
            )
        side = outside(actual[kpi], plan[kpi].get("day_low"), plan[kpi].get("day_high"))
        (wrong if side else right).append(say(kpi, lang, **values))
    wrong += _hours(data, lang) + _stations(data, lang)
    if not wrong and data.get("replications", 0) >= 2:
        notes.append(say("all_right", lang))
    rows = data.get("rows", {})
    if rows.get("rejected"):
        notes.append(
            say("rejected", lang, n=f"{rows['rejected']:,}", read=f"{rows['read']:,}", used=f"{rows['used']:,}")
        )
    return {"wrong": wrong, "right": right, "notes": notes}


def _worst(items: list[tuple[float, str]]) -> list[str]:
    return [text for _, text in sorted(items, key=lambda x: -x[0])[:SHOWN]]


def _hours(data: dict[str, Any], lang: str) -> list[str]:
    """The hours (at most SHOWN, the furthest off first) whose arrivals or swabs lie outside the plan's range."""
    out = []
    hours = data["hours"]
    for kind in ("arrived", "sampled"):
        items = []
        for k, label in enumerate(hours):
            key = f"hour.{label}.{kind}"
            plan, value = data["plan"].get(key), data["actual"].get(key)
            if plan is None or value is None or not outside(value, plan.get("day_low"), plan.get("day_high")):
                continue
            end = hours[k + 1] if k + 1 < len(hours) else _clock(label, 60)
            off = abs(value - plan["mean"]) / max(plan["mean"], 1.0)
            items.append((off, say(f"hour.{kind}", lang, start=label, end=end, **_values(key, plan, value))))
        out += _worst(items)
    return out


def _stations(data: dict[str, Any], lang: str) -> list[str]:
    plan = data["plan"]["stations.per_hour"]
    items = []
    for label in data.get("stations", []):
        value = data["actual"].get(f"station.{label}.per_hour")
        if value is None or not outside(value, plan.get("day_low"), plan.get("day_high")):
            continue
        off = abs(value - plan["mean"]) / max(plan["mean"], 1.0)
        items.append((off, say("station", lang, label=label, **_values("stations.per_hour", plan, value))))
    return _worst(items)
