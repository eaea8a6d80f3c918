"""The replay without a browser: reading the event log by the contract, the state rule's counts,
the packed data, the moments, refusals, the page's references, Chinese, the report's link, the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from replay_cases import TINY_EXPECTED, TINY_SCENARIO, expected_counters, minutes_of, write_tiny
from replay_events import write_events
from report_page import parse_page

from sim import load_scenario, scenario_from_text, variant
from sim.cli import main
from sim.experiment import run
from sim.replay import ReplayError, build_replay, read_events
from sim.replay.contract import EVENT_NAMES, PERSON, RESOURCE_EVENTS, STAFF, TUBE
from sim.replay.encode import encode
from sim.replay.states import intervals
from sim.report import build_report
from sim.results import write_results

SCENARIOS = Path(__file__).parent.parent / "scenarios"
STATE_COUNTERS = {"waiting": (PERSON, ("waiting",)), "outside": (PERSON, ("outside",)),
                  "isolation": (PERSON, ("isolation",)), "entry": (PERSON, ("entry_queue", "entry_check", "checked")),
                  "buffer": (STAFF, ("changing",)), "on-duty": (STAFF, ("on_duty",)), "box": (TUBE, ("in_box",)),
                  "road": (TUBE, ("on_road",)), "lab": (TUBE, ("at_lab",)), "results": (TUBE, ("done",))}  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    write_tiny(folder)
    return folder


@pytest.fixture(scope="module")
def xinhua(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Xinhua with too few samplers and registrars: stations close while staff change, people queue outside."""
    folder = tmp_path_factory.mktemp("xinhua")
    scenario = variant(load_scenario(SCENARIOS / "xinhua-drill.yaml"), {"staff.sampler.roster": 5,
                                                                        "staff.registrar.roster": 6})  # fmt: skip
    write_events(scenario, folder)
    return folder


def test_the_reference_count_agrees_with_the_hand_worked_day(tiny: Path) -> None:
    names = sorted({name for counts in TINY_EXPECTED.values() for name in counts} | {"lab"})
    for clock, counts in TINY_EXPECTED.items():
        got = expected_counters(tiny / "events.csv", minutes_of(clock, "08:00"), 2, names)
        assert got == {name: counts.get(name, 0) for name in names}, clock


def test_the_state_rule_counts_the_hand_worked_day(tiny: Path) -> None:
    log = read_events(tiny)
    spans = intervals(log)
    lines = (tiny / "events.csv").read_text(encoding="utf-8-sig").splitlines()
    assert log.replication == 1 and log.open_s == 8 * 3600 and log.rows == len(lines) - 1
    for clock, counts in TINY_EXPECTED.items():
        t_s = int(minutes_of(clock, "08:00") * 60)
        for name, (kind, states) in STATE_COUNTERS.items():
            assert spans.count(spans.select(kind, states), np.array([t_s]))[0] == counts.get(name, 0), (clock, name)
        gate = spans.select(PERSON, ("gate",), log.resources.index("north"))
        assert spans.count(gate, np.array([t_s]))[0] == counts.get("gate:north", 0), clock


def test_a_row_counts_from_its_own_time_on_whole_minutes(tiny: Path) -> None:
    """7.0000001 min is after 08:07 and 7.999999 min before 08:08: whole seconds are rounded up, never down."""
    log = read_events(tiny)
    late = np.flatnonzero(log.time_min == 7.0000001)
    early = np.flatnonzero(log.time_min == 7.999999)
    assert log.time_s[late].tolist() == [421] and log.time_s[early].tolist() == [480]


def _decode(data: dict) -> list[tuple[int, str, int, str]]:
    """The page's decoding, in Python: (entity, event, second, resource) per row, entity by entity."""
    rows, d, r = [], 0, 0
    resources = data["_resource_names"]
    for entity in range(data["n"]):
        t = data["t0"]
        for code in data["patterns"][data["pat"][entity]]:
            t += data["dt"][d]
            d += 1
            resource = ""
            if data["has_res"][code]:
                resource = resources[data["res"][r]]
                r += 1
            rows.append((entity, EVENT_NAMES[code], t, resource))
    assert d == len(data["dt"]) and r == len(data["res"])
    return rows


@pytest.mark.parametrize("case", ["tiny", "xinhua"])
def test_the_packed_events_give_back_every_row(case: str, request: pytest.FixtureRequest) -> None:
    log = read_events(request.getfixturevalue(case))
    data = encode(log, ())
    data["_resource_names"] = log.resources
    order = np.argsort(log.entity, kind="stable")
    want = [(int(log.entity[k]), EVENT_NAMES[log.event[k]], int(log.time_s[k]),
             log.resources[log.resource[k]] if EVENT_NAMES[log.event[k]] in RESOURCE_EVENTS else "")
            for k in order.tolist()]  # fmt: skip
    assert _decode(data) == want
    if case == "xinhua":
        assert len(data["patterns"]) < data["n"] / 5, "people who live the same sequence share one pattern"


def test_moments_are_read_from_the_events(tiny: Path) -> None:
    replay = build_replay(tiny)
    got = {m.key: (m.clock, m.label) for m in replay.moments}
    assert got == {
        "open": ("08:00", "Site opens"),
        "gate": ("07:55", "Longest gate queue: north, 1 people"),
        "full": ("08:03", "Waiting zone full (2 people)"),
        "peak": ("08:04", "Most people queuing at the site: 4 (1 outside the waiting zone)"),
        "courier": ("08:20", "Courier leaves with 1 tubes"),
        "change": ("08:30", "First staff change at a post"),
        "closed": ("08:30", "Station 1 closes: no sampler on duty"),
        "last": ("08:43", "Last swab"),
    }
    assert [m.t_s for m in replay.moments] == sorted(m.t_s for m in replay.moments)


def test_no_closure_is_claimed_when_every_station_is_staffed(tmp_path: Path) -> None:
    write_events(SCENARIOS / "xinhua-drill.yaml", tmp_path)  # the seed roster covers every rotation
    keys = [m.key for m in build_replay(tmp_path).moments]
    assert "change" in keys and "closed" not in keys


def test_the_page_has_no_external_reference(xinhua: Path) -> None:
    page = build_replay(xinhua).path
    html = page.read_text(encoding="utf-8")
    for pattern in ("http:", "https:", "//", "@import"):
        assert pattern not in html, pattern
    assert re.findall(r"url\(([^)]*)\)", html) == ["#hatch"]  # the buffer zone's hatching, in the page
    parsed = parse_page(page)
    assert all(url.startswith("#t=") for url in parsed.urls), [u for u in parsed.urls if not u.startswith("#t=")]
    assert not {"link", "iframe", "img", "object", "embed"} & set(parsed.tags)
    assert not re.search(r"<script[^>]*\bsrc=", html)


def test_scenario_text_cannot_become_markup_or_a_link(tmp_path: Path) -> None:
    write_tiny(tmp_path)
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    (tmp_path / "scenario.yaml").write_text(text.replace("name: Tiny site", 'name: "<script>x()</script> http://e.x"'),
                                            encoding="utf-8")  # fmt: skip
    html = build_replay(tmp_path).path.read_text(encoding="utf-8")
    assert "<script>x()" not in html and "//" not in html
    assert "&lt;script&gt;x()" in html


def test_counters_are_one_element_each(xinhua: Path, tmp_path: Path) -> None:
    write_events(SCENARIOS / "taoyuan-north-west.yaml", tmp_path)
    html = build_replay(tmp_path).path.read_text(encoding="utf-8")
    zones = re.findall(r'data-zone="([^"]+)"', html)
    assert len(zones) == len(set(zones))
    gates = load_scenario(SCENARIOS / "taoyuan-north-west.yaml").community.gate_names()
    assert {"waiting", "outside", "isolation", "stations-busy", "swabbed", *(f"gate:{g}" for g in gates)} <= set(zones)
    assert len(re.findall(r'data-station="\d+"', html)) == 6


def test_chinese_labels(tiny: Path, tmp_path: Path) -> None:
    replay = build_replay(tiny, out=tmp_path / "zh.html", lang="zh")
    html = replay.path.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    for words in ("现场回放", "等候区", "采样台", "临时隔离区", "缓冲区", "跳转到", "播放", "成人", "老人"):
        assert words in html, words
    assert "Waiting zone" not in html and "Sampling stations" not in html and ">▶ Play<" not in html
    assert [m.label for m in replay.moments if m.key == "peak"] == ["在场排队人数最多：4 人（等候区外 1 人）"]


def test_refuses_a_folder_without_an_event_log(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="no events.csv; write it with: drill run .* --events --events-replication 1"):
        build_replay(tmp_path)
    result = CliRunner().invoke(main, ["replay", str(tmp_path), "--replication", "3"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith("--events --events-replication 3"), result.output
    assert "Traceback" not in result.output


def test_refuses_the_events_of_another_replication(tiny: Path) -> None:
    result = CliRunner().invoke(main, ["replay", str(tiny), "--replication", "2"])
    assert result.exit_code == 2
    assert "holds replication 1, not 2" in result.output and "--events-replication 2" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_hint_names_the_scenario_of_a_results_folder(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(json.dumps({"scenario_file": "scenarios/xinhua-drill.yaml"}))
    with pytest.raises(ReplayError, match=r"drill run scenarios/xinhua-drill.yaml --events --events-replication 1"):
        build_replay(tmp_path)


def _first(rows: list[str], text: str) -> int:
    return next(k for k, row in enumerate(rows) if text in row)


def _rename(rows: list[str]) -> None:
    k = _first(rows, ",arrival,")
    rows[k] = rows[k].replace(",arrival,", ",arrived,")


def _retype(rows: list[str]) -> None:
    k = _first(rows, ",arrival,")
    rows[k] = rows[k].replace("arrival_departure", "queue")


def _untimed(rows: list[str]) -> None:
    k = _first(rows, ",gate_join,")
    rows[k] = rows[k].replace(",-5.0,", ",soon,")


@pytest.mark.parametrize(("change", "message"), [
    (_rename, r"events.csv:6: event 'arrived' is not in the event log contract"),
    (_retype, r"events.csv:6: arrival: event_type should be 'arrival_departure', not 'queue'"),
    (_untimed, r"events.csv:4: time 'soon' is not a number"),
    (lambda rows: rows.append(rows[1]), r"events.csv:\d+: time -10.0 is before the row above .*sorted by time"),
    (lambda rows: rows.__setitem__(0, "entity,event,type,time,resource,pathway"), r"events.csv:1: expected the columns"),
    (lambda rows: rows.pop(), r"events.json: rows: says \d+, but events.csv has \d+"),
])  # fmt: skip
def test_rows_off_the_contract_are_named_by_line(tmp_path: Path, change, message: str) -> None:
    write_tiny(tmp_path)
    path = tmp_path / "events.csv"
    rows = path.read_text(encoding="utf-8-sig").splitlines()
    change(rows)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    with pytest.raises(ReplayError, match=message):
        read_events(tmp_path)
    result = CliRunner().invoke(main, ["replay", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_the_cli_writes_the_page_and_prints_deep_links(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "briefing" / "day.html"
    result = CliRunner().invoke(main, ["replay", str(tiny), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert f"Replay: {out}" in result.output and "replication 1, 9 people" in result.output
    assert "day.html#t=08:04  Most people queuing at the site: 4" in result.output


def test_the_report_links_the_replay_when_there_is_one(tmp_path: Path) -> None:
    scenario = scenario_from_text(TINY_SCENARIO)
    write_results(run(scenario, 2), tmp_path, "tiny.yaml")
    report = build_report(tmp_path, "en", pdf=False)
    assert "replay.html" not in report.html.read_text(encoding="utf-8")
    write_events(scenario, tmp_path)
    build_replay(tmp_path)
    report = build_report(tmp_path, "zh", pdf=False)
    page = parse_page(report.html)
    assert "replay.html" in page.urls
    assert [u for u in page.urls if not u.startswith(("data:image/png;base64,", "#"))] == ["replay.html"]
    assert "观看现场回放" in report.html.read_text(encoding="utf-8")
    assert "](replay.html)" in report.markdown.read_text(encoding="utf-8")
