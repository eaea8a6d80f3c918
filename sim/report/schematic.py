"""A schematic of the site drawn from the scenario: zones, stations, entrance, exit, one-way flow."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from ..scenario import Scenario
from .i18n import t

INK, MUTED = "#1f2937", "#4b5563"
ZONE_STYLE = {
    "entry": ("#fff4e0", "#e07b00"),
    "waiting": ("#e8f0fb", "#1f5fa8"),
    "sampling": ("#e6f4ec", "#2e8b57"),
    "buffer": ("#f1f1f1", "#6b7280"),
    "isolation": ("#fbe9e7", "#c0392b"),
    "outside": ("#ffffff", "#c0392b"),
}
MAX_DRAWN_STATIONS = 10


def _zone(ax: plt.Axes, kind: str, x: float, y: float, w: float, h: float, hatch: str | None = None,
          dashed: bool = False) -> None:  # fmt: skip
    face, edge = ZONE_STYLE[kind]
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.12", facecolor=face,
                                edgecolor=edge, lw=1.6, hatch=hatch, ls="--" if dashed else "-"))  # fmt: skip


def _label(ax: plt.Axes, x: float, y: float, text: str, size: float = 9, bold: bool = False,
           colour: str = INK) -> None:  # fmt: skip
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color=colour, fontweight="bold" if bold else "normal")


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float], colour: str = INK,
           dashed: bool = False, both: bool = False) -> None:  # fmt: skip
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="<|-|>" if both else "-|>", mutation_scale=14, lw=1.8,
                                 color=colour, ls="--" if dashed else "-", shrinkA=0, shrinkB=0))  # fmt: skip


def draw_site(scenario: Scenario, lang: str) -> Figure:
    """Entrance → entry check → waiting zone → stations → exit; buffer behind, isolation by the entrance."""
    site = scenario.site
    fig, ax = plt.subplots(figsize=(7.2, 3.8))
    ax.set_xlim(-0.1, 10.5)
    ax.set_ylim(0.0, 5.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.grid(False)
    # the site's fence, with a gap for the entrance and one for the exit
    ax.add_patch(Rectangle((1.3, 0.3), 8.6, 5.0, fill=False, edgecolor="#9ca3af", lw=1.2, ls=(0, (6, 3))))
    entrance_y, exit_y = 3.2, 1.25

    x = 1.6
    if site.waiting.capacity is not None and site.waiting.when_full == "queue_outside":
        _zone(ax, "outside", 0.0, entrance_y - 0.45, 1.05, 0.9, dashed=True)
        _label(ax, 0.52, entrance_y + 0.1, t("sch_outside", lang), size=7, colour="#c0392b")
        _label(ax, 0.52, entrance_y - 0.3, "• • •", size=7, colour="#c0392b")
    _label(ax, 1.3, entrance_y + 0.75, t("sch_entrance", lang), bold=True)
    entry_right = x
    if site.entry_check is not None:
        _zone(ax, "entry", x, entrance_y - 0.7, 1.5, 1.4)
        _label(ax, x + 0.75, entrance_y + 0.42, t("sch_entry", lang), bold=True, size=8.5)
        _label(ax, x + 0.75, entrance_y + 0.02, t("sch_entry_sub", lang), size=7, colour=MUTED)
        _label(ax, x + 0.75, entrance_y - 0.45, t("sch_lanes", lang, n=site.entry_check.lanes), size=8)
        _arrow(ax, (1.0, entrance_y), (x, entrance_y))
        entry_right = x + 1.5
    else:
        _arrow(ax, (1.0, entrance_y), (3.4, entrance_y))
        entry_right = 3.4
    if site.isolation is not None:
        _zone(ax, "isolation", x, 0.55, 1.5, 1.25)
        _label(ax, x + 0.75, 1.38, t("sch_isolation", lang), bold=True, size=8)
        _label(ax, x + 0.75, 0.85, t("sch_places", lang, n=site.isolation.capacity), size=8)
        top = entrance_y - 0.7 if site.entry_check is not None else entrance_y
        _arrow(ax, (x + 0.4, top), (x + 0.4, 1.8), colour="#c0392b", dashed=True)
        _label(ax, x + 1.05, 2.15, t("sch_abnormal", lang), size=7, colour="#c0392b")

    # waiting zone with serpentine lanes (1-metre spacing)
    wx, wy, ww, wh = 3.45, 1.75, 2.55, 2.9
    _zone(ax, "waiting", wx, wy, ww, wh)
    _label(ax, wx + ww / 2, wy + wh - 0.28, t("sch_waiting", lang), bold=True)
    lanes = 4
    for i in range(lanes):
        yy = wy + 0.45 + i * 0.42
        ax.plot([wx + 0.25, wx + ww - 0.25], [yy, yy], color="#9db7dc", lw=1, ls=(0, (1, 2.2)))
    capacity = site.waiting.capacity
    cap_text = t("sch_capacity", lang, n=capacity) if capacity is not None else t("v_unlimited", lang)
    _label(ax, wx + ww / 2, wy + wh - 0.62, f"{cap_text} · {t('sch_waiting_sub', lang)}", size=7.5, colour=MUTED)
    _arrow(ax, (entry_right, entrance_y), (wx, entrance_y))

    # sampling zone: one box per station (registrar + sampler)
    sx, sy, sw, sh = 6.3, 0.75, 1.9, 4.3
    _zone(ax, "sampling", sx, sy, sw, sh)
    _label(ax, sx + sw / 2, sy + sh - 0.25, t("sch_stations", lang), bold=True, size=8)
    n = site.sampling.stations
    drawn = min(n, MAX_DRAWN_STATIONS)
    top, bottom = sy + sh - 0.5, sy + 0.65
    step = (top - bottom) / max(drawn, 1)
    box_h = min(0.32, step * 0.75)
    for i in range(drawn):
        cy = top - (i + 0.5) * step
        ax.add_patch(
            Rectangle((sx + 0.2, cy - box_h / 2), sw - 0.4, box_h, facecolor="white", edgecolor="#2e8b57", lw=1)
        )
        label = str(i + 1) if not (n > drawn and i == drawn - 1) else f"… {n}"
        ax.text(sx + 0.35, cy, label, ha="left", va="center", fontsize=7, color=INK)
        ax.plot([sx + sw - 0.62, sx + sw - 0.38], [cy, cy], "o", ms=4.5, color="#2e8b57")
    _label(ax, sx + sw / 2, sy + 0.3, t("sch_stations_sub", lang, n=n), size=6.5, colour=MUTED)
    _arrow(ax, (wx + ww, 3.2), (sx, 3.2))

    # buffer zone behind the stations (staff only)
    if site.buffer is not None:
        bx, by, bw, bh = 8.55, 2.75, 1.3, 2.3
        _zone(ax, "buffer", bx, by, bw, bh, hatch="//")
        ax.text(
            bx + bw / 2,
            by + bh / 2 + 0.3,
            t("sch_buffer", lang),
            ha="center",
            va="center",
            fontsize=7.5,
            fontweight="bold",
            color=INK,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 2},
        )
        ax.text(
            bx + bw / 2,
            by + bh / 2 - 0.4,
            t("sch_places", lang, n=site.buffer.capacity),
            ha="center",
            va="center",
            fontsize=8,
            color=INK,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 2},
        )
        _arrow(ax, (sx + sw, 3.9), (bx, 3.9), colour="#6b7280", dashed=True, both=True)

    # exit and the one-way flow
    _arrow(ax, (sx + sw, exit_y), (10.4, exit_y))
    _label(ax, 9.95, exit_y + 0.35, t("sch_exit", lang), bold=True)
    _label(ax, 4.72, 1.3, "→ " + t("sch_oneway", lang) + " →", size=8, colour=MUTED)
    fig.tight_layout()
    return fig
