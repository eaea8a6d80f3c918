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

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..results.files import COMPARE_JSON
from .compare_words import LANGS, ORDER, findings, number, outside

TEXT: dict[str, tuple[str, str]] = {
    "kicker": ("Plan against the day", "计划与实际对比"),
    "title": ("The plan beside the day", "计划与演练实际对比"),
    "subtitle": ("What the plan expected, with its intervals, beside what the drill's records show.",
                 "计划的预期（含区间）与演练记录所示的实际情况对比。"),
    "intro": ("The plan's numbers are means over its replications with a 95% interval; its range for one day is the "
              "95% prediction interval of a single replication. The day's numbers come from its records directly.",
              "计划数字为多次重复运行的均值及 95% 置信区间；单日范围为单次运行的 95% 预测区间。实际数字直接由演练记录计算。"),
    "wrong": ("Where the plan was wrong", "计划与实际不符之处"),
    "right": ("Where the plan held", "与计划相符之处"),
    "nothing_wrong": ("Nothing: the day lies within the plan's range everywhere compared.",
                      "无：所有对比项均在计划的单日范围内。"),
    "col_kpi": ("Measure", "指标"), "col_plan": ("Plan, mean", "计划均值"), "col_ci": ("95% interval", "95% 置信区间"),
    "col_day": ("Range for one day", "单日范围"), "col_actual": ("The day", "实际"), "col_verdict": ("", ""),
    "within": ("as planned", "符合计划"), "above": ("above the plan", "高于计划"), "below": ("below the plan", "低于计划"),
    "by_hour": ("By hour", "分时段"), "col_hour": ("Hour", "时段"),
    "arrived_plan": ("Arrivals, plan (range)", "到场人数，计划（范围）"), "arrived_actual": ("Arrivals, day", "到场人数，实际"),
    "sampled_plan": ("Swabs, plan (range)", "采样人数，计划（范围）"), "sampled_actual": ("Swabs, day", "采样人数，实际"),
    "by_station": ("By station", "分采样台"), "col_station": ("Station", "采样台"),
    "station_actual": ("Swabs per hour, day", "每小时采样人数，实际"),
    "station_plan": ("Plan, every station (range)", "计划，每台（范围）"),
    "records": ("Records", "记录"), "rows": ("Rows used", "使用行数"), "replications": ("Replications", "重复次数"),
    "seed": ("Seed", "随机种子"),
    "meta": ("Plan: {scenario}, {n} replications, seed {seed}. Records: {records}, {used} of {read} rows used. "
             "Hours from opening ({open}); the first hour also holds arrivals before opening.",
             "计划：{scenario}，重复 {n} 次，随机种子 {seed}。记录：{records}，使用 {read} 行中的 {used} 行。"
             "时段自开放时间（{open}）起算；第一个时段包含开放前到场的人。"),
}  # fmt: skip

LABELS: dict[str, tuple[str, str]] = {
    "stations.count": ("Stations", "采样台数"),
    "stations.per_hour": ("Swabs per station-hour", "每台每小时采样人数"),
}


def w(key: str, lang: str, **values: object) -> str:
    text = TEXT[key][LANGS.index(lang)]
    return text.format(**values) if values else text


def _label(name: str, lang: str) -> str:
    if name in LABELS:
        return LABELS[name][LANGS.index(lang)]
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
        loader=ChoiceLoader([PackageLoader("sim.drill", "templates"), PackageLoader("sim.report", "templates")]),
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
