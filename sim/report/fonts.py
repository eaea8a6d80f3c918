"""Fonts for figures and documents: the one list of families, CJK glyphs where a font has them.

matplotlib falls back glyph by glyph along ``font.family``; the HTML uses the same list in CSS.
Debian's ``fonts-noto-cjk`` or ``fonts-wqy-microhei`` provide the Chinese families.

matplotlib knows the fonts of a cache it built once (~/.cache/matplotlib/fontlist-*.json): a font
installed later is missing from it. So when none of our CJK families is in that list, fontconfig is
asked once (``fc-list :lang=zh``) and the files it names are added to matplotlib's list for this
process. Figures get only families that are installed, so matplotlib never logs a "findfont: not
found" line per label.
"""

from __future__ import annotations

import subprocess
import warnings
from functools import cache
from typing import Any

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
    """The first CJK family of the list that matplotlib can find (after asking fontconfig), else None.

    Where fontconfig knows none of our families but another Chinese one, that one is used.
    """
    found = _known(CJK_FAMILIES)
    if found is not None:
        return found
    chinese = fontconfig_chinese()
    wanted = [family for family in CJK_FAMILIES if family in chinese] or sorted(chinese)[:1]
    for family in wanted:
        for path in chinese[family]:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read
                continue
    return _known(wanted)


def _known(families: tuple[str, ...] | list[str]) -> str | None:
    for family in families:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return family
    return None


def fontconfig_chinese() -> dict[str, list[str]]:
    """Font files of each family fontconfig says covers Chinese; empty without fontconfig."""
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "family", "file"], capture_output=True, text=True,
                                 timeout=10, check=True).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return {}
    out: dict[str, list[str]] = {}
    for line in listing.splitlines():
        path, _, families = line.partition(": ")
        for family in families.split(","):
            if family.strip() and path.strip():
                out.setdefault(family.strip(), []).append(path.strip())
    return out


def font_families() -> list[str]:
    """The families of the list that are installed: DejaVu Sans (matplotlib's own) and the CJK one found."""
    cjk = cjk_font()
    return [FONT_FAMILIES[0], *([cjk] if cjk else [])]


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


def rc_params() -> dict[Any, Any]:  # keys: matplotlib rc names
    """matplotlib settings shared by every figure of the report."""
    return {
        "font.family": [*font_families(), "sans-serif"],  # a list: matplotlib falls back glyph by glyph
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
