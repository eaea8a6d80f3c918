"""The report's figures, drawn from saved results with matplotlib (Agg); each is saved as PNG and SVG."""

from __future__ import annotations

import base64
import inspect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from ..scenario import format_clock
from .analysis import SATURATED, target_lines
from .data import Results
from .fonts import rc_params
from .i18n import t
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


def _hbox(ax: plt.Axes, data: list[np.ndarray], **style: object) -> None:
    """Horizontal box plot (matplotlib 3.10 and later say `orientation`, older ones `vert`)."""
    way = {"orientation": "horizontal"} if _HAS_ORIENTATION else {"vert": False}
    ax.boxplot(data, widths=0.5, showfliers=False, **way, **style)


def _clock_axis(ax: plt.Axes, results: Results, minutes: np.ndarray, lang: str) -> None:
    open_min = results.scenario.clock.open / 60
    span = float(minutes[-1]) if len(minutes) else 60.0
    step = 30 if span <= 300 else 60
    first = (-open_min) % step
    ax.set_xticks(np.arange(first, span + 1, step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda m, _pos: format_clock(results.scenario.clock.open + 60 * m)))
    ax.set_xlim(0, span)
    ax.set_xlabel(t("ax_clock", lang))


def _close_line(ax: plt.Axes, results: Results, lang: str) -> None:
    close = results.scenario.clock.duration / 60
    ax.axvline(close, color=GREY, lw=1, ls=":", zorder=1)
    ax.annotate(t("lbl_close", lang), (close, 0.98), xycoords=("data", "axes fraction"), xytext=(-3, 0),
                textcoords="offset points", va="top", ha="right", rotation=90, fontsize=7.5, color=GREY)  # fmt: skip


def occupancy(results: Results, lang: str) -> Figure | None:
    minutes = results.series("minute")
    if minutes is None or results.series("waiting.mean") is None:
        return None
    site = results.scenario.site
    has_iso = site.isolation is not None and results.series("isolation.mean") is not None
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
    if has_iso:
        iso = axes[1, 0]
        iso.plot(minutes, results.series("isolation.mean"), color=PURPLE, lw=1.4, label=t("lbl_isolation", lang))
        iso.fill_between(minutes, results.series("isolation.mean"), results.series("isolation.max"),
                         color=PURPLE, alpha=0.13, lw=0)  # fmt: skip
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
    minutes = results.series("minute")
    if minutes is None or results.series("sampled.mean") is None:
        return None
    fig, ax = plt.subplots(figsize=(8.6, 3.3))
    called = results.series("called.mean")
    if called is not None and np.any(called):
        ax.step(minutes, called, where="post", color=GREY, lw=1.3, label=t("lbl_called", lang))
    ax.plot(minutes, results.series("arrived.mean"), color=ORANGE, lw=1.6, label=t("lbl_arrived", lang))
    ax.plot(minutes, results.series("sampled.mean"), color=GREEN, lw=1.8, label=t("lbl_sampled", lang))
    ax.fill_between(minutes, results.series("sampled.mean"), results.series("arrived.mean"), color=ORANGE, alpha=0.1,
                    lw=0)  # fmt: skip
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
    columns = [(results.replications.get(n), key) for n, key in names]
    columns = [(c, key, n) for (c, key), (n, _) in zip(columns, names, strict=True) if isinstance(c, np.ndarray)]
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
    ax.set_ylim(0, (2 * stations) * 1.15)
    ax.set_ylabel(t("ax_people", lang))
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3)
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


def sample_age(results: Results, lang: str) -> Figure | None:
    """Sample age at the lab, where the samples part of the model saved it (skipped otherwise)."""
    names = [n for n in results.replications if n.startswith("samples.age_at_lab")]
    columns = [(n, results.replications[n]) for n in names if isinstance(results.replications[n], np.ndarray)]
    if not columns:
        return None
    fig, ax = plt.subplots(figsize=(8.6, 0.8 + 0.6 * len(columns)))
    _hbox(ax, [c for _n, c in columns])
    for i, (_n, values) in enumerate(columns, start=1):
        ax.scatter(values, np.full(len(values), i), s=14, color=BLUE, alpha=0.7, zorder=3)
    ax.set_yticks(range(1, len(columns) + 1), [n.removeprefix("samples.") for n, _c in columns])
    ax.axvline(SAMPLE_LIMIT_MIN, color=RED, ls="--", lw=1.2)
    ax.annotate(t("lbl_limit", lang, v=SAMPLE_LIMIT_MIN), (SAMPLE_LIMIT_MIN, 1), xycoords=("data", "axes fraction"),
                xytext=(-3, -3), textcoords="offset points", ha="right", va="top", color=RED, fontsize=7.5)  # fmt: skip
    ax.set_xlim(0, max(SAMPLE_LIMIT_MIN * 1.1, max(float(np.max(c)) for _n, c in columns) * 1.05))
    ax.set_xlabel(t("ax_minutes", lang))
    return fig


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
        series = np.pad(results.series(name), (0, bins * width - len(minutes)), mode="edge")
        grid[row] = series.reshape(bins, width).max(axis=1)
    fig, ax = plt.subplots(figsize=(8.6, 1.1 + 0.24 * len(found)))
    image = ax.imshow(grid, aspect="auto", cmap="Oranges", interpolation="nearest", vmin=0,
                      extent=(0, bins * width, len(found) - 0.5, -0.5))  # fmt: skip
    ax.set_yticks(range(len(found)), [gate for gate, _n in found], fontsize=7)
    ax.grid(False)
    bar = fig.colorbar(image, ax=ax, pad=0.01, fraction=0.04)
    bar.set_label(t("ax_queue", lang), fontsize=8)
    _clock_axis(ax, results, minutes, lang)
    return fig


def staff(results: Results, lang: str) -> Figure | None:
    """Staff on duty and changing, where the staff part saved per-minute columns (skipped otherwise)."""
    minutes = results.series("minute")
    names = [n for n in results.series_with_prefix("staff.", "samplers.", "buffer.") if n.endswith(".mean")]
    if minutes is None or not names:
        return None
    fig, ax = plt.subplots(figsize=(8.6, 3.0))
    for name in names:
        ax.step(minutes, results.series(name), where="post", lw=1.4, label=name.removesuffix(".mean"))
    ax.set_ylabel(t("ax_people", lang))
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3)
    _close_line(ax, results, lang)
    _clock_axis(ax, results, minutes, lang)
    return fig


def site(results: Results, lang: str) -> Figure:
    return draw_site(results.scenario, lang)


FIGURES: list[tuple[str, str, Callable[[Results, str], Figure | None], str | None]] = [
    ("site", "fig_site", site, None),
    ("occupancy", "fig_occupancy", occupancy, "fig_caption_occupancy"),
    ("progress", "fig_progress", progress, None),
    ("waits", "fig_waits", waits, "fig_caption_waits"),
    ("utilisation", "fig_utilisation", utilisation, "fig_caption_utilisation"),
    ("staff", "fig_staff", staff, None),
    ("sample_age", "fig_sample_age", sample_age, None),
    ("gates", "fig_gates", gates, "fig_caption_gates"),
]


def write_figures(results: Results, folder: Path, lang: str, text_lang: str | None = None) -> dict[str, FigureFile]:
    """Draw every figure the results support; write figures/NAME.png and .svg; return them by name.

    `lang` is the language of labels inside figures (English where no CJK font is installed),
    `text_lang` that of titles and captions in the document.
    """
    text_lang = text_lang or lang
    folder.mkdir(parents=True, exist_ok=True)
    quiet = logging.getLogger("matplotlib.font_manager")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "no bold weight for a CJK family" notes: the regular weight is used
    try:
        return _draw_all(results, folder, lang, text_lang)
    finally:
        quiet.setLevel(level)


def _draw_all(results: Results, folder: Path, lang: str, text_lang: str) -> dict[str, FigureFile]:
    out: dict[str, FigureFile] = {}
    with plt.rc_context(rc_params()):
        for name, title, draw, caption in FIGURES:
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
