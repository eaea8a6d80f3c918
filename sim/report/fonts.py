"""Fonts for figures and documents: the one list of families, CJK glyphs where a font has them.

matplotlib falls back glyph by glyph along ``font.family``; the HTML uses the same list in CSS.
Debian's ``fonts-noto-cjk`` or ``fonts-wqy-microhei`` provide the Chinese families.
"""

from __future__ import annotations

import warnings
from functools import cache

import matplotlib

matplotlib.use("Agg")  # no display: figures are files

from matplotlib import font_manager  # noqa: E402

FONT_FAMILIES = ("DejaVu Sans", "Noto Sans CJK SC", "WenQuanYi Micro Hei")
CJK_FAMILIES = FONT_FAMILIES[1:]
INSTALL_HINT = "apt-get install fonts-noto-cjk (or fonts-wqy-microhei)"


class CJKFontWarning(UserWarning):
    """Chinese was asked for but no CJK font is installed."""


@cache
def cjk_font() -> str | None:
    """The first CJK family from the list that matplotlib can find, else None."""
    for family in CJK_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return family
    return None


@cache
def _warn_once() -> None:
    warnings.warn(
        f"no CJK font found ({', '.join(CJK_FAMILIES)}): figure labels fall back to English; {INSTALL_HINT}",
        CJKFontWarning,
        stacklevel=3,
    )


def figure_language(lang: str) -> str:
    """The language figure labels can be drawn in: Chinese only where a CJK font is installed."""
    if lang == "zh" and cjk_font() is None:
        _warn_once()
        return "en"
    return lang


def rc_params() -> dict[str, object]:
    """matplotlib settings shared by every figure of the report."""
    return {
        "font.family": [*FONT_FAMILIES, "sans-serif"],  # a list: matplotlib falls back glyph by glyph
        "axes.unicode_minus": False,
        "svg.fonttype": "path",  # SVGs show the same glyphs on machines without the fonts
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#e3e6ea",
        "grid.linewidth": 0.6,
        "axes.edgecolor": "#6b7280",
        "axes.labelcolor": "#1f2937",
        "xtick.color": "#374151",
        "ytick.color": "#374151",
        "axes.titleweight": "bold",
        "axes.titlesize": 11,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "figure.dpi": 100,
        "savefig.dpi": 160,
    }


def css_font_stack() -> str:
    """The same families for the HTML, ending in the generic family."""
    return ", ".join(f'"{f}"' for f in FONT_FAMILIES) + ', "Microsoft YaHei", "PingFang SC", sans-serif'
