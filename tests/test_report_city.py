"""The city round's report: builds in both languages, self-contained, its KPI numbers are summary.json's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_page import parse_page

from sim import load_scenario
from sim.cli import main
from sim.experiment.city import run_city
from sim.report import build_report
from sim.report.analysis import decimals
from sim.results import seal, write_city_results
from sim.scenario.city import expand_sites

XIAN = Path(__file__).parent.parent / "scenarios" / "xian-2021-12-27.yaml"
SMALL = ["sites.0.count=8", "sites.1.count=4"]  # 12 sites instead of 5,077
CITY_FIGURES = ("city_cumulative", "city_backlog", "city_completion")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small Xi'an round, 2 replications (so the KPI table has intervals)."""
    folder = tmp_path_factory.mktemp("city")
    scenario = expand_sites(load_scenario(XIAN, SMALL), XIAN.parent)
    write_city_results(run_city(scenario, 2), folder, str(XIAN))
    return folder


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_city_report_builds_in_both_languages(city: Path, lang: str) -> None:
    report = build_report(city, lang, pdf=False)
    text = "".join(parse_page(report.html).text)
    assert ("全市核酸检测轮次报告" in text) == (lang == "zh")
    assert ("City testing round report" in text) == (lang == "en")
    assert "Xi'an round 2021-12-27" in text
    markdown = report.markdown.read_text(encoding="utf-8")
    for name in CITY_FIGURES:
        assert (city / "figures" / f"{name}.png").stat().st_size > 5000
        assert (city / "figures" / f"{name}.svg").is_file()
        assert f"](figures/{name}.png)" in markdown
    assert not (city / "figures" / "occupancy.png").exists()  # no site figures for a city


def test_city_report_is_self_contained(city: Path) -> None:
    page = parse_page(build_report(city, "en", pdf=False).html)
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    assert len(page.urls) == len(CITY_FIGURES)
    assert all(url.startswith("data:image/png;base64,") for url in page.urls)
    html = (city / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"url\(|@import|https?://", html)


def test_city_kpi_numbers_equal_summary_json(city: Path) -> None:
    summary = json.loads((city / "summary.json").read_text(encoding="utf-8"))
    cells = parse_page(build_report(city, "en", pdf=False).html).cells
    assert {kpi for kpi, _ in cells} == set(summary["kpis"])
    for (kpi, field), cell in cells.items():
        value = summary["kpis"][kpi][field]
        if value is None:
            assert cell.strip() == "—", (kpi, field)
            continue
        text = cell.replace(",", "")
        places = len(text.split(".")[1]) if "." in text else 0
        assert abs(float(text) - value) <= 0.5 * 10**-places + 1e-9, (kpi, field, cell, value)
        assert places == decimals(kpi, summary["kpis"][kpi]["mean"] if field.startswith("ci_") else value)
    assert decimals("people.done_by_deadline.share", 0.98765) == 3  # shares are not rounded to 1.0


def _small_round(folder: Path, extra: list[str]) -> tuple[dict, str]:
    """A 12-site round with `extra` overrides: its summary.json and its report's verdict box (state, text)."""
    scenario = expand_sites(load_scenario(XIAN, SMALL + extra), XIAN.parent)
    write_city_results(run_city(scenario, 2), folder, str(XIAN))
    html = build_report(folder, "en", pdf=False).html.read_text(encoding="utf-8")
    state, text = re.search(r'class="verdict (\w+)">([^<]*)', html).groups()
    return json.loads((folder / "summary.json").read_text(encoding="utf-8")), f"{state}: {text}"


def test_city_verdict_counts_every_aim(city: Path, tmp_path: Path) -> None:
    """Green only when every site is done, everyone served, every tube in time and every result out by the
    deadline; a round whose sites all finish but whose tubes wait too long is not green."""
    summary = json.loads((city / "summary.json").read_text(encoding="utf-8"))
    aims = {a["target"]: a["verdict"] for a in summary["verdict"]["aims"]}
    assert aims == {"sites.done_by_deadline.share>=1": "met", "people.unserved<=0": "met",
                    "samples.over_limit<=0": "met", "lab.last_result_min<=1440": "met"}  # fmt: skip
    html = build_report(city, "en", pdf=False).html.read_text(encoding="utf-8")
    assert re.search(r'class="verdict ok">The round meets its aims: all 4 are met', html)
    assert html.count('data-aim="met"') == 4

    # sites close at 20:00 (8 h) and finish their queues after it: an 8-hour deadline is missed by every site
    late, box = _small_round(tmp_path / "late", ["deadline=8h"])
    assert late["kpis"]["sites.done_by_deadline.share"]["max"] < 1
    assert not late["verdict"]["met"] and box.startswith("late: The round does not meet its aims")
    assert "Share of sites done by the deadline ≥ 1: missed" in box

    # a courier every 6 h: every site still finishes in time, but tubes wait past the 4-hour limit
    slow, box = _small_round(tmp_path / "courier", ["courier.every=6h"])
    assert slow["kpis"]["sites.done_by_deadline.share"]["mean"] == 1
    assert slow["kpis"]["samples.over_limit"]["ci_low"] > 0
    assert [r["target"] for r in slow["verdict"]["reasons"]] == ["samples.over_limit<=0"]
    assert box.startswith("late: ") and "Tubes over the room-temperature limit ≤ 0: missed" in box


def test_a_deadline_missed_by_one_replication_keeps_the_city_headline_amber(city: Path, tmp_path: Path) -> None:
    for name in ("summary.json", "replications.csv", "sites.csv", "hourly.csv", "lab_backlog.csv", "scenario.yaml"):
        (tmp_path / name).write_bytes((city / name).read_bytes())
    summary = json.loads((city / "summary.json").read_text(encoding="utf-8"))
    summary["verdict"]["risks"] = [{"kind": "deadline", "target": "lab.last_result_min<=1440",
                                    "kpi": "lab.last_result_min", "replications": 1, "of": 2, "worst": 1500.0}]  # fmt: skip
    (tmp_path / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    seal(tmp_path, "city")  # edited on purpose: trusted as it is
    html = build_report(tmp_path, "en", pdf=False).html.read_text(encoding="utf-8")
    state, text = re.search(r'class="verdict (\w+)">([^<]*)', html).groups()
    assert state == "risk" and "The round meets its 4 aims, but not with room to spare" in text
    assert "1 of 2" in text and "13:00 next day" in text  # 1,500 min after 12:00, in the city's clock


def test_city_summary_names_the_latest_site(city: Path) -> None:
    summary = json.loads((city / "summary.json").read_text(encoding="utf-8"))
    latest = summary["latest_site"]
    text = " ".join(" ".join(parse_page(build_report(city, "en", pdf=False).html).text).split())
    assert f"{int(latest['stations'])} stations, {int(latest['population']):,} residents" in text


def test_run_city_with_report(tmp_path: Path) -> None:
    args = ["run", str(XIAN), *(x for s in SMALL for x in ("--set", s)), "--workers", "1", "--out", str(tmp_path),
            "--report", "--lang", "zh"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "全市核酸检测轮次报告" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert not (tmp_path / "variants.json").exists()  # no variants for a city round
    lines = result.output.splitlines()
    assert lines[2] == "MEETS ITS AIMS: all 4 met." and lines[3] == "Aims:"  # the verdict before the table
