"""The worked example in scenarios/drill-records/: its records are what the script writes, and its README's
commands fit, compare and replay with the numbers the README states."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import load_scenario
from sim.cli import main

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "scenarios" / "drill-records"
RECORDS = EXAMPLE / "synthetic-drill-records.csv"


def test_the_records_are_what_make_records_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_records", EXAMPLE / "make_records.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path / "records.csv")
    assert written.read_bytes() == RECORDS.read_bytes()
    assert RECORDS.read_text(encoding="utf-8").startswith("# SYNTHETIC records, not a real drill")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example")
    fit = CliRunner().invoke(main, ["fit", str(RECORDS), "--scenario", str(EXAMPLE / "plan.yaml"),
                                    "--out", str(out / "fitted.yaml")])  # fmt: skip
    assert fit.exit_code == 0, fit.output
    compare = CliRunner().invoke(main, ["compare", str(EXAMPLE / "plan.yaml"), str(RECORDS), "--out",
                                        str(out / "compare"), "--workers", "1"])  # fmt: skip
    assert compare.exit_code == 0, compare.output
    return out


def test_fit_finds_what_the_readme_says(results: Path) -> None:
    info = json.loads((results / "fit.json").read_text(encoding="utf-8"))
    assert info["rows"]["used"] == 1646 and info["rows"]["rejected"] == 6 and len(info["rows"]["problems"]) == 6
    values = {v["key"]: v for v in info["values"]}
    assert round(values["site.sampling.swab.mean"]["value"], 1) == 30.8
    assert round(values["site.sampling.registration.mean"]["value"], 1) == 18.1
    assert info["registration"]["censored"] == 1346 and info["arrivals"]["step_min"] == 30
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    assert "632, 792, 800, 512, 340 and 216" in readme
    assert [round(s["rate_per_h"]) for s in info["arrivals"]["steps"]] == [632, 792, 800, 512, 340, 216]


def test_compare_gives_the_readmes_table(results: Path) -> None:
    data = json.loads((results / "compare" / "compare.json").read_text(encoding="utf-8"))
    assert round(data["plan"]["people.arrived"]["mean"]) == 1486 and data["actual"]["people.arrived"] == 1646
    assert round(data["actual"]["wait.total.mean_min"], 1) == 23.4
    assert round(data["plan"]["wait.total.mean_min"]["mean"], 2) == 0.43
    page = (results / "compare" / "compare.html").read_text(encoding="utf-8")
    assert "Swabs took 32.0 s on average (31.5–32.6 s); the plan assumed 26.0 s" in page


def test_the_same_people_with_two_more_stations(results: Path) -> None:
    verdicts = {}
    for stations in (5, 7):
        out = results / f"replay-{stations}"
        run = CliRunner().invoke(main, ["run", str(results / "fitted.yaml"), "--workers", "1", "-n", "5", "--out",
                                        str(out), "--set", f"arrivals={{trace: {RECORDS}}}",
                                        "--set", f"site.sampling.stations={stations}"])  # fmt: skip
        assert run.exit_code == 0, run.output
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["kpis"]["people.arrived"]["mean"] == 1646  # the same people
        verdicts[stations] = summary["targets"][0]["met"]
    assert verdicts == {5: False, 7: True}
    assert load_scenario(results / "fitted.yaml").site.sampling.swab.dist == "gamma"
