"""The `drill` command end to end: run, validate, schema, bad options; and the installed console script."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pydantic import BaseModel

from sim.cli import main
from sim.measure.kpis import CORE_KPIS
from sim.scenario import Scenario, load_scenario
from sim.scenario.distributions import DIST_NAMES
from sim.scenario.loader import _Document, _parse_yaml, _unwrap

ROOT = Path(__file__).parent.parent
SEEDS = ["xinhua-drill", "taoyuan-north-west", "qingshan-road-2"]
STATS = {"mean", "ci_low", "ci_high", "std", "min", "max"}


def _invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module", params=SEEDS)
def seed_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Result]:
    """One `drill run` of a seed scenario, shared by the checks of its files."""
    out = tmp_path_factory.mktemp(request.param)
    result = _invoke("run", str(ROOT / "scenarios" / f"{request.param}.yaml"),
                     "--replications", "2", "--workers", "1", "--out", str(out))  # fmt: skip
    return request.param, out, result


def test_run_exits_0_prints_the_table_and_writes_the_files(seed_run: tuple[str, Path, Result]) -> None:
    name, out, result = seed_run
    assert result.exit_code == 0, result.output
    for file in ("summary.json", "replications.csv", "timeseries.csv", "scenario.yaml"):
        assert (out / file).is_file(), file
    assert "people.sampled" in result.stdout
    assert "throughput.per_hour" in result.stdout


def test_summary_has_the_design_shape_and_every_core_kpi(seed_run: tuple[str, Path, Result]) -> None:
    name, out, _ = seed_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"] == load_scenario(ROOT / "scenarios" / f"{name}.yaml").name
    assert summary["replications"] == 2
    assert isinstance(summary["seed"], int)
    assert set(CORE_KPIS) <= set(summary["kpis"])
    for kpi, stats in summary["kpis"].items():
        assert set(stats) >= STATS, kpi
        if kpi not in CORE_KPIS and stats["mean"] is None:
            continue  # a later part's KPI may be undefined in a run (JSON null), never a core one
        assert stats["min"] <= stats["mean"] <= stats["max"], kpi
        if stats["ci_low"] is not None:
            assert stats["ci_low"] <= stats["mean"] <= stats["ci_high"], kpi
    assert summary["kpis"]["people.sampled"]["mean"] > 1000


def test_replications_csv_has_a_row_per_replication_and_a_column_per_kpi(seed_run: tuple[str, Path, Result]) -> None:
    _, out, _ = seed_run
    with open(out / "replications.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(rows) == 2
    assert [int(r["replication"]) for r in rows] == [1, 2]  # numbered from 1, as everywhere
    columns = [c for c in rows[0] if c != "replication"]
    assert columns == list(summary["kpis"])
    assert set(CORE_KPIS) <= set(columns)
    for kpi in CORE_KPIS:
        values = [float(r[kpi]) for r in rows]
        assert min(values) == pytest.approx(summary["kpis"][kpi]["min"])
        assert max(values) == pytest.approx(summary["kpis"][kpi]["max"])


def test_timeseries_csv_has_minutes_and_zone_columns(seed_run: tuple[str, Path, Result]) -> None:
    _, out, _ = seed_run
    with open(out / "timeseries.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 60
    assert {"minute", "clock"} <= set(rows[0])
    assert any(column.startswith("zone.waiting") or "waiting" in column for column in rows[0])
    assert [int(r["minute"]) for r in rows[:3]] == [0, 1, 2]


def test_written_scenario_loads_again_and_equals_the_original(seed_run: tuple[str, Path, Result]) -> None:
    name, out, _ = seed_run
    original = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    as_run = original.model_copy(update={"replications": 2})  # the scenario as run: -n 2
    written = load_scenario(out / "scenario.yaml")
    assert written == as_run
    assert written.model_dump() == as_run.model_dump()


def test_run_with_set_changes_the_run(tmp_path: Path) -> None:
    result = _invoke("run", str(ROOT / "scenarios" / "xinhua-drill.yaml"), "-n", "1", "--workers", "1",
                     "--out", str(tmp_path), "--set", "site.sampling.stations=7", "--seed", "11")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert load_scenario(tmp_path / "scenario.yaml").site.sampling.stations == 7
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["seed"] == 11


@pytest.mark.parametrize("name", SEEDS)
def test_validate_accepts_the_seed_scenarios(name: str) -> None:
    result = _invoke("validate", str(ROOT / "scenarios" / f"{name}.yaml"))
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout


def test_validate_and_run_refuse_a_bad_scenario_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (ROOT / "scenarios" / "xinhua-drill.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("stations: 5", "stations: -5"), encoding="utf-8")
    line = next(i for i, t in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1) if "stations: -5" in t)
    expected = f"{bad}:{line}: site.sampling.stations: Input should be greater than or equal to 1"
    for command in (["validate", str(bad)], ["run", str(bad), "--out", str(tmp_path / "out")]):
        result = _invoke(*command)
        assert result.exit_code == 2
        assert result.stderr.strip() == expected
    assert not (tmp_path / "out").exists()


def test_schema_prints_a_valid_json_schema_that_accepts_the_seed_scenarios() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    result = _invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert {"name", "clock", "arrivals", "site"} <= set(schema["required"])
    validator = jsonschema.Draft202012Validator(schema)
    for name in SEEDS:
        path = ROOT / "scenarios" / f"{name}.yaml"
        data = _parse_yaml(path.read_text(encoding="utf-8"), _Document(str(path)))
        assert [e.message for e in validator.iter_errors(data)] == [], name
    assert list(validator.iter_errors({"name": "x", "bogus": 1}))  # the schema does refuse things


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["run", "scenarios/xinhua-drill.yaml", "--replications", "0"], "--replications"),
        (["run", "scenarios/xinhua-drill.yaml", "--replications", "many"], "--replications"),
        (["run", "scenarios/xinhua-drill.yaml", "--seed", "-1"], "--seed"),
        (["run", "scenarios/xinhua-drill.yaml", "--workers", "0"], "--workers"),
        (["run", "scenarios/xinhua-drill.yaml", "--bogus"], "--bogus"),
        (["run", "scenarios/xinhua-drill.yaml", "--set", "nonsense"], "expected key.path=value"),
        (["run", "scenarios/xinhua-drill.yaml", "--set", "site.sampling.stations=0"], "--set: site.sampling.stations"),
        (["validate"], "SCENARIO_FILE"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_bad_options_exit_2_without_traceback(args: list[str], fragment: str) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = _invoke(*args)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2
    assert fragment in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _console_script() -> str:
    found = Path(sys.executable).parent / "drill"
    return str(found) if found.exists() else shutil.which("drill") or pytest.skip("console script not installed")


def test_installed_console_script_runs_and_fails_cleanly(tmp_path: Path) -> None:
    drill = _console_script()
    scenario = ROOT / "scenarios" / "qingshan-road-2.yaml"
    done = subprocess.run([drill, "run", str(scenario), "-n", "2", "--workers", "1", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "summary.json").is_file() and (tmp_path / "replications.csv").is_file()
    bad = tmp_path / "bad.yaml"
    bad.write_text(scenario.read_text(encoding="utf-8").replace("pooling:", "poolng:"), encoding="utf-8")
    done = subprocess.run([drill, "validate", str(bad)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{bad}:" in done.stderr and "poolng: unknown key 'poolng'; did you mean 'pooling'?" in done.stderr


def test_python_dash_m_sim_works() -> None:
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(ROOT / "scenarios" / "xinhua-drill.yaml")],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-m", "sim", "run", "x.yaml", "--replications", "0"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


# Parts documented in scenarios/README.md by the work that adds them (community, staff, ...) are
# checked there; this test holds the core keys of the site scenario to the README.
OTHER_PARTS = ("community", "staff", "samples", "recall", "doorstep")


def _key_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every documented key path: `a.b`, `a.list[].c`, `population.<group>.c`; distributions are leaves."""

    def models(annotation: object) -> list[type[BaseModel]]:
        return [m for m in _unwrap(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]

    def is_dist(annotation: object) -> bool:
        found = models(annotation)
        return bool(found) and all("dist" in m.model_fields for m in found)

    paths = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        paths.append(path)
        if is_dist(field.annotation):
            continue
        for inner in _unwrap(field.annotation):
            origin = typing.get_origin(inner)
            if origin is list:
                for item in models(typing.get_args(inner)[0]):
                    paths += [] if is_dist(item) else _key_paths(item, f"{path}[].")
            elif origin is dict:
                for item in models(typing.get_args(inner)[1]):
                    paths += _key_paths(item, f"{path}.<group>.")
            elif isinstance(inner, type) and issubclass(inner, BaseModel):
                paths += _key_paths(inner, f"{path}.")
    return paths


def test_readme_documents_every_core_key_and_distribution() -> None:
    readme = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
    core = [p for p in _key_paths(Scenario) if p.split(".")[0].split("[")[0] not in OTHER_PARTS]
    assert len(core) > 50
    assert [p for p in core if f"`{p}`" not in readme] == []
    assert [d for d in DIST_NAMES if f"| `{d}` |" not in readme] == []
    assert [k for k in CORE_KPIS if f"`{k}`" not in readme and f"`{k.rsplit('.', 1)[0]}." not in readme] == []
