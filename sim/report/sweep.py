"""Sweep figures: each KPI against the first varied key, one line per value of the other keys,
with the 95% interval as a band. Drawn from the sweep's summary rows only (never runs the model)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .fonts import font_families


def _value(value: Any, fallback: Any = None) -> float:
    """A number to draw: the value, else the fallback (an interval's mean), else NaN (nothing drawn)."""
    for x in (value, fallback):
        if x is not None:
            return float(x)
    return float("nan")


def plot_sweep(header: Sequence[str], rows: Sequence[Sequence[Any]], keys: Sequence[str], out: Path,
               between: Callable[[], None] | None = None) -> list[Path]:  # fmt: skip
    """One PNG per KPI in `out`; returns their paths. `header`/`rows` are SweepResult.summary_rows().

    `between` is called after each figure (the command line raises there if Ctrl-C was pressed).
    The font list holds only installed families, so matplotlib has nothing to warn about per label.
    """
    import matplotlib.pyplot as plt

    col = {name: k for k, name in enumerate(header)}
    x_key, others = keys[0], list(keys[1:])
    x_values = list(dict.fromkeys(row[col[x_key]] for row in rows))
    numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in x_values)
    position = {x: (x if numeric else k) for k, x in enumerate(x_values)}
    kpis = list(dict.fromkeys(row[col["kpi"]] for row in rows))
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    with plt.rc_context({"font.family": font_families()}):
        for kpi in kpis:
            fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
            lines: dict[tuple[Any, ...], list[Sequence[Any]]] = {}
            for row in rows:
                if row[col["kpi"]] == kpi:
                    lines.setdefault(tuple(row[col[k]] for k in others), []).append(row)
            for label, points in lines.items():
                xs = [position[p[col[x_key]]] for p in points]
                mean = [_value(p[col["mean"]]) for p in points]  # a KPI with no value in a variant: a gap
                low = [_value(p[col["ci_low"]], p[col["mean"]]) for p in points]
                high = [_value(p[col["ci_high"]], p[col["mean"]]) for p in points]
                name = ", ".join(f"{k}={v}" for k, v in zip(others, label, strict=True)) or "mean"
                (line,) = ax.plot(xs, mean, marker="o", label=name)
                ax.fill_between(xs, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
            if not numeric:
                ax.set_xticks(range(len(x_values)), [str(x) for x in x_values])
            ax.set_xlabel(x_key)
            ax.set_ylabel(kpi)
            ax.set_title(f"{kpi} (mean, 95% interval)")
            ax.grid(alpha=0.3)
            if len(lines) > 1 or others:
                ax.legend(fontsize="small")
            fig.tight_layout()
            path = out / f"{re.sub(r'[^A-Za-z0-9._-]', '_', kpi)}.png"
            fig.savefig(path)
            plt.close(fig)
            paths.append(path)
            if between is not None:
                between()
    return paths
