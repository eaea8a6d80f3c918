"""The report's figures, drawn from saved results with matplotlib (Agg); each is saved as PNG and SVG."""

from __future__ import annotations

import base64
import inspect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator

from ..scenario import format_clock
from .analysis import SATURATED, target_lines
from .data import Results
from .fonts import rc_params
from .i18n import role_name, t
from .schematic import draw_site

BLUE, ORANGE, RED, GREEN, GREY, PURPLE = "#1f5fa8", "#e07b00", "#c0392b", "#2e8b57", "#6b7280", "#7b4ea3"
_HAS_ORIENTATION = "orientation" in inspect.signature(plt.Axes.boxplot).parameters
SAMPLE_LIMIT_MIN = 240.0  # FACTS.md: specimens at room temperature for at most 4 h


@dataclass(frozen=True)
class FigureFile:
    """One figure written to figures/: its name, caption and the PNG bytes for embedding."""

    name: str
    title: str
    caption: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _hbox(ax: plt.Axes, data: list[np.ndarray], **style: Any) -> None:
    """Horizontal box plot (matplotlib 3.10 and later say `orientation`, older ones `vert`)."""
    way = {"orientation": "horizontal"} if _HAS_ORIENTATION else {"vert": False}
    ax.boxplot(data, widths=0.5, showfliers=False, **way, **style)


def _clock_axis(ax: plt.Axes, results: Results, minutes: np.ndarray, lang: str, start: float = 0.0) -> None:
    """x axis in time of day, from `start` to the last of `minutes` (minutes after opening)."""
    open_min = results.scenario.clock.open / 60
    span = float(minutes[-1]) if len(minutes) else 60.0
    step = next((s for s in (30, 60, 120, 240) if (span - start) / s <= 10), 480)  # at most about 10 ticks
    first = start + (-(open_min + start)) % step
    ax.set_xticks(np.arange(first, span + 1, step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda m, _pos: format_clock(results.scenario.clock.open + 60 * m)))
    ax.set_xlim(start, span)
    ax.set_xlabel(t("ax_clock", lang))


def _close_line(ax: plt.Axes, results: Results, lang: str, label: bool = True) -> None:
    """A dotted line where admissions stop (labelled unless the panel is too full for it)."""
    close = results.scenario.clock.duration / 60
    ax.axvline(close, color=GREY, lw=1, ls=":", zorder=1)
    if label:
        ax.annotate(t("lbl_close", lang), (close, 0.98), xycoords=("data", "axes fraction"), xytext=(-3, 0),
                    textcoords="offset points", va="top", ha="right", rotation=90, fontsize=7.5, color=GREY)  # fmt: skip


def occupancy(results: Results, lang: str) -> Figure | None:
    minutes = results.series("minute")
    if minutes is None or results.series("waiting.mean") is None:
        return None
    site = results.scenario.site
    iso_mean, iso_max = results.series("isolation.mean"), results.series("isolation.max")
    has_iso = site.isolation is not None and iso_mean is not None and iso_max is not None
    fig, axes = plt.subplots(2 if has_iso else 1, 1, figsize=(8.6, 4.6 if has_iso else 3.2), sharex=True,
                             gridspec_kw={"height_ratios": [3, 1.2]} if has_iso else None, squeeze=False)  # fmt: skip
    ax = axes[0, 0]
    for name, colour in (("waiting", BLUE), ("outside", RED), ("entry_queue", ORANGE)):
        mean, high = results.series(f"{name}.mean"), results.series(f"{name}.max")
        if mean is None or (name != "waiting" and not np.any(high if high is not None else mean)):
            continue
        ax.plot(minutes, mean, color=colour, lw=1.6, label=t(f"lbl_{name}", lang))
        if high is not None:
            ax.fill_between(minutes, mean, high, color=colour, alpha=0.13, lw=0)
    if site.waiting.capacity is not None:
        ax.axhline(site.waiting.capacity, color=BLUE, ls="--", lw=1)
        ax.annotate(t("lbl_capacity", lang, n=site.waiting.capacity), (0, site.waiting.capacity), xytext=(4, 3),
                    textcoords="offset points", fontsize=7.5, color=BLUE)  # fmt: skip
    ax.set_ylabel(t("ax_people", lang))
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3)
    _close_line(ax, results, lang)
    if site.isolation is not None and iso_mean is not None and iso_max is not None:  # has_iso
        iso = axes[1, 0]
        iso.plot(minutes, iso_mean, color=PURPLE, lw=1.4, label=t("lbl_isolation", lang))
        iso.fill_between(minutes, iso_mean, iso_max, color=PURPLE, alpha=0.13, lw=0)
        capacity = site.isolation.capacity
        iso.axhline(capacity, color=PURPLE, ls="--", lw=1)
        iso.set_ylim(0, capacity * 1.35 + 0.5)
        iso.yaxis.set_major_locator(MultipleLocator(max(1, round(capacity / 2))))
        iso.set_ylabel(t("ax_people", lang))
        iso.legend(loc="upper right", labels=[f"{t('lbl_isolation', lang)} ({t('lbl_capacity', lang, n=capacity)})"])
    _clock_axis(axes[-1, 0], results, minutes, lang)
    fig.align_ylabels()
    return fig


def progress(results: Results, lang: str) -> Figure | None:
    minutes, arrived, sampled = (results.series(n) for n in ("minute", "arrived.mean", "sampled.mean"))
    if minutes is None or arrived is None or sampled is None:
        return None
    fig, ax = plt.subplots(figsize=(8.6, 3.3))
    called = results.series("called.mean")
    if called is not None and np.any(called):
        ax.step(minutes, called, where="post", color=GREY, lw=1.3, label=t("lbl_called", lang))
    ax.plot(minutes, arrived, color=ORANGE, lw=1.6, label=t("lbl_arrived", lang))
    ax.plot(minutes, sampled, color=GREEN, lw=1.8, label=t("lbl_sampled", lang))
    ax.fill_between(minutes, sampled, arrived, color=ORANGE, alpha=0.1, lw=0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    ax.set_ylabel(t("ax_people", lang))
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3)
    _close_line(ax, results, lang)
    _clock_axis(ax, results, minutes, lang)
    return fig


def waits(results: Results, lang: str) -> Figure | None:
    names = [("wait.total.mean_min", "lbl_mean_wait"), ("wait.total.p95_min", "lbl_p95_wait"),
             ("wait.total.max_min", "lbl_max_wait")]  # fmt: skip
    columns = [(c, key, n) for n, key in names if isinstance(c := results.replications.get(n), np.ndarray)]
    if not columns:
        return None
    fig, ax = plt.subplots(figsize=(8.6, 3.0))
    data = [c for c, _k, _n in columns]
    _hbox(ax, data, medianprops={"color": "#111827"}, boxprops={"color": GREY}, whiskerprops={"color": GREY},
          capprops={"color": GREY})  # fmt: skip
    rng = np.random.default_rng(0)  # only the dots' vertical jitter
    for i, values in enumerate(data, start=1):
        ax.scatter(values, i + rng.uniform(-0.12, 0.12, len(values)), s=14, color=BLUE, alpha=0.7, zorder=3)
    ax.set_yticks(range(1, len(data) + 1), [t(key, lang) for _c, key, _n in columns])
    for name, value in target_lines(results):
        for i, (_c, _k, n) in enumerate(columns, start=1):
            if n == name:
                ax.plot([value, value], [i - 0.4, i + 0.4], color=RED, ls="--", lw=1.2)
                ax.annotate(t("lbl_target", lang, v=value), (value, i + 0.4), xytext=(3, 0), textcoords="offset points",
                            fontsize=7.5, color=RED, va="top")  # fmt: skip
    ax.set_xlabel(t("ax_minutes", lang))
    ax.set_xlim(left=0)
    ax.grid(axis="y", visible=False)
    return fig


def utilisation(results: Results, lang: str) -> Figure | None:
    """People at the stations over the day, and each replication's station utilisation."""
    minutes, at_stations = results.series("minute"), results.series("stations.mean")
    if minutes is None or at_stations is None:
        return None
    stations = results.scenario.site.sampling.stations
    fig, (ax, right) = plt.subplots(1, 2, figsize=(8.6, 3.0), gridspec_kw={"width_ratios": [4.2, 1]})
    high = results.series("stations.max")
    if high is not None:
        ax.fill_between(minutes, at_stations, high, color=GREEN, alpha=0.13, lw=0)
    ax.plot(minutes, at_stations, color=GREEN, lw=1.5, label=t("lbl_at_stations", lang))
    ax.axhline(stations, color=GREY, ls="--", lw=1, label=t("lbl_station_count", lang, n=stations))
    if results.scenario.site.sampling.registration is not None:
        ax.axhline(2 * stations, color=GREEN, ls="--", lw=1, label=t("lbl_station_places", lang, n=2 * stations))
    opened = results.replications.get("stations.open")
    if isinstance(opened, np.ndarray) and len(opened) and float(np.mean(opened)) < stations:
        staffed = round(float(np.mean(opened)), 1)  # a roster too small keeps fewer posts than the plan
        ax.axhline(staffed, color=ORANGE, ls="-.", lw=1.2, label=t("lbl_stations_staffed", lang, n=staffed))
    ax.set_ylim(0, (2 * stations) * 1.15)
    ax.set_ylabel(t("ax_people", lang))
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3 if len(ax.get_lines()) <= 3 else 2)
    _close_line(ax, results, lang)
    _clock_axis(ax, results, minutes, lang)
    column = results.replications.get("stations.utilization")
    if isinstance(column, np.ndarray):
        rng = np.random.default_rng(0)  # only the dots' horizontal jitter
        right.scatter(rng.uniform(-0.15, 0.15, len(column)), column, s=14, color=GREEN, alpha=0.8)
        right.axhline(SATURATED, color=RED, ls="--", lw=1)
        right.set_ylim(0, 1.05)
        right.set_xlim(-0.5, 0.5)
        right.set_xticks([])
        right.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0%}"))
        right.set_title(t("lbl_utilisation", lang), fontsize=8.5, fontweight="normal")
    else:
        right.set_visible(False)
    fig.tight_layout()
    return fig


def sample_limit_min(results: Results) -> float:
    samples = results.scenario.samples
    return samples.limit / 60 if samples is not None else SAMPLE_LIMIT_MIN


AGE_ROWS = (("samples.age_at_lab.p95_min", "lbl_age_p95"), ("samples.age_at_lab.max_min", "lbl_age_max"),
            ("samples.result.p95_min", "lbl_result_p95"))  # fmt: skip


def sample_age(results: Results, lang: str) -> Figure | None:
    """Sample age at the lab in each replication against the limit; below, the courier's trips (replication 1)."""
    rows = [(name, key, column) for name, key in AGE_ROWS if (column := results.column(name)) is not None]
    if not rows:
        return None
    trips = results.timeline("courier")
    fig, axes = plt.subplots(2 if trips else 1, 1, figsize=(8.6, 3.9 if trips else 2.6), squeeze=False,
                             gridspec_kw={"height_ratios": [2.2, 1]} if trips else None)  # fmt: skip
    ax = axes[0, 0]
    data = [column for _n, _k, column in rows]
    _hbox(ax, data, medianprops={"color": "#111827"}, boxprops={"color": GREY}, whiskerprops={"color": GREY},
          capprops={"color": GREY})  # fmt: skip
    rng = np.random.default_rng(0)  # only the dots' vertical jitter
    for i, values in enumerate(data, start=1):
        colour = PURPLE if rows[i - 1][0].startswith("samples.result") else BLUE
        ax.scatter(values, i + rng.uniform(-0.12, 0.12, len(values)), s=14, color=colour, alpha=0.7, zorder=3)
    ax.set_yticks(range(1, len(rows) + 1), [t(key, lang) for _n, key, _c in rows])
    limit = sample_limit_min(results)
    ages = [i for i, (name, _k, _c) in enumerate(rows, start=1) if name.startswith("samples.age_at_lab")]
    if ages:
        ax.plot([limit, limit], [min(ages) - 0.45, max(ages) + 0.45], color=RED, ls="--", lw=1.3)
        ax.annotate(t("lbl_limit", lang, v=limit), (limit, max(ages) + 0.45), xytext=(3, 0),
                    textcoords="offset points", va="top", color=RED, fontsize=7.5)  # fmt: skip
    high = limit
    for name, value in target_lines(results):
        for i, (n, _k, _c) in enumerate(rows, start=1):
            if n == name and n.startswith("samples.result"):
                high = max(high, value)
                ax.plot([value, value], [i - 0.4, i + 0.4], color=RED, ls="--", lw=1.2)
                ax.annotate(t("lbl_target", lang, v=value), (value, i + 0.4), xytext=(3, 0), textcoords="offset points",
                            fontsize=7.5, color=RED, va="top")  # fmt: skip
    ax.set_xlim(0, max(high, max(float(np.max(c)) for c in data)) * 1.12)
    ax.set_xlabel(t("ax_minutes_swab", lang))
    ax.grid(axis="y", visible=False)
    if trips:
        _courier(axes[1, 0], results, trips, lang)
    fig.tight_layout()
    return fig


def _courier(ax: plt.Axes, results: Results, trips: list[dict[str, str]], lang: str) -> None:
    """The courier's trips: loaded to the lab, then back to the site; the number of tubes on each."""
    end = 0.0
    for trip in trips:
        depart, at_lab, back = float(trip["depart_min"]), float(trip["at_lab_min"]), float(trip["back_min"])
        ax.barh(0, at_lab - depart, left=depart, height=0.5, color=BLUE)
        ax.barh(0, back - at_lab, left=at_lab, height=0.5, color=BLUE, alpha=0.25)
        ax.annotate(t("lbl_tubes", lang, n=int(float(trip["tubes"]))), ((depart + at_lab) / 2, 0.3), ha="center",
                    va="bottom", fontsize=7.5, color="#111827")  # fmt: skip
        end = max(end, back)
    ax.set_yticks([0], [t("lbl_courier", lang)])
    ax.set_ylim(-0.6, 0.9)
    ax.grid(axis="y", visible=False)
    last_swab = results.kpi("time.completion_min", "max") or results.scenario.clock.duration / 60
    span = max(end, last_swab) + 15
    _clock_axis(ax, results, np.array([span]), lang)
    _close_line(ax, results, lang, label=False)
    ax.legend(handles=[Patch(color=BLUE, label=t("lbl_to_lab", lang)),
                       Patch(color=BLUE, alpha=0.25, label=t("lbl_back", lang))],
              loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2)  # fmt: skip


def gates(results: Results, lang: str) -> Figure | None:
    """Queues at residence gates as a heat map (gate × 10 minutes), where the checkpoints part saved them."""
    minutes = results.series("minute")
    found = [(m.group(1), name) for name in results.series_with_prefix("checkpoint.")
             if (m := re.fullmatch(r"checkpoint\.(.+)\.queue\.mean", name))]  # fmt: skip
    if len(found) > 1:
        found = [(gate, name) for gate, name in found if gate != "all"]
    if minutes is None or not found:
        return None
    width = 10
    bins = int(np.ceil(len(minutes) / width))
    grid = np.zeros((len(found), bins))
    for row, (_gate, name) in enumerate(found):
        series = np.pad(np.asarray(results.series(name)), (0, bins * width - len(minutes)), mode="edge")
        grid[row] = series.reshape(bins, width).max(axis=1)
    fig, ax = plt.subplots(figsize=(8.6, 1.1 + 0.24 * len(found)))
    image = ax.imshow(grid, aspect="auto", cmap="Oranges", interpolation="nearest", vmin=0,
                      extent=(0, bins * width, len(found) - 0.5, -0.5))  # fmt: skip
    ax.set_yticks(range(len(found)), [gate for gate, _n in found], fontsize=7)
    ax.grid(False)
    bar = fig.colorbar(image, ax=ax, pad=0.01, fraction=0.04)
    bar.set_label(t("ax_queue", lang), fontsize=8)
    busy = np.flatnonzero(grid.max(axis=0) >= 0.5)  # the day ends where the last gate queue does
    close = results.scenario.clock.duration / 60
    end = min(float(minutes[-1]), max(close, (busy[-1] + 1) * width if len(busy) else close) + 30)
    _clock_axis(ax, results, np.array([end]), lang)
    _close_line(ax, results, lang)
    return fig


STATE_STYLE = {  # staff.csv state → colour, label key
    "duty": (BLUE, "st_duty"), "don": (ORANGE, "st_change"), "doff": (ORANGE, "st_change"),
    "wait_don": (RED, "st_wait"), "wait_doff": (RED, "st_wait"), "rest": ("#b8c2cc", "st_rest"),
}  # fmt: skip
CAUSE_STYLE = {
    "rotation": (ORANGE, "cause_rotation"),
    "pause": (PURPLE, "cause_pause"),
    "absent": (RED, "cause_absent"),
}


def staff(results: Results, lang: str) -> Figure | None:
    """The staff rotation of replication 1 (staff.csv): each person's day, and the posts it closed."""
    rows = results.timeline("staff")
    people = [r for r in rows if r["kind"] == "staff"]
    if not people:
        return None
    roles = list(dict.fromkeys(r["role"] for r in people))
    members = sorted({(roles.index(r["role"]), int(float(r["member"]))) for r in people})
    y = {key: i for i, key in enumerate(members)}
    closed = [r for r in rows if r["kind"] == "closed"]
    lanes = sorted({(_post_kind(r["role"]), int(float(r["post"]))) for r in closed})
    fig, axes = plt.subplots(2 if lanes else 1, 1, sharex=True, squeeze=False,
                             figsize=(8.6, 1.2 + 0.2 * len(members) + (0.4 + 0.2 * len(lanes) if lanes else 0)),
                             gridspec_kw={"height_ratios": [len(members), max(len(lanes), 1.5)]} if lanes else None)  # fmt: skip
    ax = axes[0, 0]
    for r in people:
        start, end = float(r["start_min"]), float(r["end_min"])
        row = y[roles.index(r["role"]), int(float(r["member"]))]
        colour, _label = STATE_STYLE.get(r["state"], (GREY, ""))
        ax.barh(row, end - start, left=start, height=0.72, color=colour, lw=0)
        if r["state"] == "duty" and end - start >= 25:
            ax.text((start + end) / 2, row, t("lbl_post", lang, n=int(float(r["post"])) + 1), ha="center",
                    va="center", fontsize=6.5, color="white")  # fmt: skip
    ax.set_yticks(range(len(members)),
                  [f"{_role(roles[role], lang)} {member + 1}" for role, member in members], fontsize=7)  # fmt: skip
    ax.set_ylim(len(members) - 0.4, -0.6)
    ax.grid(axis="y", visible=False)
    legend = dict((label, colour) for colour, label in STATE_STYLE.values())  # one entry per label
    ax.legend(handles=[Patch(color=colour, label=t(label, lang)) for label, colour in legend.items()],
              loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4)  # fmt: skip
    start = min(float(r["start_min"]) for r in rows)
    end = max(float(r["end_min"]) for r in rows)
    if lanes:
        low = axes[1, 0]
        where = {lane: i for i, lane in enumerate(lanes)}
        for r in closed:
            colour, _label = CAUSE_STYLE.get(r["state"], (GREY, ""))
            a, b = float(r["start_min"]), float(r["end_min"])
            low.barh(where[_post_kind(r["role"]), int(float(r["post"]))], max(b - a, 0.8), left=a, height=0.7,
                     color=colour, lw=0)  # fmt: skip
        low.set_yticks(range(len(lanes)), [t(kind, lang, n=post + 1) for kind, post in lanes], fontsize=7)
        low.set_ylim(len(lanes) - 0.4, -0.6)
        low.grid(axis="y", visible=False)
        causes = dict.fromkeys(r["state"] for r in closed if r["state"] in CAUSE_STYLE)
        low.legend(handles=[Patch(color=CAUSE_STYLE[c][0], label=t(CAUSE_STYLE[c][1], lang)) for c in causes],
                   loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, title=t("lbl_closed", lang),
                   title_fontsize=8, alignment="left")  # fmt: skip
    for a in axes[:, 0]:
        _close_line(a, results, lang, label=False)
    _clock_axis(axes[-1, 0], results, np.array([end]), lang, start=min(start, 0.0))
    fig.align_ylabels()
    return fig


def _role(role: str, lang: str) -> str:
    return role_name(role, lang, title=True)


def _post_kind(role: str) -> str:
    """Stations close for samplers, registrars and site pauses alike; entry lanes for entry checkers."""
    return "lbl_entry_lane" if role == "entry_checker" else ("lbl_station_n" if role != "marshal" else "lbl_beat")


def site(results: Results, lang: str) -> Figure:
    return draw_site(results.scenario, lang)


FIGURES: list[tuple[str, str, Callable[[Results, str], Figure | None], str | None]] = [
    ("site", "fig_site", site, None),
    ("occupancy", "fig_occupancy", occupancy, "fig_caption_occupancy"),
    ("progress", "fig_progress", progress, None),
    ("waits", "fig_waits", waits, "fig_caption_waits"),
    ("utilisation", "fig_utilisation", utilisation, "fig_caption_utilisation"),
    ("staff", "fig_staff", staff, "fig_caption_staff"),
    ("sample_age", "fig_sample_age", sample_age, "fig_caption_sample_age"),
    ("gates", "fig_gates", gates, "fig_caption_gates"),
]


def write_figures(results: Any, folder: Path, lang: str, text_lang: str | None = None,
                  figures: list[Any] | None = None) -> dict[str, FigureFile]:  # fmt: skip
    """Draw every figure the results support; write figures/NAME.png and .svg; return them by name.

    `lang` is the language of labels inside figures (English where no CJK font is installed),
    `text_lang` that of titles and captions in the document; `figures` (name, title, draw, caption)
    defaults to a site's (a city report passes its own).
    """
    text_lang = text_lang or lang
    folder.mkdir(parents=True, exist_ok=True)
    quiet = logging.getLogger("matplotlib.font_manager")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "no bold weight for a CJK family" notes: the regular weight is used
    try:
        return _draw_all(results, folder, lang, text_lang, FIGURES if figures is None else figures)
    finally:
        quiet.setLevel(level)


def _draw_all(results: Any, folder: Path, lang: str, text_lang: str, figures: list[Any]) -> dict[str, FigureFile]:
    out: dict[str, FigureFile] = {}
    with plt.rc_context(rc_params()):
        for name, title, draw, caption in figures:
            fig = draw(results, lang)
            if fig is None:
                continue
            try:
                fig.savefig(folder / f"{name}.svg", bbox_inches="tight", metadata={"Date": None})
                fig.savefig(folder / f"{name}.png", bbox_inches="tight", facecolor="white")
            finally:
                plt.close(fig)
            out[name] = FigureFile(name, t(title, text_lang), t(caption, text_lang) if caption else "",
                                   (folder / f"{name}.png").read_bytes())  # fmt: skip
    return out
