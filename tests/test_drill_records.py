"""A drill's records are messy: every kind of problem is counted, rejected with its reason, reported; none lost."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario.drill_records import PROBLEMS, RecordsError, parse_map, parse_time, read_records

BASE = """
name: plan
clock: {open: "08:00", duration: 2h}
arrivals: {rate: 300/h}
population: {adult: {share: 0.8}, elderly: {share: 0.2}}
site:
  sampling: {stations: 2, registration: {dist: lognormal, mean: 15s, cv: 0.5}, swab: {dist: gamma, mean: 25s, cv: 0.4}}
"""

HEADER = "person,arrived,registered,swab_start,swab_end,station,tube,group"


def _good(k: int, station: int) -> str:
    """A clean row: person k every 2 minutes, alternating stations."""
    h, m = divmod(8 * 60 + 2 * k, 60)
    return f"g{k},{h:02d}:{m:02d}:00,{h:02d}:{m:02d}:20,{h:02d}:{m:02d}:35,{h:02d}:{m:02d}:59,{station},t{k // 5},adult"


# each problem once (line numbers: the header is line 2, after a comment line)
BAD = {
    "malformed": "b1,08:00:00,08:00:10,08:00:20,08:00:40,1,t0,adult,extra",
    "missing_value": "b2,,08:00:10,08:00:20,08:00:40,1,t0,adult",
    "unreadable_time": "b3,8h01,08:01:10,08:01:20,08:01:40,1,t0,adult",
    "incomplete_swab": "b4,08:02:00,08:02:10,,08:02:40,1,t0,adult",
    "outside_day": "b5,2022-04-03T08:03:00,08:03:10,08:03:20,08:03:40,1,t0,adult",
    "registered_before_arrival": "b6,08:04:30,08:04:10,08:04:40,08:04:50,1,t0,adult",
    "swab_before_registration": "b7,08:05:00,08:05:30,08:05:20,08:05:40,1,t0,adult",
    "negative_duration": "b8,08:06:00,08:06:10,08:06:40,08:06:20,2,t0,adult",
    "absurd_duration": "b9,08:07:00,08:07:10,08:07:20,08:27:20,2,t0,adult",
    "unknown_group": "b10,08:08:00,08:08:10,08:08:20,08:08:40,2,t0,child",
    "duplicate": "g3,08:09:00,08:09:10,08:09:20,08:09:40,2,t9,adult",
    "overlap": "b12,08:00:10,08:00:30,08:00:40,08:00:50,1,t0,adult",  # station 1 swabs g0 08:00:35-08:00:59
}


@pytest.fixture()
def messy(tmp_path: Path) -> tuple[Path, Path, int]:
    good = [_good(k, 1 + k % 2) for k in range(40)]
    good[1] = good[1].replace("08:02:00,", "2022-04-02T08:02:00,")  # the drill's date, given by ISO rows
    good[2] = good[2].replace("08:04:00,", "2022-04-02 08:04:00,")
    lines = ["# synthetic records with one row of each problem", HEADER, *good, *BAD.values(), ""]
    path = tmp_path / "records.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    base = tmp_path / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    return path, base, len(good)


def test_each_problem_is_counted_and_no_row_is_lost(messy: tuple[Path, Path, int]) -> None:
    path, _, good = messy
    records = read_records(path, groups=["adult", "elderly"])
    assert records.problems() == {name: 1 for name in PROBLEMS}
    assert records.read == good + len(BAD) == records.n + len(records.rejected)
    assert records.n == good
    by_problem = {r.problem: r for r in records.rejected}
    assert by_problem["duplicate"].reason == "'g3' is already on row 6"
    assert by_problem["outside_day"].reason == "on 2022-04-03, not the drill day 2022-04-02"
    assert by_problem["overlap"].row == 2 + good + len(BAD)
    assert records.day is not None and records.day.isoformat() == "2022-04-02"


def test_drill_fit_reports_them_and_writes_rejected_csv(messy: tuple[Path, Path, int], tmp_path: Path) -> None:
    path, base, good = messy
    out = tmp_path / "out" / "fitted.yaml"
    result = CliRunner().invoke(main, ["fit", str(path), "--scenario", str(base), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{len(BAD)} of {good + len(BAD)} rows left out of the fit" in result.output
    assert f"{path}:{2 + good + 4}: swab_start: empty while registered is given" in result.output
    with open(out.parent / "rejected.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["problem"] for r in rows) == sorted(BAD)
    for row in rows:
        original = path.read_text(encoding="utf-8").splitlines()[int(row["row"]) - 1]
        assert row["person"] == original.split(",")[0]  # the row as it was in the file, with its line
        assert row["reason"].split(":")[0] in HEADER.split(",") + ["(row)"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("person,arrived,registered,swab_start,station\np1,08:00:00,08:00:10,08:00:20,1\n",
         "records.csv:1: swab_end: required column is missing"),
        ("", "records.csv: (file): no header row: the file is empty"),
        (HEADER + "\n" + "b,x,x,x,x,1,t,adult\n", "records.csv:2: arrived: 'x' is not a time"),
    ],
)  # fmt: skip
def test_unreadable_files_exit_2_with_a_located_message(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "records.csv"
    path.write_text(content, encoding="utf-8")
    base = tmp_path / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(main, ["fit", str(path), "--scenario", str(base), "--out", str(tmp_path / "f.yaml")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert expected.replace("records.csv", str(path)) in result.output
    assert not (tmp_path / "f.yaml").exists()


def test_a_missing_or_binary_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RecordsError, match="cannot read the file"):
        read_records(tmp_path / "nope.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81\x00" * 10)
    with pytest.raises(RecordsError, match="neither UTF-8 nor GB18030"):
        read_records(binary)


def test_another_systems_export_is_read_with_map(tmp_path: Path) -> None:
    """A GB18030 export with Chinese headers and tabs, read through --map."""
    header = "编号\t扫码时间\t登记时间\t采样开始\t采样结束\t采样台"
    rows = [f"{k}\t2022/4/2 08:{k:02d}:00\t2022/4/2 08:{k:02d}:05\t2022/4/2 08:{k:02d}:20\t2022/4/2 08:{k:02d}:41\tA"
            for k in range(30)]  # fmt: skip
    path = tmp_path / "export.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("gb18030"))
    mapping = parse_map(["编号=person", "扫码时间=arrived", "登记时间=registered", "采样开始=swab_start",
                         "采样结束=swab_end", "采样台=station"])  # fmt: skip
    records = read_records(path, mapping)
    assert records.n == 30 and records.stations == ("A",) and records.day.isoformat() == "2022-04-02"
    assert records.swab_end[0] - records.swab_start[0] == 21
    base = tmp_path / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(main, ["fit", str(path), "--scenario", str(base), "--out", str(tmp_path / "f.yaml"),
                                       "--map", "编号=person", "--map", "扫码时间=arrived"])  # fmt: skip
    assert result.exit_code == 2
    assert "registered: required column is missing" in result.output and "--map COLUMN=registered" in result.output
    bad = CliRunner().invoke(main, ["fit", str(path), "--scenario", str(base), "--out", str(tmp_path / "f.yaml"),
                                    "--map", "编号=who"])  # fmt: skip
    assert bad.exit_code == 2 and "--map: 编号=who: 'who' is not a records field" in bad.output


def test_times_are_read_in_both_forms() -> None:
    assert parse_time("08:01:13") == (8 * 3600 + 73, None)
    seconds, day = parse_time("2022-04-02T08:01:13.5")
    assert seconds == 8 * 3600 + 73.5 and day.isoformat() == "2022-04-02"
    for bad in ("8:61:00", "2022-02-30 08:00:00", "08:00:00+08:00", "yesterday"):
        with pytest.raises(ValueError):
            parse_time(bad)
