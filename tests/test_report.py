"""The drill report: builds for every seed scenario in both languages, from saved results only."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_page import parse_page

from sim import Scenario, load_scenario, scenario_from_data
from sim.cli import main
from sim.experiment import run
from sim.experiment.recommend import Change, variants_document
from sim.report import build_report, fonts
from sim.report.analysis import decimals
from sim.results import seal, write_results, write_variants

SCENARIOS = Path(__file__).parent.parent / "scenarios"
SEEDS = sorted(SCENARIOS.glob("*.yaml"))
# the report of one site; a city round (kind: city) gets a city report: tests/test_report_city.py
SITE_SEEDS = [path for path in SEEDS if isinstance(load_scenario(path), Scenario)]
REPLICATIONS = 2
CORE_FIGURES = ("site", "occupancy", "progress", "waits", "utilisation")


def _write_run(scenario, folder: Path, replications: int = REPLICATIONS):
    result = run(scenario, replications)
    write_results(result, folder, "test")
    return result


@pytest.fixture(scope="module")
def seed_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small results folder per seed scenario (2 replications each)."""
    out = {}
    for path in SITE_SEEDS:
        out[path.stem] = tmp_path_factory.mktemp(path.stem)
        _write_run(load_scenario(path), out[path.stem])
    return out


@pytest.fixture(scope="module")
def xinhua(tmp_path_factory: pytest.TempPathFactory):
    """Xinhua with 3 replications and its variants.json."""
    folder = tmp_path_factory.mktemp("xinhua-variants")
    result = _write_run(load_scenario(SCENARIOS / "xinhua-drill.yaml"), folder, 3)
    write_variants(variants_document(result), folder)
    build_report(folder, "en", pdf=False)
    return folder, result


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("stem", [p.stem for p in SITE_SEEDS])
def test_report_builds_for_every_seed_scenario(seed_results: dict[str, Path], stem: str, lang: str) -> None:
    folder = seed_results[stem]
    report = build_report(folder, lang, pdf=False)
    assert report.html.is_file() and report.markdown.is_file()
    for name in CORE_FIGURES:
        assert (folder / "figures" / f"{name}.png").stat().st_size > 5000
        assert (folder / "figures" / f"{name}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    page = parse_page(report.html)
    text = "".join(page.text)
    assert ("核酸检测演练报告" in text) == (lang == "zh")
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["scenario"] in text
    markdown = report.markdown.read_text(encoding="utf-8")
    for name in CORE_FIGURES:
        assert f"](figures/{name}.png)" in markdown


def test_html_is_self_contained(xinhua) -> None:
    folder, _ = xinhua
    page = parse_page(folder / "report.html")
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    assert page.urls, "the figures should be embedded as images"
    for url in page.urls:
        assert url.startswith(("data:image/png;base64,", "#")), url[:60]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"url\(|@import|https?://", html)
    assert html.count("<img") >= len(CORE_FIGURES)


def test_scenario_text_is_escaped(tmp_path: Path) -> None:
    data = load_scenario(SCENARIOS / "xinhua-drill.yaml").model_dump(mode="json")
    data["name"] = "<script>alert(1)</script>"
    data["description"] = 'Tom & Jerry <img src="http://example.com/x.png">'
    data["sources"] = {"site.sampling.stations": "<b>bold</b> claim"}
    _write_run(scenario_from_data(data), tmp_path)
    report = build_report(tmp_path, "en", pdf=False)
    html = report.html.read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>bold</b>" not in html and '<img src="http' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parse_page(report.html)
    assert "script" not in page.tags
    assert "<script>alert(1)</script>" in "".join(page.text)  # shown to the reader as text
    markdown = report.markdown.read_text(encoding="utf-8")
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown


def _number(cell: str) -> tuple[float, int]:
    """A shown number and its number of decimals ('2,274' → (2274.0, 0))."""
    text = cell.strip().replace(",", "").replace("−", "-")
    assert re.fullmatch(r"-?\d+(\.\d+)?", text), cell
    return float(text), len(text.split(".")[1]) if "." in text else 0


def test_every_kpi_table_number_equals_summary_json(xinhua) -> None:
    folder, _ = xinhua
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    cells = parse_page(folder / "report.html").cells
    assert {kpi for kpi, _ in cells} == set(summary["kpis"])
    checked = 0
    for (kpi, field), cell in cells.items():
        value = summary["kpis"][kpi][field]
        if value is None:
            assert cell.strip() == "—"
            continue
        shown, places = _number(cell)
        # the documented rule: the shown number is the value rounded to the shown decimals ...
        assert abs(shown - value) <= 0.5 * 10**-places + 1e-9, (kpi, field, cell, value)
        # ... and the decimals are those of the rule (interval ends take the mean's)
        rule_value = summary["kpis"][kpi]["mean"] if field in ("ci_low", "ci_high") else value
        assert places == decimals(kpi, rule_value), (kpi, field, cell)
        checked += 1
    assert checked >= 5 * len(summary["kpis"]) - 2 * sum(v["ci_low"] is None for v in summary["kpis"].values())


def test_variants_share_random_numbers(xinhua, tmp_path: Path) -> None:
    _, base = xinhua
    stations = base.scenario.site.sampling.stations
    same = variants_document(base, changes=[Change("same", "stations", {"site.sampling.stations": stations}, "")])
    same = same["variants"][0]
    for name, diff in same["difference"].items():
        assert diff["mean"] in (0.0, None), name  # an unchanged plan on the same streams gives the same numbers
    assert same["kpis"] == base.summary()["kpis"] and same["changes"] == []


def test_recommendations_come_from_variants_json(xinhua) -> None:
    folder, _ = xinhua
    variants = json.loads((folder / "variants.json").read_text(encoding="utf-8"))
    text = " ".join(" ".join(parse_page(folder / "report.html").text).split())
    names = [v["name"] for v in variants["variants"]]
    assert any(v["stage"] == "courier" for v in variants["variants"]), names  # Xinhua misses its sample-age aim
    for v in variants["variants"]:
        met = sum(a["verdict"] == "met" for a in v["verdict"]["aims"])
        assert f"Aims met: {met} of {len(v['verdict']['aims'])}." in text, v["name"]
    rec = variants["recommendation"]
    if rec["variant"] is None:
        assert f"None of the {len(names)} changes tried meets every aim" in text
        closest = next(v for v in variants["variants"] if v["name"] == rec["closest"])
        assert not closest["verdict"]["met"]
    else:
        best = next(v for v in variants["variants"] if v["name"] == rec["variant"])
        assert best["verdict"]["met"] and "Recommended:" in text


def test_no_recommendation_without_a_matching_variants_run(xinhua, tmp_path: Path) -> None:
    folder, base = xinhua
    for name in ("summary.json", "replications.csv", "timeseries.csv", "scenario.yaml"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    seal(tmp_path)  # a folder of these four files, trusted as they are
    html = build_report(tmp_path, "en", pdf=False).html.read_text(encoding="utf-8")
    assert "Aims met:" not in html and "No variant runs are saved" in html
    stale = json.loads((folder / "variants.json").read_text(encoding="utf-8"))
    stale["seed"] += 1
    (tmp_path / "variants.json").write_text(json.dumps(stale), encoding="utf-8")
    html = build_report(tmp_path, "en", pdf=False).html.read_text(encoding="utf-8")
    assert "Aims met:" not in html and "do not match these results" in html


def test_report_never_runs_the_model(xinhua, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _ = xinhua
    for path in folder.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())

    def refuse(*_args, **_kwargs):
        raise AssertionError("the report ran the model")

    import sim.experiment.runner
    import sim.model.build

    monkeypatch.setattr(sim.model.build, "run_replication", refuse)
    monkeypatch.setattr(sim.experiment.runner, "run_replication", refuse)
    monkeypatch.setattr(sim.experiment.runner, "run_one", refuse)
    assert build_report(tmp_path, "zh", pdf=False).html.is_file()


def test_chinese_without_cjk_font_falls_back_with_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    fonts._warn_once.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert fonts.figure_language("zh") == "en"
        assert fonts.figure_language("zh") == "en"
        assert fonts.figure_language("en") == "en"
    assert [w.category for w in caught] == [fonts.CJKFontWarning]
    assert "fonts-noto-cjk" in str(caught[0].message)
    fonts._warn_once.cache_clear()


def test_pdf_is_written_or_explained(xinhua, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _ = xinhua
    for name in ("summary.json", "replications.csv", "timeseries.csv", "scenario.yaml"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    seal(tmp_path)
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise ImportError("No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    report = build_report(tmp_path, "en")
    assert report.pdf is None and not (tmp_path / "report.pdf").exists()
    assert any("drill-sim[pdf]" in note for note in report.notes)
    monkeypatch.undo()
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        pytest.skip("WeasyPrint not installed: the optional pdf extra")
    report = build_report(tmp_path, "en")
    assert report.pdf is not None and report.pdf.read_bytes().startswith(b"%PDF")


def test_cli_report_and_run_with_report(tmp_path: Path) -> None:
    runner = CliRunner()
    scenario = str(SCENARIOS / "xinhua-drill.yaml")
    result = runner.invoke(main, ["run", scenario, "-n", "2", "--workers", "1", "--out", str(tmp_path),
                                  "--report", "--lang", "zh"])  # fmt: skip
    assert result.exit_code == 0, result.output
    for name in ("report.html", "report.md", "variants.json", "figures/site.png"):
        assert (tmp_path / name).is_file(), name
    assert "核酸检测演练报告" in (tmp_path / "report.html").read_text(encoding="utf-8")
    result = runner.invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Testing drill report" in (tmp_path / "report.html").read_text(encoding="utf-8")
    result = runner.invoke(main, ["report", str(tmp_path / "figures")])
    assert result.exit_code == 2 and "not a results folder" in result.output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_minimal_site_without_optional_parts(tmp_path: Path, lang: str) -> None:
    """No entry check, isolation, buffer, capacity, targets or sources: the report still reads well."""
    scenario = scenario_from_data({
        "name": "Minimal site", "replications": 2, "clock": {"open": "09:00", "duration": "1h"},
        "arrivals": {"rate": "200/h"}, "site": {"sampling": {"stations": 12, "swab": "30s"}},
    })  # fmt: skip
    _write_run(scenario, tmp_path)
    report = build_report(tmp_path, lang, pdf=False)
    text = "".join(parse_page(report.html).text)
    assert "Minimal site" in text
    for name in CORE_FIGURES:
        assert (tmp_path / "figures" / f"{name}.png").is_file()
    assert not (tmp_path / "figures" / "gates.png").exists()  # no gates in this scenario


def _copy_results(source: Path, target: Path) -> dict:
    for name in ("summary.json", "replications.csv", "timeseries.csv", "scenario.yaml"):
        (target / name).write_bytes((source / name).read_bytes())
    seal(target)
    return json.loads((target / "summary.json").read_text(encoding="utf-8"))


def _save(folder: Path, summary: dict) -> None:
    """Numbers changed on purpose to drive the wording: the folder is sealed again (run.json trusts them)."""
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    seal(folder)


def _headline(folder: Path) -> tuple[str, str]:
    html = build_report(folder, "en", pdf=False).html.read_text(encoding="utf-8")
    return re.search(r'class="verdict (\w+)">([^<]*)', html).groups()


def test_headline_follows_the_verdict(xinhua, tmp_path: Path) -> None:
    """Green only when every aim is met, no deadline is at risk and nobody was left unswabbed anywhere."""
    summary = _copy_results(xinhua[0], tmp_path)
    verdict = summary["verdict"]
    for aim in verdict["aims"]:
        aim["verdict"] = "met"
    verdict.update(met=True, reasons=[], risks=[])
    summary["kpis"]["people.unswabbed"].update(mean=0.0, max=0.0)
    _save(tmp_path, summary)
    state, text = _headline(tmp_path)
    assert state == "ok" and "The plan meets its aims" in text
    summary["kpis"]["people.unswabbed"].update(mean=0.1, max=2.0)  # aim relaxed, yet someone was left
    _save(tmp_path, summary)
    assert _headline(tmp_path)[0] == "risk"
    summary["kpis"]["people.unswabbed"].update(mean=0.0, max=0.0)
    verdict["risks"] = [{"kind": "deadline", "target": "time.completion_min<=270", "kpi": "time.completion_min",
                         "replications": 2, "of": 3, "worst": 281.0}]  # fmt: skip
    _save(tmp_path, summary)
    state, text = _headline(tmp_path)
    assert (
        state == "risk"
        and "2 of 3 replications miss Last swab, minutes after opening ≤ 270 (the slowest at 12:41)" in text
    )
    verdict["aims"][0]["verdict"], verdict["met"] = "missed", False
    _save(tmp_path, summary)
    state, text = _headline(tmp_path)
    assert state == "late" and "does not meet its aims: 1 of" in text


def test_bottleneck_follows_the_numbers(xinhua, tmp_path: Path) -> None:
    summary = _copy_results(xinhua[0], tmp_path)
    summary["bottleneck"]["binding"] = [{"stage": "gates", "aims": ["wait.door_to_swab.max_min<=60"]}]
    _save(tmp_path, summary)
    text = " ".join(" ".join(parse_page(build_report(tmp_path, "en", pdf=False).html).text).split())
    assert "The binding constraint: the residence gates (for From setting out to the swab, longest (min) ≤ 60)" in text
    assert "more checker lanes at the gates" in text
    summary["bottleneck"]["binding"], summary["bottleneck"]["nearest"] = [], "lab"
    _save(tmp_path, summary)
    text = " ".join(" ".join(parse_page(build_report(tmp_path, "en", pdf=False).html).text).split())
    assert "No stage binds: every aim is met. The stage nearest its limit is the lab." in text
    for utilisation, saturated in ((0.973, True), (0.512, False)):
        summary["kpis"]["stations.utilization"]["mean"] = utilisation
        _save(tmp_path, summary)
        text = " ".join(" ".join(parse_page(build_report(tmp_path, "en", pdf=False).html).text).split())
        assert ("The sampling stations are the bottleneck: they are busy 97.3%" in text) == saturated


def test_staff_and_sample_results_are_in_the_report(xinhua) -> None:
    """Xinhua has staff and a sample chain: their figures, inputs and KPIs are in the main part of the report."""
    folder, _ = xinhua
    for name in ("staff", "sample_age"):
        assert (folder / "figures" / f"{name}.png").stat().st_size > 5000
    html = (folder / "report.html").read_text(encoding="utf-8")
    main_table = html[html.index('id="kpi-table"') : html.index("</table>", html.index('id="kpi-table"'))]
    for kpi in ("samples.age_at_lab.max_min", "samples.over_limit", "samples.result.p95_min", "lab.utilization",
                "stations.closed_min", "recall.positives", "doorstep.people"):  # fmt: skip
        assert f'data-kpi="{kpi}"' in main_table, kpi
    text = " ".join(" ".join(parse_page(folder / "report.html").text).split())
    assert "Staff: samplers 8 on the roster for 5 posts; stretches of at most 120 min in protective equipment" in text
    assert "FACTS.md protective equipment: rotation every 1-2 h" in text  # staff.sampler.max_stretch's source
    assert "Courier (sample transport) every 120 min" in text


def test_bottleneck_counts_closures_and_late_samples(xinhua, tmp_path: Path) -> None:
    summary = _copy_results(xinhua[0], tmp_path)
    for name in ("staff.csv", "courier.csv"):
        (tmp_path / name).write_bytes((xinhua[0] / name).read_bytes())
    summary["kpis"]["time.completion_min"]["mean"] = 240.0
    summary["kpis"]["stations.closed_min"]["mean"] = 48.0  # of 5 stations × 240 min to the last swab: 4%
    summary["kpis"]["samples.over_limit"]["mean"] = 3.5
    _save(tmp_path, summary)
    text = " ".join(" ".join(parse_page(build_report(tmp_path, "en", pdf=False).html).text).split())
    assert "Staff changes close stations for 48 station-minutes on average (4% of the station time from" in text
    assert "Samples: 3.5 tubes on average reach the lab after the 240-minute room-temperature limit" in text
    summary["kpis"]["samples.over_limit"]["mean"] = 0.0
    _save(tmp_path, summary)
    text = " ".join(" ".join(parse_page(build_report(tmp_path, "en", pdf=False).html).text).split())
    assert "every tube reaches the lab within the 240-minute limit" in text


def test_the_utilisation_figure_shows_the_stations_a_small_roster_keeps(tmp_path: Path) -> None:
    """6 samplers keep 4 of Xinhua's 5 stations staffed: the figure draws that line, not only the plan's 5."""
    import matplotlib.pyplot as plt

    from sim.report.data import load_results
    from sim.report.figures import utilisation

    seed = SCENARIOS / "xinhua-drill.yaml"
    labels = {}
    for name, overrides in (("plan", []), ("small", ["staff.sampler.roster=6"])):
        _write_run(load_scenario(seed, overrides), tmp_path / name)
        fig = utilisation(load_results(tmp_path / name), "en")
        labels[name] = [line.get_label() for line in fig.axes[0].get_lines()]
        plt.close(fig)
    assert "4 stations staffed (roster)" in labels["small"]
    assert not any("staffed" in label for label in labels["plan"])  # the roster keeps all 5
