"""The plan-against-the-day section (compare.html, compare.md; and in the drill report) from compare.json only.

Nothing here runs the model: every number and sentence is read from the file `drill compare` wrote.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..locale import pgettext
from ..results.files import COMPARE_JSON
from .compare_words import ORDER, findings, number, outside

TEXT: dict[str, str] = {
    "kicker": "Plan against the day",
    "title": "The plan beside the day",
    "subtitle": "What the plan expected, with its intervals, beside what the drill's records show.",
    "intro": ("The plan's numbers are means over its replications with a 95% interval; its range for one day is the "
              "95% prediction interval of a single replication. The day's numbers come from its records directly."),
    "wrong": "Where the plan was wrong",
    "right": "Where the plan held",
    "nothing_wrong": "Nothing: the day lies within the plan's range everywhere compared.",
    "col_kpi": "Measure", "col_plan": "Plan, mean", "col_ci": "95% interval",
    "col_day": "Range for one day", "col_actual": "The day", "col_verdict": "",
    "within": "as planned", "above": "above the plan", "below": "below the plan",
    "by_hour": "By hour", "col_hour": "Hour",
    "arrived_plan": "Arrivals, plan (range)", "arrived_actual": "Arrivals, day",
    "sampled_plan": "Swabs, plan (range)", "sampled_actual": "Swabs, day",
    "by_station": "By station", "col_station": "Station",
    "station_actual": "Swabs per hour, day",
    "station_plan": "Plan, every station (range)",
    "records": "Records", "rows": "Rows used", "replications": "Replications",
    "seed": "Seed",
    "meta": ("Plan: {scenario}, {n} replications, seed {seed}. Records: {records}, {used} of {read} rows used. "
             "Hours from opening ({open}); the first hour also holds arrivals before opening."),
}  # fmt: skip

LABELS: dict[str, str] = {  # measures of the comparison itself (the rest: the KPI catalogue)
    "stations.count": "Stations",
    "stations.per_hour": "Swabs per station-hour",
}


def w(key: str, lang: str, **values: object) -> str:
    """The section's text `key` in `lang` (context ``compare.<key>``), placeholders filled."""
    text = pgettext(f"compare.{key}", TEXT[key], lang) if TEXT[key] else ""
    return text.format(**values) if values else text


def _label(name: str, lang: str) -> str:
    if name in LABELS:
        return pgettext(f"compare.kpi.{name}", LABELS[name], lang)
    from ..report.i18n import kpi_label

    return kpi_label(name, lang)


def _verdict(value: float, plan: dict[str, Any], lang: str) -> tuple[str, str]:
    side = outside(value, plan.get("day_low"), plan.get("day_high"))
    key = {0: "within", 1: "above", -1: "below"}[side]
    return w(key, lang), "met" if side == 0 else "missed"


def _pct(name: str, x: float | None) -> str:
    return number(None if x is None else x * (100 if name == "stations.utilization" else 1), name)


def kpi_rows(data: dict[str, Any], lang: str) -> list[dict[str, str]]:
    rows = []
    for name in (*ORDER, "stations.count", "stations.per_hour"):
        plan, actual = data["plan"].get(name), data["actual"].get(name)
        if plan is None or actual is None:
            continue
        verdict, badge = _verdict(actual, plan, lang)
        unit = "%" if name == "stations.utilization" else ""
        ci = "—" if plan["ci_low"] is None else f"{_pct(name, plan['ci_low'])}–{_pct(name, plan['ci_high'])}{unit}"
        day = "—" if plan["day_low"] is None else f"{_pct(name, plan['day_low'])}–{_pct(name, plan['day_high'])}{unit}"
        rows.append({"name": name, "label": _label(name, lang), "plan": _pct(name, plan["mean"]) + unit, "ci": ci,
                     "day": day, "actual": _pct(name, actual) + unit, "verdict": verdict, "badge": badge})  # fmt: skip
    return rows


def _range(plan: dict[str, Any], kpi: str) -> str:
    if plan.get("day_low") is None:
        return number(plan["mean"], kpi)
    return f"{number(plan['mean'], kpi)} ({number(plan['day_low'], kpi)}–{number(plan['day_high'], kpi)})"


def hour_rows(data: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for label in data["hours"]:
        row: dict[str, str] = {"hour": label}
        for kind in ("arrived", "sampled"):
            key = f"hour.{label}.{kind}"
            plan, value = data["plan"][key], data["actual"][key]
            side = outside(value, plan.get("day_low"), plan.get("day_high"))
            row[f"{kind}_plan"] = _range(plan, key)
            row[kind] = number(value, key)
            row[f"{kind}_badge"] = "met" if side == 0 else "missed"
            row[f"{kind}_mark"] = "" if side == 0 else (" ↑" if side > 0 else " ↓")
        rows.append(row)
    return rows


def station_rows(data: dict[str, Any], lang: str) -> list[dict[str, str]]:
    plan = data["plan"]["stations.per_hour"]
    rows = []
    for label in data.get("stations", []):
        value = data["actual"][f"station.{label}.per_hour"]
        verdict, badge = _verdict(value, plan, lang)
        rows.append({"label": label, "actual": number(value), "plan": _range(plan, "stations.per_hour"),
                     "verdict": verdict, "badge": badge})  # fmt: skip
    return rows


def section_context(data: dict[str, Any], lang: str, number_: int | str | None = None) -> dict[str, Any]:
    """Everything the compare templates show."""
    rows = data["rows"]
    return {
        "lang": lang, "w": lambda key, **v: w(key, lang, **v), "number": number_,
        "findings": findings(data, lang), "kpis": kpi_rows(data, lang), "hours": hour_rows(data),
        "stations": station_rows(data, lang),
        "meta": w("meta", lang, scenario=data["scenario"], n=data["replications"], seed=data["seed"],
                  records=Path(data["records"]).name, used=f"{rows['used']:,}", read=f"{rows['read']:,}",
                  open=data["open"]),
    }  # fmt: skip


def _md(text: object) -> str:
    return html.escape(str(text), quote=False)


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("sim.report", "templates"),
        autoescape=select_autoescape(["html", "html.j2"]) if autoescape else False,
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )  # fmt: skip
    env.filters["md"] = _md
    env.filters["cell"] = lambda text: re.sub(r"\s*\n\s*", " ", _md(text)).replace("|", "\\|")
    return env


def read_compare(folder: Path) -> dict[str, Any] | None:
    path = Path(folder) / COMPARE_JSON
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def compare_section(folder: Path, lang: str, number_: int | str | None = None) -> dict[str, Markup | str] | None:
    """The section as HTML and Markdown, for the drill report of a folder holding compare.json (else None)."""
    data = read_compare(folder)
    if data is None:
        return None
    ctx = section_context(data, lang, number_)
    return {"html": Markup(_environment(True).get_template("_compare.html.j2").render(ctx)),
            "md": _environment(False).get_template("_compare.md.j2").render(ctx)}  # fmt: skip


def render_compare(data: dict[str, Any], lang: str) -> tuple[str, str]:
    """compare.html (self-contained, the drill report's style) and compare.md."""
    from ..report.fonts import css_font_stack

    rows = data["rows"]
    ctx = {
        **section_context(data, lang), "scenario_name": data["scenario"], "records": data["records"],
        "rows": f"{rows['used']:,} / {rows['read']:,}", "replications": data["replications"], "seed": data["seed"],
        "built": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "font_stack": Markup(css_font_stack()),
    }  # fmt: skip
    return (_environment(True).get_template("compare.html.j2").render(ctx),
            _environment(False).get_template("compare.md.j2").render(ctx))  # fmt: skip
