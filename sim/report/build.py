"""build_report: one results folder → report.html, report.md, figures/, and report.pdf where possible.

The report reads saved results only; it never runs the model (variants come from variants.json).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..errors import OptionError
from ..results import ResultsFolder
from ..results.files import (  # REPLAY: the animated replay (sim/replay), linked where it exists
    REPLAY,
    REPORT_HTML,
    REPORT_MD,
    REPORT_PDF,
)
from .advice import bottleneck_section, headline, recommendations, tiles
from .analysis import bottleneck_lines, input_rows, kpi_rows, unknown_targets
from .city import CITY_FIGURES, city_inputs, city_kpi_rows, city_summary, city_tiles
from .data import CityResults, Results, load_city_results, load_results, results_kind
from .figures import FigureFile, write_figures
from .fonts import css_font_stack, figure_language
from .i18n import LANGS, t


@dataclass
class Report:
    """What build_report wrote, and notes for the user (e.g. why there is no PDF)."""

    html: Path
    markdown: Path
    figures: list[Path]
    pdf: Path | None = None
    notes: list[str] = field(default_factory=list)


def _md(text: object) -> str:
    """Markdown text with HTML's special characters escaped (scenario text is data, not markup)."""
    return html.escape(str(text), quote=False)


def _cell(text: object) -> str:
    return re.sub(r"\s*\n\s*", " ", _md(text)).replace("|", "\\|")


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("sim.report", "templates"),
        autoescape=select_autoescape(["html", "html.j2"]) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md
    env.filters["cell"] = _cell
    return env


def _when(created: object) -> str:
    """'2026-11-29T05:12:24+00:00' → '2026-11-29 05:12 UTC' (as given when it does not parse)."""
    try:
        return datetime.fromisoformat(str(created)).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return str(created or "—")


def _method(results: Results | CityResults, lang: str) -> list[tuple[str, str]]:
    s = results.summary
    rows = [
        (t("m_replications", lang), str(s.get("replications", "—"))),
        (t("m_seed", lang), str(s.get("seed", "—"))),
        (t("m_version", lang), str(s.get("version", "—"))),
        (t("m_file", lang), str(s.get("scenario_file") or "—")),
        (t("m_created", lang), _when(s.get("created"))),
    ]
    sanity = s.get("sanity")
    if sanity:
        rows.append((t("m_sanity", lang), t("m_sanity_v", lang, load=f"{sanity['load_per_station']:.2f}",
                                              arrival=f"{sanity['arrival_per_hour']:,.0f}",
                                              capacity=f"{sanity['capacity_per_hour']:,.0f}")))  # fmt: skip
    return rows


def context(results: Results, lang: str, figures: dict[str, FigureFile]) -> dict[str, Any]:
    """Everything the templates show, in one mapping."""
    s = results.summary
    return {
        "lang": lang,
        "t": lambda key, **values: t(key, lang, **values),
        "font_stack": Markup(css_font_stack()),  # our own constant, inside <style>: not to be escaped
        "scenario_name": s.get("scenario", results.scenario.name),
        "description": results.scenario.description,
        "built": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "created": _when(s.get("created")),
        "replications": s.get("replications", "—"),
        "seed": s.get("seed", "—"),
        "version": s.get("version", "—"),
        "summary": headline(results, lang),
        "tiles": tiles(results, lang),
        "inputs": input_rows(results, lang),
        "figures": figures,
        "day_figures": [f for name, f in figures.items() if name != "site"],
        "kpis": kpi_rows(results, lang),
        "unknown_targets": unknown_targets(results, lang),
        "warnings": [str(w) for w in s.get("warnings", [])],  # likely mistakes in the scenario (summary.json)
        "kpi_note": t("kpi_note", lang, n=s.get("replications", "—")),
        "bottleneck": bottleneck_section(results, lang),
        "bottleneck_details": bottleneck_lines(results, lang),
        "recommend": recommendations(results, lang),
        "method": _method(results, lang),
        "assumptions": [t(f"m_a{i}", lang) for i in range(1, 6)],
        "compare": _compare(results.folder, lang),
        "replay": REPLAY if (results.folder / REPLAY).is_file() else None,  # written by `drill replay`
    }


def _compare(folder: Path, lang: str) -> dict[str, Any] | None:
    """The plan-against-the-day section, where `drill compare` left compare.json in the folder."""
    from .compare import compare_section

    return compare_section(folder, lang)


def write_pdf(html_text: str, path: Path) -> str | None:
    """report.pdf with WeasyPrint (the optional `pdf` extra); a note instead where it is missing."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint installed but Pango missing
        return f"{exc.__class__.__name__}: {exc}"
    HTML(string=html_text, base_url=str(path.parent)).write_pdf(path)
    return None


def city_context(results: CityResults, lang: str, figures: dict[str, FigureFile]) -> dict[str, Any]:
    """Everything the city templates show, in one mapping."""
    s = results.summary
    n = s.get("replications", "—")
    return {
        "lang": lang,
        "t": lambda key, **values: t(key, lang, **values),
        "font_stack": Markup(css_font_stack()),
        "scenario_name": s.get("scenario", results.city.name),
        "description": results.city.description,
        "built": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "created": _when(s.get("created")),
        "replications": n,
        "seed": s.get("seed", "—"),
        "version": s.get("version", "—"),
        "summary": city_summary(results, lang),
        "tiles": city_tiles(results, lang),
        "inputs": city_inputs(results, lang),
        "figures": figures,
        "day_figures": list(figures.values()),
        "kpis": city_kpi_rows(results, lang),
        "kpi_note": t("c_kpi_note", lang, n=n),
        "method": _method(results, lang),
        "assumptions": [t(f"c_a{i}", lang) for i in range(1, 5)],
    }


def build_report(results_dir: Path | str, lang: str = "en", pdf: bool = True) -> Report:
    """Build the report of one results folder (a site's or a city round's) in `lang` ('en' or 'zh')."""
    if lang not in LANGS:
        raise OptionError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    folder = Path(results_dir)
    kind = results_kind(folder)  # verified: a folder this version wrote, unchanged since
    with ResultsFolder.update(folder, (kind,)) as out:  # the report's files join the folder as one commit
        figures_dir = out.directory("figures")
        if kind == "city":
            city = load_city_results(folder)
            figures = write_figures(city, figures_dir, figure_language(lang), lang, CITY_FIGURES)
            ctx, template = city_context(city, lang, figures), "city"
        else:
            results = load_results(folder)
            figures = write_figures(results, figures_dir, figure_language(lang), text_lang=lang)
            ctx, template = context(results, lang, figures), "report"
        html_text = _environment(autoescape=True).get_template(f"{template}.html.j2").render(ctx)
        md_text = _environment(autoescape=False).get_template(f"{template}.md.j2").render(ctx)
        report = Report(out.write(REPORT_HTML, html_text), out.write(REPORT_MD, md_text), [])
        problem = write_pdf(html_text, out.file(REPORT_PDF)) if pdf else "not asked for"
        if problem is None:
            report.pdf = out.path(REPORT_PDF)
        else:
            out.remove(REPORT_PDF)  # no PDF of an earlier report beside this one
            if pdf:
                report.notes.append(f"{t('pdf_missing', lang)} ({problem})")
    report.figures = sorted(p for p in (folder / "figures").iterdir() if p.suffix in {".png", ".svg"})
    return report
