"""The planner's brief: the verdict and five lines, worded from a run's summary (and variants) only.

1. was everyone due swabbed; 2. the last swab against the deadline; 3. the worst door-to-swab wait;
4. each aim met, missed or uncertain; 5. the bottleneck and the change that relieves it.
Every number comes from summary.json (or variants.json); nothing here runs the model.
"""

from __future__ import annotations

from typing import Any

from ..scenario.units import format_clock
from .verdict import OPS

STAGE_WORDS = {
    "gates": "the residence gates", "entry": "the entry check", "waiting_zone": "the waiting zone",
    "stations": "the sampling stations", "staff": "the staff roster (posts closed or never opened)",
    "buffer": "the buffer zone", "callup": "the call-up and the opening hours", "courier": "the courier",
    "lab": "the lab", "doorstep": "the door-to-door teams",
}  # fmt: skip
RELIEF_WORDS = {
    "gates": "more checker lanes at the gates", "entry": "an entry-check lane with its checkers",
    "waiting_zone": "a larger waiting zone", "stations": "a station with its staff",
    "staff": "rosters that keep every post staffed", "buffer": "more changing places",
    "callup": "calling buildings sooner or keeping admissions open longer",
    "courier": "the courier coming for a full box, or more often", "lab": "more lab capacity or larger pools",
    "doorstep": "another door-to-door team",
}  # fmt: skip
VERDICT_WORDS = {"met": "met", "missed": "MISSED", "uncertain": "uncertain", "undefined": "no value",
                 "unknown": "unknown KPI"}  # fmt: skip


def num(value: float | None, places: int | None = None) -> str:
    """A number as the terminal shows it: thousands separated; 2 decimals under 10, 1 under 100, else none."""
    if value is None:
        return "—"
    if places is None:
        places = 0 if float(value).is_integer() or abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{places}f}"


def clock(summary: dict[str, Any], minutes: float | None) -> str:
    """Minutes after opening as a time of day."""
    if minutes is None:
        return "—"
    open_s = summary.get("open_s")
    return format_clock(float(open_s) + 60 * minutes) if open_s is not None else f"{minutes:.0f} min"


def _kpi(summary: dict[str, Any], name: str, stat: str = "mean") -> float | None:
    entry = summary["kpis"].get(name)
    return None if entry is None else entry.get(stat)


def _interval(summary: dict[str, Any], name: str) -> str:
    entry = summary["kpis"].get(name, {})
    if entry.get("ci_low") is None:
        return ""
    return f" (95% {num(entry['ci_low'])}–{num(entry['ci_high'])})"


def verdict_line(summary: dict[str, Any]) -> str:
    v = summary["verdict"]
    aims = v["aims"]
    if v["met"]:
        head = f"MEETS ITS AIMS: all {len(aims)} met"
        if v["risks"]:
            head += ", but at risk: " + "; ".join(risk_text(summary, r) for r in v["risks"])
        return head + "."
    missed = [a for a in aims if a["verdict"] != "met"]
    return f"DOES NOT MEET ITS AIMS: {len(missed)} of {len(aims)} not met."


def risk_text(summary: dict[str, Any], risk: dict[str, Any]) -> str:
    if risk["kind"] == "deadline":
        return (f"{risk['replications']} of {risk['of']} replications miss {risk['target']} "
                f"(slowest {clock(summary, risk['worst'])})")  # fmt: skip
    return f"people were left unswabbed in {risk['replications']} of {risk['of']} replications (up to {num(risk['worst'])})"


def coverage_line(summary: dict[str, Any]) -> str:
    left, sampled = _kpi(summary, "people.unswabbed"), _kpi(summary, "people.sampled")
    if left is None:
        return "Everyone due swabbed: —"
    worst = _kpi(summary, "people.unswabbed", "max") or 0
    if worst == 0:
        return f"Everyone due swabbed: yes, in every replication ({num(sampled)} swabbed on average)."
    causes = {
        "set_out_late": "set out too late to arrive before admissions stopped",
        "delayed": "were held up at a gate until too late",
        "turned_away": "were turned away at a full waiting zone",
        "hard_stop": "were still waiting at the hard stop",
    }
    parts = [f"{num(n)} {words}" for key, words in causes.items() if (n := _kpi(summary, f"people.unswabbed.{key}"))]
    share = _kpi(summary, "coverage.share")
    return (f"Everyone due swabbed: NO — {num(left)} on average left unswabbed{_interval(summary, 'people.unswabbed')}, "
            f"coverage {num(100 * share, 1) if share is not None else '—'}%, up to {num(worst)} in one replication; "
            + ", ".join(parts) + ".")  # fmt: skip


def _deadline(summary: dict[str, Any]) -> dict[str, Any] | None:
    return next((a for a in summary["verdict"]["aims"] if a["kpi"] == "time.completion_min" and a["op"] in ("<=", "<")),
                None)  # fmt: skip


def last_swab_line(summary: dict[str, Any]) -> str:
    entry = summary["kpis"].get("time.completion_min", {})
    if entry.get("mean") is None:
        return "Last swab: nobody was swabbed."
    text = f"Last swab: {clock(summary, entry['mean'])} on average"
    if entry.get("ci_low") is not None:
        text += f" (95% {clock(summary, entry['ci_low'])}–{clock(summary, entry['ci_high'])})"
    text += f", slowest replication {clock(summary, entry['max'])}"
    deadline = _deadline(summary)
    if deadline is None:
        return text + f"; admissions stop at {summary.get('close', '—')} (no deadline set as a target)."
    return text + f"; deadline {clock(summary, deadline['value'])}: {VERDICT_WORDS[deadline['verdict']]}."


def wait_line(summary: dict[str, Any]) -> str:
    door = summary["kpis"].get("wait.door_to_swab.max_min", {})
    if door.get("mean") is None:
        return "Longest wait from setting out to the swab: —"
    start = "leaving home" if "wait.gate.mean_min" in summary["kpis"] else "arriving"
    return (f"Longest wait from {start} to the swab: {num(door['mean'])} min on average, {num(door['max'])} min in "
            f"the worst replication (95% of people: at most {num(_kpi(summary, 'wait.door_to_swab.p95_min'))} min).")  # fmt: skip


def aim_lines(summary: dict[str, Any]) -> list[str]:
    out = []
    for aim in summary["verdict"]["aims"]:
        target = f"{aim['kpi']} {OPS[aim['op']]} {aim['value']:g}" + (" (default aim)" if aim.get("default") else "")
        value = num(aim["mean"])
        if aim["ci_low"] is not None:
            value += f" (95% {num(aim['ci_low'])}–{num(aim['ci_high'])})"
        out.append(f"  {VERDICT_WORDS[aim['verdict']]:<9} {target:<38} {value}")
    return out


def bottleneck_line(summary: dict[str, Any], variants: dict[str, Any] | None = None) -> str:
    b = summary["bottleneck"]
    if b["binding"]:
        named = "; ".join(
            f"{STAGE_WORDS.get(x['stage'], x['stage'])} (for {', '.join(x['aims'])})" for x in b["binding"]
        )
        relief = "; ".join(RELIEF_WORDS.get(x["stage"], "") for x in b["binding"])
        text = f"Bottleneck: {named}. Change to try: {relief}."
    else:
        nearest = b.get("nearest") or "stations"
        text = f"Bottleneck: none binds; nearest its limit: {STAGE_WORDS.get(nearest, nearest)}."
    if variants is not None:
        text += " " + recommendation_line(variants)
    elif b["binding"]:
        text += " (`--report` tests the changes on the same random numbers.)"
    return text


def variant_by_name(variants: dict[str, Any], name: str | None) -> dict[str, Any] | None:
    return next((v for v in variants["variants"] if v["name"] == name), None)


def recommendation_line(variants: dict[str, Any]) -> str:
    rec = variants["recommendation"]
    best = variant_by_name(variants, rec["variant"])
    n = len(variants["variants"])
    if best is not None:
        cost = f"{best['people_added']:+d} people" if best["people_added"] else "no extra people"
        if best.get("extra_time"):
            cost += f", {best['extra_time']}"
        return f"Recommended (smallest of {n} changes tried that meets every aim): {best['what']} ({cost})."
    closest = variant_by_name(variants, rec["closest"])
    if closest is None:
        return "No change was tried."
    still = [a["target"] for a in closest["verdict"]["aims"] if a["verdict"] != "met"]
    return f"None of the {n} changes tried meets every aim; closest: {closest['what']} (still not met: {', '.join(still)})."


def brief(summary: dict[str, Any], variants: dict[str, Any] | None = None) -> list[str]:
    """The verdict and the five lines, in order."""
    return [verdict_line(summary), coverage_line(summary), last_swab_line(summary), wait_line(summary), "Aims:",
            *aim_lines(summary), bottleneck_line(summary, variants)]  # fmt: skip


def staffing_line(summary: dict[str, Any]) -> str | None:
    """How many stations opened and why (with staff rotations)."""
    plans = {p["role"]: p for p in summary.get("staffing", [])}
    station_roles = [plans[r] for r in ("sampler", "registrar") if r in plans]
    if not station_roles:
        return None
    stations = station_roles[0]["posts"]
    opened = _kpi(summary, "stations.open")
    people = " and ".join(f"{p['roster']} {p['role']}s" for p in station_roles)
    first = station_roles[0]
    why = (f"each works {first['stretch_min']:g} of every {first['cycle_min']:g} min, so {people} keep "
           f"{min(p['sustainable'] for p in station_roles)} post(s) staffed through rotations")  # fmt: skip
    need = max(p["needed"] for p in station_roles)
    text = f"Staffing: {num(opened)} of {stations} stations open on average ({why}"
    if any(p["roster"] < p["needed"] for p in station_roles):
        text += f"; {need} of each are needed for all {stations}"
    return text + ")."
