"""The KPI catalogue (one table for the terminal, the report and the docs) and the gettext translations."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from sim import load_scenario
from sim.cli import _kpi_table, main
from sim.locale import LOCALES, PoTranslations, po_path, translations
from sim.measure.catalogue import CATALOGUE, PARTS, WHEN, decimals, format_value, is_key, part_of, spec_of, unit_of
from sim.measure.city import city_kpis
from sim.measure.names import CONDITIONS, kpi_names
from sim.measure.reference import reference_markdown
from sim.report.i18n import change_label, kpi_label, role_name, t
from sim.scenario import Scenario, scenario_from_text
from sim.translations import TEMPLATE, messages, problems, template_is_current

ROOT = Path(__file__).parent.parent
SCENARIOS = ROOT / "scenarios"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
TWO_SITES = """\
name: two sites
clock: {open: "08:00", duration: 1h}
arrivals:
  callup: {interval: 5min, buildings: [{name: A, residents: 20}, {name: B, residents: 20}]}
population: {adult: {share: 0.8}, elderly: {share: 0.2, priority: true}}
site: {sampling: {stations: 1, swab: 30s}}
community:
  sites:
    east: {sampling: {stations: 2, swab: 30s}}
  courtyards:
    - {name: A, gates: [{name: a-gate}, {name: a-back}]}
    - {name: B, site: east}
"""


def _site_scenarios() -> list[Scenario]:
    seeds = [load_scenario(p) for p in sorted(SCENARIOS.glob("*.yaml"))]
    return [s for s in seeds if isinstance(s, Scenario)] + [scenario_from_text(TWO_SITES)]


# ---- the catalogue --------------------------------------------------------------------------------


def test_every_entry_is_complete_and_names_are_unique() -> None:
    names = [spec.name for spec in CATALOGUE]
    assert len(names) == len(set(names))
    for spec in CATALOGUE:
        assert spec.part in PARTS and spec.label and spec.unit, spec
        assert spec.when and set(spec.when) <= set(WHEN), spec
        assert set(spec.when) - {"city"} <= set(CONDITIONS), spec  # every site condition can be tested


def test_decimals_follow_the_documented_rule() -> None:
    assert decimals("coverage.share", 0.98765) == 3 and format_value(0.98765, "coverage.share") == "0.988"
    assert decimals("stations.utilization", 0.9876) == 2 and format_value(0.9876, "lab.utilization") == "0.99"
    assert format_value(0.5, "site.east.stations.utilization") == "0.50"  # a site's KPI takes the KPI's rule
    assert format_value(12.345, "wait.total.p95_min") == "12.3"
    assert format_value(2274.0, "people.sampled") == "2,274" and format_value(150.5, "wait.total.max_min") == "150"
    assert format_value(3.0, "coverage.share") == "3"  # whole numbers without decimals
    assert format_value(4.25, "no.such.kpi") == "4.2" and format_value(None) == "—"
    assert format_value(4.0, "wait.total.p95_min", places=1) == "4.0"  # an interval end takes the mean's decimals


def test_families_resolve_to_their_entry_with_part_and_key_row() -> None:
    gate = spec_of("checkpoint.a-gate.wait.p95_min")
    assert gate is not None and gate.part == "gates" and not gate.key and gate.fields == {"gate": "a-gate"}
    assert is_key("checkpoint.all.wait.p95_min") and not is_key("checkpoint.all.wait.mean_min")
    assert is_key("group.elderly.wait.total.p95_min") and not is_key("group.elderly.wait.total.mean_min")
    site = spec_of("site.east.wait.total.p95_min")
    assert site is not None and (site.part, site.key, site.kind) == ("sites", False, "minutes")
    assert part_of("no.such.kpi") == "other" and spec_of("site.east.no.such") is None
    assert unit_of("time.completion_min") == "after open" and unit_of("samples.tubes") == "tubes"


def test_every_name_a_scenario_reports_has_a_label_in_both_languages() -> None:
    for scenario in _site_scenarios():
        for name in kpi_names(scenario):
            assert spec_of(name) is not None, name
            english, chinese = kpi_label(name, "en"), kpi_label(name, "zh")
            assert english != name and not CJK.search(english.replace("卡口", "")), (name, english)
            assert chinese != english and CJK.search(chinese), (name, chinese)


def test_family_labels_fill_in_the_name() -> None:
    assert kpi_label("checkpoint.a-gate.wait.mean_min", "en") == "Gate a-gate: wait, mean (min)"
    assert kpi_label("checkpoint.a-gate.wait.mean_min", "zh") == "卡口 a-gate: 平均等候（分钟）"
    assert kpi_label("checkpoint.all.held", "zh") == "全部卡口: 留置人数"
    assert kpi_label("group.elderly.wait.total.p95_min", "en") == "elderly: Wait, 95th percentile (min)"
    assert kpi_label("site.east.people.arrived", "en") == "Site east: People who came"
    assert kpi_label("site.east.people.arrived", "zh") == "采样点 east：到场人数"
    assert kpi_label("no.such.kpi", "zh") == "no.such.kpi"


def test_city_kpis_are_the_catalogues_city_entries() -> None:
    row = {"arrived": 100.0, "sampled": 98.0, "unserved": 2.0, "done_by_deadline": 1.0, "swabbed_by_deadline": 98.0,
           "completion_min": 200.0, "wait_mean_min": 5.0, "wait_p95_min": 12.0, "utilization": 0.8, "stations": 4.0,
           "tubes": 10.0, "age_at_lab_max_min": 100.0, "over_limit": 0.0}  # fmt: skip
    reported = city_kpis([row, {**row, "completion_min": 260.0}], [300.0], [12.0])
    assert set(reported) == {spec.name for spec in CATALOGUE if "city" in spec.when}


# ---- the terminal and the docs ---------------------------------------------------------------------


def _summary() -> dict:
    def entry(mean: float, low: float, high: float) -> dict:
        return {"mean": mean, "ci_low": low, "ci_high": high, "min": low, "max": high, "n": 3}

    return {"replications": 3, "kpis": {
        "people.sampled": entry(2274.4, 2200.0, 2348.8), "coverage.share": entry(0.98765, 0.97, 1.0),
        "time.completion_min": entry(245.25, 240.0, 250.5), "group.elderly.wait.total.p95_min": entry(2.34, 0.5, 4.0),
        "checkpoint.c12-back.wait.p95_min": entry(1.2, 1.0, 1.4), "people.called": entry(3000, 3000, 3000),
    }}  # fmt: skip


def test_terminal_table_shows_units_and_the_catalogues_numbers_within_80_columns() -> None:
    console = Console(width=80, record=True, color_system=None)
    console.print(_kpi_table("Results", _summary(), everything=True))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    lines = {line.split()[0]: line.split() for line in text.splitlines() if line.startswith("  ")}
    assert lines["coverage.share"][1:] == ["share", "0-1", "0.988", "0.970–1.000", "0.970", "1"]
    assert lines["people.sampled"][1:] == ["people", "2,274", "2,200–2,349", "2,200", "2,349"]
    assert lines["time.completion_min"][1:] == ["after", "open", "245", "240–250", "240", "250"]
    assert lines["group.elderly.wait.total.p95_min"][1:] == ["min", "2.3", "0.5–4.0", "0.5", "4"]
    assert "checkpoint.c12-back.wait.p95_min" in lines and "…" not in text  # nothing is cut
    assert text.index("Who was swabbed") < text.index("When") < text.index("Residence gates")


def test_short_table_keeps_key_rows_and_counts_the_rest() -> None:
    console = Console(width=100, record=True, color_system=None)
    console.print(_kpi_table("Results", _summary(), everything=False))
    text = console.export_text()
    assert "people.called" not in text and "checkpoint.c12-back" not in text  # not key rows
    assert "2 more rows: --all, or summary.json" in text


def test_committed_kpi_reference_is_what_drill_kpis_writes(tmp_path: Path) -> None:
    out = tmp_path / "KPIS.md"
    result = CliRunner().invoke(main, ["kpis", "--markdown", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == reference_markdown()
    committed = (SCENARIOS / "KPIS.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), "scenarios/KPIS.md is stale: drill kpis --markdown scenarios/KPIS.md"
    for spec in CATALOGUE:
        assert f"| `{spec.name}` |" in committed
    assert "(KPIS.md)" in (SCENARIOS / "README.md").read_text(encoding="utf-8")


def test_drill_kpis_prints_the_catalogue() -> None:
    result = CliRunner().invoke(main, ["kpis"], terminal_width=160)
    assert result.exit_code == 0, result.output
    for spec in CATALOGUE:
        assert spec.name in result.output
    assert "Courier trips" in result.output


def test_import_sim_cli_loads_none_of_the_heavy_libraries() -> None:
    code = ("import sys, sim.cli; print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'scipy', 'pandas', 'matplotlib', 'jinja2', 'dask', 'babel'}))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# ---- the translations -------------------------------------------------------------------------------


def test_po_files_parse_and_every_message_has_a_translation() -> None:
    contexts = [m.context for m in messages()]
    assert len(contexts) == len(set(contexts))
    for lang in LOCALES:
        assert po_path(lang).is_file()
        assert problems(lang) == []  # none missing, untranslated, fuzzy, with other placeholders, or unused


def test_template_is_the_codes_messages() -> None:
    assert template_is_current(), f"{TEMPLATE} is stale: drill translations --update"


def test_every_translation_is_used_by_the_documents() -> None:
    zh = translations("zh")
    assert isinstance(zh, PoTranslations)
    assert len(zh.messages) == len(messages())  # every message is in the catalogue, translated
    assert t("title", "zh") == "核酸检测演练报告" and t("title", "en") == "Testing drill report"
    assert t("head_met", "zh", n=3).startswith("方案达成全部目标：3 项")
    assert role_name("sampler", "zh") == "采样员" and role_name("sampler", "en", title=True) == "Sampler"
    assert change_label("staff.registrar.roster", "en") == "registrars on the roster"
    assert change_label("staff.registrar.roster", "zh") == "登记员名册"
    assert change_label("site.waiting.capacity", "zh") == "等候区位置" and change_label("x.y", "zh") == "x.y"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_standard_gettext_tools_accept_the_catalogue(tmp_path: Path) -> None:
    for lang in LOCALES:
        done = subprocess.run(["msgfmt", "-c", "--statistics", "-o", str(tmp_path / f"{lang}.mo"), str(po_path(lang))],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert f"{len(messages())} translated messages." in done.stderr


def test_a_broken_or_fuzzy_translation_falls_back_to_english(tmp_path: Path) -> None:
    po = tmp_path / "drill.po"
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgctxt "report.tile_swabbed"\nmsgid "swabbed, of {arrived} who came"\nmsgstr "人完成采样（到场 {arived} 人）"\n\n'
                  '#, fuzzy\nmsgctxt "report.title"\nmsgid "Testing drill report"\nmsgstr "旧的标题"\n\n'
                  'msgctxt "report.subtitle"\nmsgid "Simulation of a community nucleic-acid testing session"\n'
                  'msgstr "社区核酸检测采样点模拟"\n', encoding="utf-8")  # fmt: skip
    found = PoTranslations(po)
    assert found.pgettext("report.tile_swabbed", "swabbed, of {arrived} who came") == "swabbed, of {arrived} who came"
    assert found.pgettext("report.title", "Testing drill report") == "Testing drill report"
    assert (
        found.pgettext("report.subtitle", "Simulation of a community nucleic-acid testing session")
        == "社区核酸检测采样点模拟"
    )


def _strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}  # fmt: skip
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]  # fmt: skip


def test_no_chinese_text_is_left_in_the_code() -> None:
    """Chinese lives in the .po files; the code may gloss an English word with its Chinese term ('gates (卡口)')."""
    found = []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        for line, text in _strings(path):
            if len(CJK.findall(text)) > len(re.findall(r"[A-Za-z]", text)):
                found.append(f"{path.relative_to(ROOT)}:{line}: {text[:40]!r}")
    assert found == []


def test_update_brings_in_new_messages_and_marks_changed_english_fuzzy(tmp_path: Path, monkeypatch) -> None:
    from sim import translations as m

    po = tmp_path / "drill.po"
    shutil.copy(po_path("zh"), po)
    monkeypatch.setattr(m, "po_path", lambda lang: po)
    code = [x for x in m.messages() if x.context != "report.title"]  # a message the .po does not have yet ...
    code.append(m.Message("report.brand_new", "A new sentence about {n} stations", "sim/report/i18n.py"))
    changed = next(k for k, x in enumerate(code) if x.context == "report.tile_p95")  # ... and English rewritten
    code[changed] = m.Message("report.tile_p95", "95% of people wait at most", "sim/report/i18n.py")
    monkeypatch.setattr(m, "messages", lambda: code)
    m.update("zh")
    left = m.problems("zh")
    assert "untranslated: report.brand_new: 'A new sentence about {n} stations'" in left
    assert any(line.startswith("fuzzy") and "report.tile_p95" in line for line in left)
    assert len(left) == 2  # the removed message is kept as obsolete (#~), not reported, not used
    text = po.read_text(encoding="utf-8")
    assert '#~ msgctxt "report.title"' in text
    assert '#| msgid "95% wait at most"' in text  # the translator sees the old English beside the old translation
    assert PoTranslations(po).pgettext("report.tile_p95", "95% of people wait at most") == "95% of people wait at most"


def test_drill_translations_says_the_chinese_is_complete() -> None:
    result = CliRunner().invoke(main, ["translations"])
    assert result.exit_code == 0, result.output
    assert "drill.po: complete" in result.output
