"""arrivals.trace: a plan run on the drill's own arrivals (a records file or clock times)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim import ScenarioError, load_scenario, run, run_replication, scenario_from_text
from sim.cli import main
from sim.scenario.drill_records import read_records

RECORDS = """person,arrived,registered,swab_start,swab_end,station,group
a,07:58:00,08:00:00,08:00:10,08:00:40,1,elderly
b,08:00:30,08:00:40,08:00:50,08:01:20,2,adult
c,08:01:00,08:01:20,08:01:30,08:02:00,1,adult
d,08:01:00,08:02:00,08:02:10,08:02:40,2,adult
e,08:03:00,08:03:00,08:03:10,08:03:40,1,elderly
"""

SCENARIO = """
name: replay
clock: {open: "08:00", duration: 1h}
arrivals: {trace: day/records.csv}
population: {adult: {share: 0.5}, elderly: {share: 0.5, priority: true}}
site:
  sampling: {stations: 1, registration: 10s, swab: {dist: exponential, mean: 30s}}
"""


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    (tmp_path / "day").mkdir()
    (tmp_path / "day" / "records.csv").write_text(RECORDS, encoding="utf-8")
    (tmp_path / "replay.yaml").write_text(SCENARIO, encoding="utf-8")
    return tmp_path


def test_the_trace_is_the_records_arrivals_and_groups(files: Path) -> None:
    scenario = load_scenario(files / "replay.yaml")
    trace = scenario.arrivals.trace
    assert trace.file == "day/records.csv" and trace.groups == ["elderly", "adult", "adult", "adult", "elderly"]
    for replication in (1, 2):
        records = run_replication(scenario, replication)
        hms = [7 * 3600 + 58 * 60, 8 * 3600 + 30, 8 * 3600 + 60, 8 * 3600 + 60, 8 * 3600 + 180]
        assert records.people["first_arrival"].tolist() == hms  # the same people at the same times, every replication
        assert [list(scenario.population)[g] for g in records.group] == trace.groups
    result = run(scenario, 3)
    assert result.column("people.arrived").tolist() == [5, 5, 5]
    assert len(set(result.column("wait.total.mean_min").tolist())) == 3  # service times still vary


def test_clock_times_work_without_a_file_and_groups_are_drawn() -> None:
    scenario = scenario_from_text(SCENARIO.replace("{trace: day/records.csv}", '{trace: ["08:10", "08:00:30"]}'))
    assert scenario.arrivals.trace.times == [8 * 3600 + 600, 8 * 3600 + 30] and scenario.arrivals.trace.groups is None
    records = run_replication(scenario, 1)
    assert records.people["first_arrival"].tolist() == [8 * 3600 + 30, 8 * 3600 + 600]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("{trace: day/records.csv, rate: 10/h}", "arrivals: give 'trace' alone"),
        ("{trace: day/missing.csv}", "arrivals.trace: cannot use day/missing.csv as a trace"),
        ('{trace: ["08:00", "8 o\'clock"]}', 'arrivals.trace.1: "8 o\'clock" is not a clock time'),
    ],
)
def test_bad_traces_are_located(files: Path, change: str, message: str) -> None:
    path = files / "replay.yaml"
    path.write_text(SCENARIO.replace("{trace: day/records.csv}", change), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert f"{path}:4: {message}" in text, text


def test_a_group_outside_the_population_and_a_community_are_refused(files: Path) -> None:
    with pytest.raises(ScenarioError, match="'elderly' is not in the population"):
        scenario_from_text(SCENARIO.replace("{trace: day/records.csv}", '{trace: {times: ["08:00"], groups: [elderly]}}')
                           .replace("population: {adult: {share: 0.5}, elderly: {share: 0.5, priority: true}}",
                                    "population: {adult: {share: 1}}"))  # fmt: skip
    path = files / "replay.yaml"
    path.write_text(SCENARIO + "community: {courtyards: [{name: A}]}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="cannot go with a community"):
        load_scenario(path)


def test_the_path_is_relative_to_the_file_and_to_the_current_folder_with_set(files: Path, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path / "day")
    assert len(load_scenario(files / "replay.yaml").arrivals.trace.times) == 5  # beside the scenario file
    scenario = load_scenario(files / "replay.yaml", ["arrivals.trace=records.csv"])  # from here, like any argument
    assert len(scenario.arrivals.trace.times) == 5


def test_the_same_people_with_two_more_stations_is_one_command(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = files / "plan.yaml"
    base.write_text(SCENARIO.replace("{trace: day/records.csv}", "{rate: 100/h}"), encoding="utf-8")
    monkeypatch.chdir(files)
    runs = {}
    for stations in ("1", "3"):
        out = files / f"out{stations}"
        result = CliRunner().invoke(main, ["run", "plan.yaml", "-n", "3", "--workers", "1", "--out", str(out),
                                           "--set", "arrivals={trace: day/records.csv}",
                                           "--set", f"site.sampling.stations={stations}"])  # fmt: skip
        assert result.exit_code == 0, result.output
        runs[stations] = json.loads((out / "summary.json").read_text(encoding="utf-8"))["kpis"]
        # the results folder's scenario.yaml holds the times themselves: it reproduces the run without the file
        again = load_scenario(out / "scenario.yaml")
        assert (
            again.arrivals.trace.times
            == load_scenario(base, ["arrivals={trace: day/records.csv}"]).arrivals.trace.times
        )
    assert runs["1"]["people.arrived"]["mean"] == runs["3"]["people.arrived"]["mean"] == 5
    assert runs["3"]["wait.total.mean_min"]["mean"] < runs["1"]["wait.total.mean_min"]["mean"]


def test_trace_reads_the_rows_that_fit_reads(files: Path) -> None:
    records = read_records(files / "day" / "records.csv", groups=["adult", "elderly"])
    assert np.all(np.diff(np.sort(records.arrival)) >= 0) and records.n == 5
