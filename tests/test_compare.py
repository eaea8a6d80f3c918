"""drill compare on a deterministic case: the plan and the day computed by hand, and the sentences they give.

The plan replays four arrivals with fixed registration (10 s) and swab (30 s) at one station, so
every replication is the same day and its range for one day is a single value:
P1 08:00:00 → registered 08:00:00, swab 08:00:10–08:00:40; P2 08:00:00 → registrar at 08:00:10 (P1 went
to the sampler), done 08:00:20, waits for the sampler, swab 08:00:40–08:01:10; P3 08:10:00 → swab
08:10:10–08:10:40; P4 09:05:00 → swab 09:05:10–09:05:40.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

PLAN = """
name: hand plan
replications: 3
clock: {open: "08:00", duration: 2h}
arrivals: {trace: ["08:00:00", "08:00:00", "08:10:00", "09:05:00"]}
site:
  sampling: {stations: 1, registration: 10s, swab: 30s}
pooling: {size: 2}
"""

# the day: swabs of 40 and 41 s; b's registration ends while a is swabbed (censored); last swab 08:30:50
RECORDS = """person,arrived,registered,swab_start,swab_end,station,tube
a,08:00:00,08:00:00,08:00:12,08:00:52,1,t1
b,08:00:00,08:00:12,08:00:52,08:01:33,1,t1
c,08:20:00,08:20:00,08:20:15,08:20:55,1,t2
d,08:30:00,08:30:00,08:30:09,08:30:50,1,t2
"""


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    folder = tmp_path_factory.mktemp("compare")
    (folder / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (folder / "records.csv").write_text(RECORDS, encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(folder / "plan.yaml"), str(folder / "records.csv"),
                                       "--out", str(folder / "out"), "--workers", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder / "out", json.loads((folder / "out" / "compare.json").read_text(encoding="utf-8")), result.output


PLAN_BY_HAND = {
    "people.arrived": 4, "people.sampled": 4, "samples.tubes": 2,
    "wait.total.mean_min": (10 + 40 + 10 + 10) / 4 / 60, "wait.total.max_min": 40 / 60,
    "wait.total.p95_min": (10 + 0.85 * 30) / 60,  # numpy's linear percentile of 10, 10, 10, 40 s
    "time.completion_min": 65 + 40 / 60, "throughput.per_hour": 4 / ((65 + 40 / 60) / 60),
    "stations.utilization": (70 + 40 + 40) / (65 * 60 + 40), "hour.08:00.arrived": 3, "hour.09:00.arrived": 1,
    "hour.08:00.sampled": 3, "hour.09:00.sampled": 1, "stations.per_hour": 4 / ((65 + 40 / 60) / 60),
}  # fmt: skip

DAY_BY_HAND = {
    "people.arrived": 4, "people.sampled": 4, "samples.tubes": 2,
    "wait.total.mean_min": (12 + 52 + 15 + 9) / 4 / 60, "wait.total.max_min": 52 / 60,
    "wait.total.p95_min": (15 + 0.85 * 37) / 60, "time.completion_min": 30 + 50 / 60,
    "throughput.per_hour": 4 / ((30 + 50 / 60) / 60),
    "stations.utilization": (93 + 55 + 50) / (30 * 60 + 50),  # [registered, swab end) per person, overlaps once
    "hour.08:00.arrived": 4, "hour.09:00.arrived": 0, "hour.08:00.sampled": 4, "hour.09:00.sampled": 0,
    "station.1.per_hour": 4 / ((30 + 50 / 60) / 60), "stations.count": 1,
}  # fmt: skip


def test_the_plan_is_computed_by_hand(compared: tuple[Path, dict, str]) -> None:
    _, data, _ = compared
    assert data["hours"] == ["08:00", "09:00"] and data["replications"] == 3
    for kpi, value in PLAN_BY_HAND.items():
        entry = data["plan"][kpi]
        assert entry["mean"] == pytest.approx(value, rel=1e-9), kpi
        # the same day every replication: the interval and the range for one day are that value
        assert entry["ci_low"] == pytest.approx(value) and entry["day_high"] == pytest.approx(value), kpi


def test_the_day_is_computed_by_hand_from_its_records(compared: tuple[Path, dict, str]) -> None:
    _, data, _ = compared
    for kpi, value in DAY_BY_HAND.items():
        assert data["actual"][kpi] == pytest.approx(value, rel=1e-9), kpi
    swab = data["inputs"]["swab.mean_s"]
    assert swab["actual"] == 40.5 and swab["plan"] == 30 and swab["rows"] == 4
    assert swab["low"] == pytest.approx(40.5 - 3.182446305 * 0.5773502692 / 2)  # t(0.975, 3) · s / √n
    assert data["inputs"]["registration.mean_s"]["censored"] == 1  # b's swab started as a's ended


def test_where_the_plan_was_wrong_follows_the_numbers(compared: tuple[Path, dict, str]) -> None:
    _, data, output = compared
    from sim.report.compare_words import findings

    said = findings(data, "en")
    assert "Swabs took 40.5 s on average (39.6–41.4 s); the plan assumed 30.0 s." in said["wrong"]
    assert ("People waited 0.37 min on average from arrival to swab; the plan expected 0.29 min "
            "(0.29–0.29 on a day).") in said["wrong"]  # fmt: skip
    assert ("The last swab was done at 08:31, 30.8 min after opening; the plan expected 09:06 "
            "(65.7–65.7 min).") in said["wrong"]  # fmt: skip
    assert "Between 09:00 and 10:00, 0 people came; the plan expected 1 (1–1)." in said["wrong"]
    assert "Station 1 swabbed 7.8 people an hour; the plan assumed 3.7 at every station (3.7–3.7)." in said["wrong"]
    # the same number of people came and were swabbed: that is where the plan held, not where it was wrong
    assert "4 people came; the plan expected 4 (4–4 on a day)." in said["right"]
    assert not any("tubes" in line for line in said["wrong"])
    assert "Swabs took 40.5 s on average" in output and "Where the plan was wrong:" in output


def test_a_day_within_the_plan_says_so(compared: tuple[Path, dict, str]) -> None:
    from sim.report.compare_words import findings

    _, data, _ = compared
    same = json.loads(json.dumps(data))
    for kpi, entry in same["plan"].items():
        same["actual"][kpi] = entry["mean"]
    same["actual"]["station.1.per_hour"] = same["plan"]["stations.per_hour"]["mean"]
    for entry in same["inputs"].values():
        entry["low"], entry["high"] = entry["plan"] - 1, entry["plan"] + 1
    said = findings(same, "en")
    assert said["wrong"] == []
    assert "Every number compared lies within the plan's range for one day." in said["notes"]


def test_the_report_section_is_in_english_and_chinese(compared: tuple[Path, dict, str]) -> None:
    out, _, _ = compared
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "Where the plan was wrong" in page and "Swabs took 40.5 s on average" in page
    assert 'data-kpi="wait.total.mean_min"' in page and "<script" not in page and "http" not in page.split("<body")[1]
    assert "Swabs took 40.5 s" in (out / "compare.md").read_text(encoding="utf-8")
    from sim.report.compare import render_compare

    data = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    zh_page, zh_md = render_compare(data, "zh")
    assert "实际平均每人采样 40.5 秒（39.6–41.4 秒），计划假设 30.0 秒。" in zh_page and "计划与实际不符之处" in zh_md


def test_drill_report_of_the_folder_includes_the_section(compared: tuple[Path, dict, str]) -> None:
    out, _, _ = compared
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="compare"' in page and "Swabs took 40.5 s on average" in page


def test_the_days_own_event_log_is_written(compared: tuple[Path, dict, str]) -> None:
    out, _, _ = compared
    import csv

    with open(out / "day" / "events.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["event"] for r in rows if r["entity_id"] == "2"] == ["arrival", "station_start", "swab_start", "swab_end",
                                                                    "depart"]  # fmt: skip
    b = {r["event"]: float(r["time"]) for r in rows if r["entity_id"] == "2"}
    assert b["station_start"] == pytest.approx(12 / 60) and b["swab_end"] == pytest.approx(93 / 60)
    info = json.loads((out / "day" / "events.json").read_text(encoding="utf-8"))
    assert info["rows"] == 20 and info["stations"] == {"1": "1"} and info["open"] == "08:00"


def test_one_replication_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(PLAN.replace("replications: 3", "replications: 1"), encoding="utf-8")
    (tmp_path / "records.csv").write_text(RECORDS, encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "plan.yaml"), str(tmp_path / "records.csv"),
                                       "--out", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 2 and "at least 2 replications" in result.output
