"""The city round's report: summary, inputs, KPI table and figures from a city results folder.

Reads sites.csv, hourly.csv, lab_backlog.csv, replications.csv and summary.json written by
sim/city_results.py; like the site report, it never runs the model.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..scenario.units import format_clock
from .advice import aims_table, risk_text, target_text
from .analysis import _share, fmt, fmt_dist, summary_kpi_rows
from .data import CityResults
from .figures import BLUE, GREEN, GREY, ORANGE, PURPLE, RED
from .i18n import t

CITY_KEY_KPIS = (
    "sites.count", "people.arrived", "people.sampled", "people.unserved", "sites.done_by_deadline.share",
    "people.done_by_deadline.share", "time.completion_min", "time.completion.p50_min", "wait.total.mean_min",
    "wait.site_p95.max_min", "stations.utilization", "samples.tubes", "samples.age_at_lab.max_min",
    "samples.over_limit", "lab.backlog.peak", "lab.last_result_min",
)  # fmt: skip
LAB_COLOURS = (PURPLE, ORANGE, BLUE, GREEN, RED, GREY)


def city_clock(results: CityResults, minutes: float | None, lang: str) -> str:
    """Minutes after opening as a time of day, with the day where it is not the first ('12:00 next day')."""
    if minutes is None:
        return "—"
    seconds = results.city.clock.open + 60.0 * round(minutes)
    day = int(seconds // 86400)
    clock = format_clock(seconds % 86400)
    if day == 0:
        return clock
    if day == 1:
        return t("c_next_day", lang, clock=clock)
    return t("c_day_n", lang, clock=clock, day=day + 1)


def _tick(results: CityResults, minutes: float) -> str:
    seconds = results.city.clock.open + 60.0 * minutes
    day = int(seconds // 86400)
    return format_clock(seconds % 86400) + (f"\n+{day} d" if day else "")


def _clock_axis(ax: plt.Axes, results: CityResults, end_min: float, lang: str, start_min: float = 0.0) -> None:
    """x axis in time of day (with the day after the first), from start_min to end_min after opening."""
    span = end_min - start_min
    step = next((s for s in (10, 15, 30, 60, 120, 240) if span / s <= 8), 480)
    open_min = results.city.clock.open / 60
    first = start_min + (-(open_min + start_min)) % step
    ax.set_xticks(np.arange(first, end_min + 1e-9, step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda m, _pos: _tick(results, m)))
    ax.set_xlim(start_min, end_min)
    ax.set_xlabel(t("ax_clock", lang))


def _deadline(ax: plt.Axes, results: CityResults, lang: str, shown_to: float | None = None) -> None:
    """The deadline (dashed red) and where admissions stop (dotted); past the axis, the deadline is named at its edge."""
    deadline = results.city.deadline / 60
    label = t("c_lbl_deadline", lang, at=city_clock(results, deadline, lang))
    if shown_to is None or deadline <= shown_to:
        ax.axvline(deadline, color=RED, ls="--", lw=1.4, zorder=3)
        ax.annotate(label, (deadline, 0.98), xycoords=("data", "axes fraction"), xytext=(-3, 0),
                    textcoords="offset points", va="top", ha="right", rotation=90, fontsize=7.5, color=RED)  # fmt: skip
    else:
        ax.annotate(label + " →", (1.0, 0.98), xycoords="axes fraction", va="top", ha="right", fontsize=8, color=RED)
    close = results.city.clock.duration / 60
    if shown_to is None or close <= shown_to:
        ax.axvline(close, color=GREY, ls=":", lw=1, zorder=1)
        ax.annotate(t("lbl_close", lang), (close, 0.98), xycoords=("data", "axes fraction"), xytext=(-3, 0),
                    textcoords="offset points", va="top", ha="right", rotation=90, fontsize=7.5, color=GREY)  # fmt: skip


def _span(results: CityResults, *ends: float) -> float:
    """Minutes shown: past the deadline and every end given, to a whole hour."""
    end = max(results.city.deadline / 60, *ends) + 60
    return float(np.ceil(end / 60) * 60)


def _thousands(ax: plt.Axes) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}" if abs(v) >= 10 else f"{v:g}"))


def cumulative(results: CityResults, lang: str) -> Figure | None:
    """People swabbed by the end of each hour (hourly.csv: mean, 95% band over replications) against the deadline."""
    hours, total = results.hourly.get("hour"), results.hourly.get("swabbed_cumulative")
    if not isinstance(hours, np.ndarray) or not isinstance(total, np.ndarray) or not len(hours):
        return None
    x = np.r_[0.0, (hours + 1) * 60]
    y = np.r_[0.0, total]
    fig, ax = plt.subplots(figsize=(8.6, 3.3))
    ax.plot(x, y, color=GREEN, lw=1.8, marker="o", ms=3, label=t("c_lbl_swabbed", lang))
    low, high = results.hourly.get("swabbed_cumulative_ci_low"), results.hourly.get("swabbed_cumulative_ci_high")
    if isinstance(low, np.ndarray) and isinstance(high, np.ndarray):  # only with 2+ replications
        ax.fill_between(x, np.r_[0.0, low], np.r_[0.0, high], color=GREEN, alpha=0.2, lw=0)
    arrived = results.kpi("people.arrived")
    if arrived is not None:
        ax.axhline(arrived, color=GREY, ls="--", lw=1, label=t("c_lbl_came", lang, n=fmt(arrived, "people")))
    _thousands(ax)
    ax.set_ylabel(t("ax_people", lang))
    ax.set_ylim(0, max(float(y.max()), arrived or 0.0) * 1.08)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2)
    _deadline(ax, results, lang)
    _clock_axis(ax, results, _span(results, float(x[-1])), lang)
    return fig


def backlog(results: CityResults, lang: str) -> Figure | None:
    """Tubes waiting at each lab every 10 minutes (lab_backlog.csv, mean over replications)."""
    minutes = results.lab_backlog.get("minute")
    labs = [name for name, v in results.lab_backlog.items() if name not in ("minute", "clock")
            and isinstance(v, np.ndarray)]  # fmt: skip
    if not isinstance(minutes, np.ndarray) or not labs:
        return None
    fig, ax = plt.subplots(figsize=(8.6, 3.1))
    for k, name in enumerate(labs):
        colour = LAB_COLOURS[k % len(LAB_COLOURS)]
        series = results.lab_backlog[name]
        ax.plot(minutes, series, color=colour, lw=1.6, label=name)
        ax.fill_between(minutes, 0, series, color=colour, alpha=0.1, lw=0)
    _thousands(ax)
    ax.set_ylabel(t("c_ax_tubes", lang))
    peak = max(float(np.max(results.lab_backlog[name])) for name in labs)
    ax.set_ylim(0, max(peak * 1.1, 1.0))
    if peak == 0:
        ax.annotate(t("c_lbl_no_backlog", lang), (0.2, 0.5), xycoords="axes fraction", ha="center", color=GREY)
    last = results.kpi("lab.last_result_min")
    if last:
        ax.axvline(last, color=PURPLE, ls="-.", lw=1, zorder=2)
        ax.annotate(t("c_lbl_last_result", lang, at=city_clock(results, last, lang)), (last, 0.98),
                    xycoords=("data", "axes fraction"), xytext=(-3, 0), textcoords="offset points", va="top",
                    ha="right", rotation=90, fontsize=7.5, color=PURPLE)  # fmt: skip
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3)
    _deadline(ax, results, lang)
    _clock_axis(ax, results, _span(results, float(minutes[-1]) if len(minutes) else 0.0, last or 0.0), lang)
    return fig


def completion(results: CityResults, lang: str) -> Figure | None:
    """Histogram of site completion times (sites.csv: every site of every replication) with the deadline."""
    done = results.sites.get("completion_min")
    if not isinstance(done, np.ndarray) or not len(done):
        return None
    low, high = float(done.min()), float(done.max())
    width = next((w for w in (1, 2, 5, 10, 15, 30, 60) if (high - low) / w <= 40), 120)
    bins = np.arange(np.floor(low / width) * width, high + width, width)
    start = min(bins[0], results.city.clock.duration / 60) - 2 * width
    end = max(bins[-1], start + 60) + 2 * width
    fig, ax = plt.subplots(figsize=(8.6, 3.1))
    ax.hist(done, bins=list(bins) if len(bins) > 1 else 10, color=BLUE, alpha=0.85, edgecolor="white", lw=0.5)
    ax.set_ylabel(t("c_ax_sites", lang, width=width))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _deadline(ax, results, lang, shown_to=end)
    _clock_axis(ax, results, end, lang, start_min=start)
    return fig


CITY_FIGURES = [
    ("city_cumulative", "c_fig_cumulative", cumulative, "c_cap_cumulative"),
    ("city_backlog", "c_fig_backlog", backlog, "c_cap_backlog"),
    ("city_completion", "c_fig_completion", completion, "c_cap_completion"),
]


# ---- text ----------------------------------------------------------------------------------------


def latest_site_line(results: CityResults, lang: str) -> str | None:
    """The site that finished last (summary.json latest_site, replication 1) and why, from its numbers."""
    site = results.summary.get("latest_site")
    if not site:
        return None
    reasons = []
    per_station = site.get("residents_per_station")
    population, stations = results.sites.get("population"), results.sites.get("stations")
    replication = results.sites.get("replication")
    if isinstance(population, np.ndarray) and isinstance(stations, np.ndarray) and per_station is not None:
        first = replication == np.min(replication) if isinstance(replication, np.ndarray) else slice(None)
        median = float(np.median(population[first] / stations[first]))
        if per_station > median * 1.05:
            reasons.append(t("c_why_load", lang, n=f"{per_station:,.0f}", median=f"{median:,.0f}"))
    if site.get("utilization", 0) >= 0.9:
        reasons.append(t("c_why_busy", lang, util=_share(round(site["utilization"], 3))))
    if not reasons:
        reasons.append(t("c_why_chance", lang))
    where = _site_row(results, int(site["site"]))
    name = where.get("name") or t("c_site_n", lang, n=int(site["site"]) + 1)
    return t("c_latest", lang, name=name, template=where.get("template", "—"), district=where.get("district", "—"),
             at=city_clock(results, site.get("completion_min"), lang), stations=int(site.get("stations", 0)),
             population=f"{int(site.get('population', 0)):,}", why=t("c_sep", lang).join(reasons))  # fmt: skip


def _site_row(results: CityResults, site: int) -> dict[str, str]:
    """Name, district and template of a site, from sites.csv."""
    sites = results.sites.get("site")
    if not isinstance(sites, np.ndarray):
        return {}
    found = np.flatnonzero(sites == site)
    if not len(found):
        return {}
    k = int(found[0])
    return {key: str(results.sites[key][k]) for key in ("name", "district", "template") if key in results.sites}


def city_summary(results: CityResults, lang: str) -> dict[str, Any]:
    k = results.kpi
    sites_share, people_share = k("sites.done_by_deadline.share"), k("people.done_by_deadline.share")
    deadline = city_clock(results, results.city.deadline / 60, lang)
    state, verdict = _city_headline(results, deadline, lang)
    lines = [
        t("c_sum_done", lang, sites=_share(round(sites_share or 0, 4)), people=_share(round(people_share or 0, 4)),
          deadline=deadline, n=fmt(k("sites.count"), "n"), sampled=fmt(k("people.sampled"), "people"),
          arrived=fmt(k("people.arrived"), "people")),
        t("c_sum_times", lang, median=city_clock(results, k("time.completion.p50_min"), lang),
          last=city_clock(results, k("time.completion_min"), lang), close=city_clock(results,
          results.city.clock.duration / 60, lang)),
    ]  # fmt: skip
    latest = latest_site_line(results, lang)
    if latest:
        lines.append(latest)
    if k("lab.backlog.peak") is not None:
        lines.append(t("c_sum_lab", lang, peak=fmt(k("lab.backlog.peak"), "tubes"),
                       last=city_clock(results, k("lab.last_result_min"), lang)))  # fmt: skip
    over = k("samples.over_limit")
    if over is not None:
        limit = f"{results.city.sample_limit / 60:g}"
        key = "c_sum_over" if over > 0 else "c_sum_age_ok"
        lines.append(
            t(key, lang, over=fmt(over, "tubes"), limit=limit, max=fmt(k("samples.age_at_lab.max_min"), "age"))
        )
    return {"verdict": verdict, "state": state, "lines": lines, "aims": aims_table(results.summary, lang)}


def _city_headline(results: CityResults, deadline: str, lang: str) -> tuple[str, str]:
    """The verdict box from summary.json's verdict: green only if every aim is met with room to spare."""
    v = results.summary["verdict"]
    aims = v["aims"]
    if not v["met"]:
        missed = [a for a in aims if a["verdict"] != "met"]
        words = t("sep", lang).join(f"{target_text(a['target'], lang)}: {t('v_' + a['verdict'], lang)}" for a in missed)
        return "late", t("c_head_not_met", lang, k=len(missed), n=len(aims), aims=words)
    if v["risks"]:
        risks = [risk_text(r, lang, lambda m: city_clock(results, m, lang)) for r in v["risks"]]
        return "risk", t("c_head_risk", lang, n=len(aims), risks=t("sep", lang).join(risks))
    return "ok", t("c_head_met", lang, n=len(aims), deadline=deadline)


def _clock_tile(results: CityResults, minutes: float | None, lang: str) -> dict[str, str]:
    """A tile's time of day, the day (if not the first) in small print beside it."""
    if minutes is None:
        return {"value": "—", "unit": ""}
    seconds = results.city.clock.open + 60.0 * round(minutes)
    day = int(seconds // 86400)
    unit = "" if day == 0 else t("c_next_day_short", lang) if day == 1 else t("c_day_n_short", lang, day=day + 1)
    return {"value": format_clock(seconds % 86400), "unit": unit}


def city_tiles(results: CityResults, lang: str) -> list[dict[str, Any]]:
    k = results.kpi
    sites_share = k("sites.done_by_deadline.share")
    return [
        {"value": fmt(k("people.sampled"), "people"), "unit": "",
         "label": t("tile_swabbed", lang, arrived=fmt(k("people.arrived"), "people")), "missed": False},
        {"value": _share(round(sites_share, 4)) if sites_share is not None else "—", "unit": "",
         "label": t("c_tile_sites", lang), "missed": sites_share is not None and sites_share < 1},
        {**_clock_tile(results, k("time.completion_min"), lang), "label": t("c_tile_last", lang),
         "missed": (k("time.completion_min") or 0) > results.city.deadline / 60},
        {**_clock_tile(results, k("lab.last_result_min"), lang), "label": t("c_tile_lab", lang), "missed": False},
    ]  # fmt: skip


def _sources_for(path: str, sources: dict[str, str]) -> str:
    found = [text for key, text in sources.items()
             if key == path or key.startswith(path + ".") or path.startswith(key + ".")]  # fmt: skip
    return "; ".join(found)


def city_inputs(results: CityResults, lang: str) -> list[dict[str, str]]:
    """The city's inputs that matter: clock, deadline, sites by template, courier, labs, each with its source."""
    c = results.city
    data = c.model_dump(mode="json")
    rows: list[tuple[str, str, str]] = [
        (t("in_clock", lang), t("c_v_clock", lang, open=format_clock(c.clock.open), close=format_clock(c.clock.close),
                                hours=f"{c.clock.duration / 3600:g}"), "clock"),
        (t("c_in_deadline", lang), t("c_v_deadline", lang, hours=f"{c.deadline / 3600:g}",
                                     at=city_clock(results, c.deadline / 60, lang)), "deadline"),
    ]  # fmt: skip
    for group in c.sites:
        template = c.templates[group.template]
        rows.append((t("c_in_sites", lang, template=group.template),
                     t("c_v_sites", lang, count=f"{group.count:,}", stations=template.site.sampling.stations,
                       population=f"{group.population:,}", district=group.district,
                       swab=fmt_dist(data["templates"][group.template]["site"]["sampling"]["swab"], lang),
                       pool=template.pooling.size, turnout=_share(template.turnout)), "sites"))  # fmt: skip
    rows.append((t("in_courier", lang), t("v_courier", lang, every=f"{c.courier.every / 60:g}",
                                          travel=fmt_dist(data["courier"]["travel"], lang)), "courier"))  # fmt: skip
    for lab in c.labs:
        per_day = float(f"{lab.capacity * 86400:.4g}")  # scenario.yaml keeps the rate per hour, rounded
        rows.append((t("c_in_lab", lang, name=lab.name), t("c_v_lab", lang, per_hour=f"{lab.capacity * 3600:,.0f}",
                     per_day=f"{per_day:,.0f}", turnaround=f"{lab.turnaround / 3600:g}"), "labs"))  # fmt: skip
    rows.append((t("in_limit", lang), t("c_v_limit", lang, minutes=f"{c.sample_limit / 60:g}"), "sample_limit"))
    return [{"label": label, "value": value, "source": _sources_for(path, c.sources), "path": path}
            for label, value, path in rows]  # fmt: skip


def city_kpi_rows(results: CityResults, lang: str) -> list[dict[str, Any]]:
    rows = summary_kpi_rows(results.summary, lang, CITY_KEY_KPIS)
    for row in rows:
        row["key"] = True  # a city has few measures: all in the main table
    return rows
