"""Every command refuses bad input before any work: exit 2, one located line, no traceback, no simulation.

One table drives every command through broken options, files and results folders (the reproductions of
the hardening issue among them); the tests after it hold the parts a table cannot: the size limits while
composing, the results folder as one unit, processes that die with their parent, Ctrl-C, and fonts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.errors import ScenarioError
from sim.experiment.verdict import judge_targets
from sim.scenario import load_scenario, scenario_from_text
from sim.scenario import loader as loader_module
from sim.scenario.budget import Limits, estimate, over_budget

ROOT = Path(__file__).parent.parent
XINHUA = str(ROOT / "scenarios" / "xinhua-drill.yaml")
TAOYUAN = str(ROOT / "scenarios" / "taoyuan-north-west.yaml")
QINGSHAN = str(ROOT / "scenarios" / "qingshan-road-2.yaml")
XIAN = str(ROOT / "scenarios" / "xian-2021-12-27.yaml")
RECORDS = str(ROOT / "scenarios" / "drill-records" / "synthetic-drill-records.csv")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # with cwd=ROOT: `python -m sim` imports this checkout, no other
# one located line: FILE:LINE: key.path: message, --set/--vary: key.path: message, or error: WHERE: message
LOCATED = re.compile(
    r"^(?:\S.*?:\d+: \S+: .+|(?:--set|--vary|--map|--key \S+): \S+: .+|\S+\.(?:yaml|csv): (?:\(top level\)|\S+): .+"
    r"|error: .+)$"
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Broken files and folders, made once: results folders broken in each way the report must refuse."""
    tmp = tmp_path_factory.mktemp("broken")
    made: dict[str, Path] = {"tmp": tmp}
    made["huge"] = tmp / "huge.yaml"
    with open(made["huge"], "wb") as handle:  # the 50 MB scenario (sparse: costs no disk)
        handle.truncate(50_000_000)
    made["binary"] = tmp / "binary.yaml"
    made["binary"].write_bytes(b"name: \xff\xfe\x00\x01 drill\n")
    city = Path(XIAN).read_text(encoding="utf-8").replace("\nsites:\n", "\nsites_table: rows.csv\nsites:\n")
    made["city-rows"] = tmp / "city-rows.yaml"
    made["city-rows"].write_text(city, encoding="utf-8")
    (tmp / "rows.csv").write_text("template,population\n" + "two_stations,1899\n" * 100_001, encoding="utf-8")
    made["city-binary"] = tmp / "city-binary.yaml"
    made["city-binary"].write_text(city.replace("rows.csv", "binary.csv"), encoding="utf-8")
    (tmp / "binary.csv").write_bytes(b"template,population\n\xff\xfe,\x00\n")
    made["file"] = tmp / "a-file"
    made["file"].write_text("not a folder\n", encoding="utf-8")
    base = made["results"] = tmp / "results"
    runner = CliRunner()
    for folder, seed in ((base, "1"), (tmp / "results-seed7", "7")):
        done = runner.invoke(main, ["run", XINHUA, "-n", "2", "--workers", "1", "--seed", seed, "--out", str(folder)])
        assert done.exit_code == 0, done.output
    sweep = tmp / "sweep"
    done = runner.invoke(main, ["sweep", XINHUA, "--vary", "site.sampling.stations=5,6", "-n", "1", "--workers", "1",
                                "--no-figures", "--out", str(sweep)])  # fmt: skip
    assert done.exit_code == 0, done.output
    made["sweep"] = sweep

    def broken(name: str, change, sealed: bool = False) -> None:
        folder = tmp / name
        shutil.copytree(base, folder)
        change(folder)
        if sealed:  # run.json rewritten to vouch for the broken file: the file's own check must catch it
            manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
            for rel in manifest["files"]:
                if (folder / rel).is_file():
                    manifest["files"][rel] = "sha256:" + hashlib.sha256((folder / rel).read_bytes()).hexdigest()
            (folder / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
        made[name] = folder

    def truncate(name: str, keep: int):
        return lambda f: (f / name).write_bytes((f / name).read_bytes()[:keep])

    def other_version(f: Path) -> None:
        manifest = json.loads((f / "run.json").read_text(encoding="utf-8"))
        (f / "run.json").write_text(json.dumps(manifest | {"version": "0.0.1"}), encoding="utf-8")

    def garble(f: Path) -> None:
        lines = (f / "replications.csv").read_text(encoding="utf-8-sig").splitlines()
        (f / "replications.csv").write_text("\n".join([lines[0], lines[1] + ",7,7", *lines[2:]]) + "\n", "utf-8")

    broken("truncated-summary", truncate("summary.json", 60))
    broken("truncated-summary-sealed", truncate("summary.json", 60), sealed=True)
    broken("list-summary", lambda f: (f / "summary.json").write_text("[]\n", encoding="utf-8"), sealed=True)
    broken("garbled-replications", garble)
    broken("garbled-replications-sealed", garble, sealed=True)
    broken("unreadable-replications", lambda f: (f / "replications.csv").write_bytes(b"\xff\xfe\xfa garbage"), True)
    broken("other-version", other_version)
    broken("mixed-runs", lambda f: shutil.copy(tmp / "results-seed7" / "summary.json", f / "summary.json"))
    broken("mixed-runs-sealed", lambda f: shutil.copy(tmp / "results-seed7" / "summary.json", f / "summary.json"), True)
    broken("no-manifest", lambda f: (f / "run.json").unlink())
    broken("damaged-manifest", truncate("run.json", 30))
    broken("missing-file", lambda f: (f / "timeseries.csv").unlink())
    return made


def _args(args: list[str], files: dict[str, Path]) -> list[str]:
    """The command line with {name} replaced by the path of that broken file or folder."""
    return [re.sub(r"\{([a-z0-9-]+)\}", lambda m: str(files[m.group(1)]), a) for a in args]


# (command line, a fragment the one line must hold): every command, each broken input it can get.
CASES = [
    # --- drill run: outputs and options checked before the first replication ---
    ("run-out-proc", ["run", XINHUA, "--out", "/proc/x"], "error: --out /proc/x: cannot create the folder"),
    ("run-out-below-a-file", ["run", XINHUA, "--out", "{file}/sub"], "cannot create the folder (Not a directory)"),
    ("run-out-a-file", ["run", XINHUA, "--out", "{file}"], "is a file"),
    ("run-cluster-bogus", ["run", XINHUA, "-n", "2", "--cluster", "bogus"], "error: --cluster 'bogus': expected"),
    ("run-cluster-no-port", ["run", XINHUA, "--cluster", "tcp://10.0.0.5"], "--cluster 'tcp://10.0.0.5'"),
    ("run-cluster-bad-port", ["run", XINHUA, "--cluster", "host:99999"], "--cluster 'host:99999'"),
    ("run-replications-0", ["run", XINHUA, "--replications", "0"], "--replications"),
    ("run-seed-negative", ["run", XINHUA, "--seed", "-1"], "--seed"),
    ("run-workers-0", ["run", XINHUA, "--workers", "0"], "--workers"),
    ("run-unknown-option", ["run", XINHUA, "--bogus"], "No such option '--bogus'"),
    ("run-max-memory-text", ["run", XINHUA, "--max-memory", "lots"], "'lots' is not a size"),
    ("run-max-events-zero", ["run", XINHUA, "--max-events", "0"], "must be greater than 0"),
    ("validate-max-memory-zero", ["validate", XINHUA, "--max-memory", "0GB"], "'0GB' must be greater than 0"),
    ("run-bad-set", ["run", XINHUA, "--set", "nonsense"], "--set: nonsense: expected key.path=value"),
    ("run-into-a-sweep-folder", ["run", XINHUA, "--out", "{sweep}"], "holds the results of a sweep run"),
    # --- drill run: valid-looking numbers that would hang or die ---
    ("swab-factor-inf", ["run", XINHUA, "--set", "population.elderly.swab_factor=.inf"],
     "--set: population.elderly.swab_factor: expected a finite number, not inf"),
    ("swab-factor-huge", ["run", XINHUA, "--set", "population.elderly.swab_factor=1e9"],
     "population.elderly.swab_factor: Input should be less than or equal to 100"),
    ("duration-1e9h", ["run", XINHUA, "--set", "clock.duration=1000000000h"],
     "--set: clock.duration: 1e+09h is longer than the limit of 7 days"),
    ("stations-1e8", ["run", XINHUA, "--set", "site.sampling.stations=100000000"],
     "site.sampling.stations: Input should be less than or equal to 1000"),
    ("stations-1e12", ["run", XINHUA, "--set", "site.sampling.stations=1000000000000"], "site.sampling.stations"),
    ("residents-1e12", ["run", XINHUA, "--set", "arrivals.callup.buildings.0.residents=1000000000000"],
     "arrivals.callup.buildings.0.residents: Input should be less than or equal to 10000000"),
    ("households-1e12", ["run", XINHUA, "--set", "doorstep.households=1000000000000"], "doorstep.households"),
    ("rate-1e12", ["run", QINGSHAN, "--set", "arrivals.profile.0.rate=1000000000000/h"],
     "arrivals.profile.0.rate: 1e+12/h is above the limit"),
    ("budget-memory", ["run", XINHUA, "--set", "arrivals.callup.buildings.0.residents=5000000"],
     "arrivals.callup.buildings.0.residents: too large to run"),
    ("budget-events", ["run", XINHUA, "--set", "samples.courier.every=0.001s"],
     "samples.courier.every: too long to run"),
    ("budget-city", ["run", XIAN, "--set", "sites.0.population=9000000"], "sites.0.population: too large to run"),
    ("stations-true", ["run", XINHUA, "--set", "site.sampling.stations=true"],
     "site.sampling.stations: expected a whole number, not true"),
    ("stations-text", ["run", XINHUA, "--set", 'site.sampling.stations="5"'],
     "expected a whole number, not the text '5' (write it without quotes)"),
    ("share-text", ["run", XINHUA, "--set", 'population.elderly.share="0.2"'], "expected a number, not the text"),
    # --- drill run / validate: nonsense a cross-check refuses, at the key ---
    ("unknown-target", ["validate", XINHUA, "--set", "targets=[wait.totl.p95_min<=30]"],
     "--set: targets.0: unknown KPI 'wait.totl.p95_min'; did you mean 'wait.total.p95_min'?"),
    ("duplicate-building", ["validate", XINHUA, "--set", "arrivals.callup.buildings.1.name=Building 1"],
     "arrivals.callup.buildings.1.name: 'Building 1' is also the name of buildings.0"),
    ("courtyard-fewer-residents", ["validate", TAOYUAN, "--set", "community.courtyards.0.residents=10"],
     "community.courtyards.0.residents: 10 is fewer than the 148 residents of its buildings"),
    ("until-before-opening", ["validate", QINGSHAN, "--set", "community.until=06:00"],
     "community.until: 06:00 is not after the site opens (07:00)"),
    ("warmup-whole-session", ["validate", XINHUA, "--set", "warmup=4h"], "warmup: 240 min is not shorter"),
    # --- scenario files ---
    ("file-50MB", ["validate", "{huge}"], "the scenario is 50,000,000 bytes, more than the limit of 2,000,000"),
    ("file-binary", ["validate", "{binary}"], "cannot read the file"),
    ("file-missing", ["run", "{tmp}/missing.yaml"], "cannot read the file"),
    ("file-is-a-folder", ["validate", "{tmp}"], "is a directory"),
    ("run-50MB", ["run", "{huge}", "--out", "{tmp}/never"], "more than the limit of 2,000,000"),
    ("city-table-rows", ["run", "{city-rows}", "--out", "{tmp}/never"], "rows.csv:100002: sites_table: more than 100,000"),
    ("city-table-binary", ["validate", "{city-binary}"], "binary.csv: sites_table: cannot read the table"),
    # --- drill sweep ---
    ("sweep-vary-bound", ["sweep", XINHUA, "--vary", "site.sampling.stations=4,100000000"],
     "--vary: site.sampling.stations: Input should be less than or equal to 1000"),
    ("sweep-vary-budget", ["sweep", XINHUA, "--vary", "arrivals.callup.buildings.0.residents=100,5000000"],
     "--vary: arrivals.callup.buildings.0.residents: too large to run"),
    ("sweep-vary-syntax", ["sweep", XINHUA, "--vary", "nonsense"], "--vary 'nonsense': expected"),
    ("sweep-cluster-bogus", ["sweep", XINHUA, "--vary", "pooling.size=5,10", "--cluster", "bogus"], "--cluster"),
    ("sweep-out-proc", ["sweep", XINHUA, "--vary", "pooling.size=5,10", "--out", "/proc/x"], "--out /proc/x"),
    ("sweep-city", ["sweep", XIAN, "--vary", "seed=1,2"], "a city round"),
    ("sweep-into-a-site-folder", ["sweep", XINHUA, "--vary", "pooling.size=5,10", "--out", "{results}"],
     "holds the results of a site run (run.json); a sweep run writes its own folder"),
    ("sweep-inf", ["sweep", XINHUA, "--vary", "pooling.size=5,10", "--set", "population.adult.swab_factor=.inf"],
     "population.adult.swab_factor: expected a finite number"),
    # --- drill search ---
    ("search-unknown-target", ["search", XINHUA, "--key", "site.sampling.stations", "--min", "4", "--max", "6",
                               "--target", "wait.totl.p95_min<=20"], "--target 'wait.totl.p95_min<=20': unknown KPI"),
    ("search-bad-target", ["search", XINHUA, "--key", "site.sampling.stations", "--min", "4", "--max", "6",
                           "--target", "fast"], "--target 'fast': expected KPI<=value"),
    ("search-range", ["search", XINHUA, "--key", "site.sampling.stations", "--min", "6", "--max", "4"],
     "--min 6 is above --max 4"),
    ("search-max-bound", ["search", XINHUA, "--key", "site.sampling.stations", "--min", "4", "--max", "100000000"],
     "site.sampling.stations: Input should be less than or equal to 1000"),
    ("search-cluster-bogus", ["search", XINHUA, "--key", "site.sampling.stations", "--min", "4", "--max", "6",
                              "--cluster", "bogus"], "--cluster 'bogus'"),
    ("search-out-below-file", ["search", XINHUA, "--key", "site.sampling.stations", "--min", "4", "--max", "6",
                               "--out", "{file}/x"], "cannot create the folder"),
    # --- drill report: folders it cannot trust ---
    # --- the drill loop and the replay ---
    ("fit-missing-records", ["fit", "{tmp}/nope.csv", "--scenario", XINHUA, "--out", "{tmp}/fitted.yaml"],
     "nope.csv: (file): cannot read the file"),
    ("fit-bad-map", ["fit", RECORDS, "--scenario", XINHUA, "--out", "{tmp}/fitted.yaml", "--map", "bogus"],
     "--map: bogus: expected COLUMN=FIELD"),
    ("compare-missing-records", ["compare", XINHUA, "{tmp}/nope.csv", "--out", "{tmp}/cmp"],
     "nope.csv: (file): cannot read the file"),
    ("replay-no-events", ["replay", "{results}"], "has no events.csv; write it with: drill run"),
    ("report-truncated-summary", ["report", "{truncated-summary}"], "summary.json: changed since run"),
    ("report-truncated-summary-sealed", ["report", "{truncated-summary-sealed}"], "summary.json:"),
    ("report-list-summary", ["report", "{list-summary}"], "summary.json: expected a JSON object, found list"),
    ("report-garbled-replications", ["report", "{garbled-replications}"], "replications.csv: changed since run"),
    ("report-garbled-replications-sealed", ["report", "{garbled-replications-sealed}"],
     "replications.csv:2: "),
    ("report-unreadable-replications", ["report", "{unreadable-replications}"], "replications.csv: cannot be read"),
    ("report-other-version", ["report", "{other-version}"], "written by drill-sim 0.0.1, this is"),
    ("report-mixed-runs", ["report", "{mixed-runs}"], "summary.json: changed since run"),
    ("report-mixed-runs-sealed", ["report", "{mixed-runs-sealed}"], "mixed results"),
    ("report-no-manifest", ["report", "{no-manifest}"], "incomplete results (no run.json)"),
    ("report-damaged-manifest", ["report", "{damaged-manifest}"], "run.json:3: not valid JSON"),
    ("report-missing-file", ["report", "{missing-file}"], "timeseries.csv: missing"),
    ("report-sweep-folder", ["report", "{sweep}"], "a sweep folder"),
    ("report-not-a-folder", ["report", "{tmp}/nowhere"], "does not exist"),
    ("report-bad-lang", ["report", "{tmp}", "--lang", "fr"], "--lang"),
    # --- drill kpis, drill translations ---
    ("kpis-markdown-below-a-file", ["kpis", "--markdown", "{file}/KPIS.md"], "error: Not a directory"),
    ("translations-extra-argument", ["translations", "extra"], "Got unexpected extra argument"),
    # --- drill schema, and the group ---
    ("schema-extra-argument", ["schema", "extra"], "Got unexpected extra argument"),
    ("unknown-command", ["frobnicate"], "No such command 'frobnicate'"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "fragment"), [pytest.param(a, f, id=i) for i, a, f in CASES])
def test_every_command_refuses_broken_input_in_one_located_line(
    args: list[str], fragment: str, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_simulation(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a replication started before the input was refused")

    for module in ("sim.model.build", "sim.experiment.runner", "sim.experiment.city"):
        monkeypatch.setattr(f"{module}.run_replication", no_simulation)
    before = {p: p.stat().st_mtime_ns for p in files["tmp"].rglob("*") if p.is_file() and p.name != ".drill.lock"}
    result = CliRunner().invoke(main, _args(args, files))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("warning:")]
    assert len(lines) == 1, lines
    assert LOCATED.match(lines[0]), lines[0]
    assert fragment in lines[0], lines[0]
    after = {p: p.stat().st_mtime_ns for p in files["tmp"].rglob("*") if p.is_file() and p.name != ".drill.lock"}
    assert after == before  # nothing written, not even a report beside a broken folder


def test_the_table_covers_every_command() -> None:
    assert {args[0] for _, args, _ in CASES} == set(main.commands) | {"frobnicate"}


# --- the size of a scenario: limited before and while parsing ------------------------------------


def test_a_file_over_the_limit_is_not_parsed(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_yaml(*_args: object) -> None:
        raise AssertionError("the YAML parser started")

    monkeypatch.setattr(loader_module._CountingLoader, "__init__", no_yaml)
    with pytest.raises(ScenarioError, match="more than the limit of 2,000,000"):
        load_scenario(files["huge"])


def test_the_composer_stops_at_the_node_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    composed = []
    real = loader_module._CountingLoader.compose_node

    def counting(self, parent, index):  # type: ignore[no-untyped-def]
        composed.append(1)
        return real(self, parent, index)

    monkeypatch.setattr(loader_module, "MAX_NODES", 1_000)
    monkeypatch.setattr(loader_module._CountingLoader, "compose_node", counting)
    text = "name: x\nbuildings:\n" + "".join(f"  - {{name: B{i}, residents: 1}}\n" for i in range(40_000))
    with pytest.raises(ScenarioError) as caught:
        scenario_from_text(text, "big.yaml")
    [problem] = caught.value.problems
    assert "more than 1,000 YAML nodes" in problem.message and problem.line == 202
    assert len(composed) == 1_001  # PyYAML built no node past the limit (it would have built 200,000)


def test_aliases_count_as_nodes_and_values_stay_bounded() -> None:
    from sim.scenario.loader import MAX_VALUES

    bomb = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    bomb += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(ScenarioError, match=f"more than {MAX_VALUES:,} values"):
        scenario_from_text("\n".join(bomb) + "\n")


# --- strict types and bounds, directly ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("site.sampling.stations=true", "expected a whole number, not true"),
        ("site.sampling.stations=5.5", "expected a whole number, not 5.5"),
        ("site.entry_check.abnormal=yes", "expected a number, not true"),
        ("pooling.per_household=1", "Input should be a valid boolean"),
        ("population.elderly.share=.nan", "expected a finite number, not nan"),
        ("samples.lab.machines=.inf", "expected a whole number, not inf"),
        ("site.waiting.capacity=20000000", "less than or equal to 10000000"),
        ("site.sampling.swab.mean=8d", "longer than the limit of 7 days"),
    ],
)
def test_counts_shares_and_numbers_are_strict_and_bounded(override: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(XINHUA, [override])
    assert fragment in caught.value.problems[0].message


def test_set_keeps_working_for_plain_numbers() -> None:
    scenario = load_scenario(XINHUA, ["site.sampling.stations=5", "population.elderly.share=0.3",
                                      "population.adult.share=0.7", "site.sampling.swab.mean=30s"])  # fmt: skip
    assert scenario.site.sampling.stations == 5 and scenario.population["elderly"].share == 0.3


# --- the budget: estimated from the scenario alone ----------------------------------------------------


def test_the_budget_estimate_needs_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import ast

    import sim.scenario.budget as budget

    tree = ast.parse(Path(budget.__file__).read_text(encoding="utf-8"))
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not [m for m in imported if "model" in m or "simpy" in m or "experiment" in m], imported

    def no_simulation(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the budget ran the model")

    monkeypatch.setattr("sim.model.build.run_replication", no_simulation)
    for name in ("xinhua-drill", "taoyuan-north-west", "qingshan-road-2"):
        estimate(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))


def test_the_budget_fits_every_seed_and_names_the_key_and_the_limit() -> None:
    for name in ("xinhua-drill", "taoyuan-north-west", "qingshan-road-2", "xian-2021-12-27"):
        assert over_budget(load_scenario(ROOT / "scenarios" / f"{name}.yaml")) == [], name
    seed = load_scenario(XINHUA)
    e = estimate(seed)
    assert 2_300 < e.people < 2_600  # 2,400 residents called, 40 door-to-door
    big = load_scenario(XINHUA, ["arrivals.callup.buildings.3.residents=5000000"])
    [finding] = over_budget(big)
    assert finding.path == ("arrivals", "callup", "buildings", 3, "residents")
    assert "limit 2 GB" in finding.message and "--max-memory" in finding.message
    assert over_budget(big, Limits(memory_bytes=1e12, events=1e12)) == []  # the option raises it knowingly


def test_raising_the_limit_lets_the_run_go_ahead(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    args = ["validate", XINHUA, "--set", "samples.courier.every=0.001s"]
    assert CliRunner().invoke(main, args).exit_code == 2
    result = CliRunner().invoke(main, [*args, "--max-events", "2e9"])
    assert result.exit_code == 0, result.output


# --- cross-checks that warn ----------------------------------------------------------------------


def test_a_profile_step_after_closing_is_a_warning_in_terminal_summary_and_report(tmp_path: Path) -> None:
    args = ["--set", "clock.duration=4h"]  # Qingshan opens 07:00; its steps at 12:00 and later now never apply
    result = CliRunner().invoke(main, ["validate", QINGSHAN, *args])
    assert result.exit_code == 0
    expected = "arrivals.profile.5.at: 12:00 is after the site closes (11:00): this step never applies"
    assert f"warning: {expected}" in result.stderr
    result = CliRunner().invoke(main, ["run", QINGSHAN, *args, "-n", "1", "--out", str(tmp_path), "--report"])
    assert result.exit_code == 0, result.output
    assert f"warning: {expected}" in result.stderr
    assert expected in json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["warnings"]
    assert expected in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_an_undefined_kpi_meets_no_target() -> None:
    nan = float("nan")
    columns = {"time.completion_min": np.array([nan, nan]), "wait.total.p95_min": np.array([nan, 12.0, nan])}
    targets = ["time.completion_min<=270", "wait.total.p95_min<=30", "no.such_kpi<=1"]
    judged = judge_targets(targets, columns)
    assert [t["met"] for t in judged] == [False, False, None]
    assert [t["verdict"] for t in judged] == ["undefined", "uncertain", "unknown"]  # one value gives no interval


def test_the_terminal_does_not_call_an_undefined_target_met(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sim.experiment.runner as runner

    real = runner.replication_kpis

    def nobody_swabbed(records, warmup):  # type: ignore[no-untyped-def]
        return real(records, warmup) | {"time.completion_min": float("nan")}  # as when nobody is swabbed

    monkeypatch.setattr(runner, "replication_kpis", nobody_swabbed)
    result = CliRunner().invoke(main, ["run", XINHUA, "-n", "2", "--workers", "1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "time.completion_min ≤ 270" in x)
    assert line.split()[0:2] == ["no", "value"] and "met" not in line


# --- the results folder as one unit ---------------------------------------------------------------


def test_the_saved_scenario_reproduces_the_folder_byte_for_byte(tmp_path: Path) -> None:
    first, again = tmp_path / "first", tmp_path / "again"
    args = ["--seed", "7", "-n", "3", "--workers", "1", "--set", "site.sampling.stations=6",
            "--set", "arrivals.callup.interval=17min", "--set", "samples.courier.travel=25min"]  # fmt: skip
    assert CliRunner().invoke(main, ["run", XINHUA, *args, "--out", str(first)]).exit_code == 0
    saved = load_scenario(first / "scenario.yaml")
    assert (saved.seed, saved.replications, saved.site.sampling.stations) == (7, 3, 6)
    done = CliRunner().invoke(main, ["run", str(first / "scenario.yaml"), "--workers", "2", "--out", str(again)])
    assert done.exit_code == 0, done.output
    assert (again / "replications.csv").read_bytes() == (first / "replications.csv").read_bytes()


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from sim.results import folder_lock\n"
         f"with folder_lock(Path({str(tmp_path)!r})):\n    print('held', flush=True); time.sleep(30)"],
        env=ENV, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(main, ["run", XINHUA, "-n", "1", "--out", str(tmp_path)])
        assert result.exit_code == 2
        assert f"another drill command is writing this folder (pid {holder.pid}" in result.stderr
        assert not (tmp_path / "summary.json").exists()
    finally:
        holder.kill()
        holder.wait()
    assert CliRunner().invoke(main, ["run", XINHUA, "-n", "1", "--out", str(tmp_path)]).exit_code == 0  # freed


def test_a_crash_inside_the_commit_leaves_a_folder_every_reader_refuses(tmp_path: Path, files: dict[str, Path],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from sim.results import folder as folder_module

    shutil.copytree(files["results"], tmp_path / "r", ignore=shutil.ignore_patterns("report*", "figures"))
    calls = []
    real_replace = os.replace

    def crash_after_two(src, dst):  # type: ignore[no-untyped-def]
        calls.append(dst)
        if len(calls) == 3:  # summary.json and replications.csv of the new run are in place: the crash
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(folder_module.os, "replace", crash_after_two)
    result = CliRunner().invoke(main, ["run", XINHUA, "-n", "2", "--workers", "1", "--seed", "7",
                                       "--out", str(tmp_path / "r")])  # fmt: skip
    monkeypatch.undo()
    assert result.exit_code == 130
    report = CliRunner().invoke(main, ["report", str(tmp_path / "r")])
    assert report.exit_code == 2 and "incomplete results (no run.json)" in report.stderr


def test_an_interrupted_run_leaves_the_previous_results_as_they_were(tmp_path: Path, files: dict[str, Path],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    import sim.experiment.runner as runner

    shutil.copytree(files["results"], tmp_path / "r")
    before = {p.name: p.read_bytes() for p in (tmp_path / "r").iterdir() if p.is_file()}
    monkeypatch.setattr(runner, "run_replication", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    result = CliRunner().invoke(main, ["run", XINHUA, "-n", "2", "--workers", "1", "--out", str(tmp_path / "r")])
    assert result.exit_code == 130 and "is unchanged" in result.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "r").iterdir() if p.is_file()} == before


def test_a_new_run_replaces_every_file_of_the_previous_one(tmp_path: Path, files: dict[str, Path]) -> None:
    shutil.copytree(files["results"], tmp_path / "r")
    (tmp_path / "r" / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert (tmp_path / "r" / "staff.csv").exists()
    result = CliRunner().invoke(main, ["run", XINHUA, "-n", "1", "--workers", "1", "--set", "staff=",
                                       "--out", str(tmp_path / "r")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "r" / "staff.csv").exists()  # the previous run's, not this one's
    assert (tmp_path / "r" / "notes.txt").read_text(encoding="utf-8") == "mine\n"  # not ours: left alone
    manifest = json.loads((tmp_path / "r" / "run.json").read_text(encoding="utf-8"))
    assert json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))["run_id"] == manifest["run_id"]


def test_report_files_and_variants_join_the_folder_under_its_run_id(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", XINHUA, "-n", "2", "--workers", "1", "--out", str(tmp_path), "--report"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert {"variants.json", "report.html", "report.md", "figures/site.png"} <= set(manifest["files"])
    assert json.loads((tmp_path / "variants.json").read_text(encoding="utf-8"))["run_id"] == manifest["run_id"]
    stale = json.loads((tmp_path / "variants.json").read_text(encoding="utf-8")) | {"run_id": "another-run"}
    (tmp_path / "variants.json").write_text(json.dumps(stale), encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 0, result.output  # the core files are trusted: a report, without recommendations
    assert "do not match these results" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_a_sweep_keeps_its_resumable_store_beside_its_tables(tmp_path: Path) -> None:
    args = ["sweep", XINHUA, "--vary", "site.sampling.stations=5,6", "-n", "1", "--workers", "1", "--no-figures",
            "--out", str(tmp_path)]  # fmt: skip
    assert "2 runs computed, 0 reused" in CliRunner().invoke(main, args).output
    second = CliRunner().invoke(main, args)
    assert "0 runs computed, 2 reused" in second.output
    manifest = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "sweep" and not any(name.startswith("runs/") for name in manifest["files"])


# --- processes: they die with their parent; Ctrl-C is exit 130 after saving what is finished ----------


def _descendants(pid: int) -> set[int]:
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                table[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in table.items() if parent in frontier} - found
        found |= frontier
    return found


def _running(pids: set[int]) -> set[int]:
    """The pids that are still processes (a zombie waiting for its new parent to reap it is not running)."""
    out = set()
    for pid in pids:
        try:
            if (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                out.add(pid)
        except OSError:
            continue
    return out


def _ignores_ctrl_c(pid: int) -> bool:
    """SIGINT is in the process's ignored set: the lifeline initializer ran (and armed the parent-death signal)."""
    status = (Path("/proc") / str(pid) / "status").read_text()
    ignored = int(next(line for line in status.splitlines() if line.startswith("SigIgn:")).split()[1], 16)
    return bool(ignored & (1 << (signal.SIGINT - 1)))


def _start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sim", *args], env=ENV, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip


def _wait_for(condition, timeout: float = 90.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


SWEEP = ["sweep", TAOYUAN, "--vary", "site.sampling.stations=4,5,6,7", "-n", "8", "--no-figures"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("how", [["--workers", "2"], ["--workers", "2", "--cluster", "local"]], ids=["pool", "dask"])
def test_workers_die_when_the_sweep_is_killed(how: list[str], tmp_path: Path) -> None:
    if "--cluster" in how:
        pytest.importorskip("dask.distributed")
    proc = _start([*SWEEP, *how, "--out", str(tmp_path)])
    _wait_for(lambda: len(list((tmp_path / "runs").rglob("*.json"))) >= 1 if (tmp_path / "runs").exists() else False)
    workers = _descendants(proc.pid)
    assert len(workers) >= 2
    assert all(_ignores_ctrl_c(pid) for pid in workers)  # workers (and the resource tracker) leave Ctrl-C to us
    proc.kill()  # SIGKILL: the sweep cannot clean up
    proc.communicate()
    _wait_for(lambda: not _running(workers), timeout=10)


def test_ctrl_c_stops_a_pool_sweep_with_130_and_keeps_the_finished_runs(tmp_path: Path) -> None:
    proc = _start([*SWEEP, "--workers", "2", "--out", str(tmp_path)])
    _wait_for(lambda: len(list((tmp_path / "runs").rglob("*.json"))) >= 2 if (tmp_path / "runs").exists() else False)
    workers = _descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole process group
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "finished runs are kept" in err
    kept = len(list((tmp_path / "runs").rglob("*.json")))
    assert kept >= 2
    _wait_for(lambda: not _running(workers), timeout=10)
    again = subprocess.run([sys.executable, "-m", "sim", *SWEEP, "--workers", "1", "--out", str(tmp_path)],
                           env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert again.returncode == 0 and f"{32 - kept} runs computed, {kept} reused" in again.stdout


def test_ctrl_c_while_drawing_a_sweeps_figures_is_130_with_the_tables_saved(tmp_path: Path) -> None:
    proc = _start(["sweep", XINHUA, "--vary", "site.sampling.stations=5,6", "-n", "1", "--workers", "1",
                   "--out", str(tmp_path)])  # fmt: skip
    _wait_for(lambda: any(p.name.startswith(".figures.") and len(list(p.iterdir())) >= 2
                          for p in tmp_path.iterdir()) if tmp_path.exists() else False)  # fmt: skip
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "the tables are saved" in err
    manifest = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert {"replications.csv", "summary.csv", "summary.json", "scenario.yaml"} <= set(manifest["files"])
    assert not (tmp_path / "figures").exists() and not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_swallowed_ctrl_c_still_ends_the_command_with_130(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sim.cli as cli

    def swallowed(scenario_file, overrides, *args, **kwargs):  # type: ignore[no-untyped-def]
        with contextlib.suppress(KeyboardInterrupt):  # as a library might swallow it
            cli._Interrupts.handler(signal.SIGINT, None)
        return load_scenario(scenario_file)

    monkeypatch.setattr(cli, "_load", swallowed)
    result = CliRunner().invoke(main, ["validate", XINHUA])
    assert result.exit_code == 130


# --- fonts ---------------------------------------------------------------------------------------------


def test_a_cjk_font_missing_from_matplotlibs_cache_is_found_through_fontconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    from sim.report import fonts

    chinese = fonts.fontconfig_chinese()
    ours = [family for family in fonts.CJK_FAMILIES if family in chinese]
    if not ours:
        pytest.skip("no CJK font installed (fonts-noto-cjk)")
    fresh = font_manager.FontManager()  # as matplotlib's cache: built ...
    fresh.ttflist = [f for f in fresh.ttflist if f.name not in fonts.CJK_FAMILIES]  # ... before the font came
    monkeypatch.setattr(font_manager, "fontManager", fresh)
    monkeypatch.setattr(font_manager, "findfont", fresh.findfont)
    fonts.cjk_font.cache_clear()
    try:
        assert fonts.cjk_font() == ours[0]
        assert fonts.figure_language("zh") == "zh"
    finally:
        fonts.cjk_font.cache_clear()


def test_sweep_figures_log_no_findfont_lines(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from sim.report.sweep import plot_sweep

    header = ["variant", "k", "kpi", "n", "mean", "ci_low", "ci_high", "std", "min", "max"]
    rows = [[f"k={k}", k, kpi, 2, 1.0 * k, 0.5 * k, 1.5 * k, 0.1, 0.5, 2.0] for kpi in ("a", "b") for k in (1, 2)]
    with caplog.at_level(logging.DEBUG, logger="matplotlib.font_manager"):
        paths = plot_sweep(header, rows, ["k"], tmp_path)
    assert len(paths) == 2
    assert not [r for r in caplog.records if "findfont" in r.getMessage() and r.levelno >= logging.WARNING]


def test_files_written_in_place_during_a_run_join_it_and_go_with_it(tmp_path: Path) -> None:
    """A streaming writer (the event log) writes in place; `include` makes its files part of the run."""
    from sim.results import ResultsFolder

    with ResultsFolder(tmp_path, "site") as folder:
        folder.write("replications.csv", "replication\n")
        (tmp_path / "events.csv").write_text("entity_id\n", encoding="utf-8")
        folder.include("events.csv")
    assert "events.csv" in json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["files"]
    with ResultsFolder(tmp_path, "site") as folder:  # a later run without an event log
        folder.write("replications.csv", "replication\n")
    assert not (tmp_path / "events.csv").exists()
