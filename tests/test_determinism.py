"""Same seed, same numbers: across runs, across executors, and across scenario variants.

The random streams of replication r depend only on (seed, r, activity), so a rerun, a process
pool and the serial executor must agree to the last bit, and a variant of a scenario that
changes the site but not the arrivals must see the very same people arrive at the same times.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim import load_scenario, scenario_from_data
from sim.experiment import SerialExecutor, open_executor, run
from sim.measure.kpis import replication_kpis
from sim.model.build import run_replication

ROOT = Path(__file__).parent.parent
XINHUA = ROOT / "scenarios" / "xinhua-drill.yaml"


def drill_command() -> list[str]:
    """The installed console script, or `python -m sim` beside this interpreter."""
    script = Path(sys.executable).with_name("drill")
    if script.exists():
        return [str(script)]
    found = shutil.which("drill")
    return [found] if found else [sys.executable, "-m", "sim"]


def drill_run(out: Path, *options: str) -> None:
    done = subprocess.run([*drill_command(), "run", str(XINHUA), "--out", str(out), *options],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_same_seed_gives_identical_results_files(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    drill_run(first, "--replications", "4", "--seed", "7", "--workers", "2")
    drill_run(second, "--replications", "4", "--seed", "7", "--workers", "1")
    for name in ("replications.csv", "timeseries.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    summaries = [json.loads((d / "summary.json").read_text(encoding="utf-8")) for d in (first, second)]
    for summary in summaries:
        assert summary.pop("created")
        assert summary.pop("run_id")  # which run wrote the folder (run.json): not a number of the run
    assert summaries[0] == summaries[1]
    assert summaries[0]["seed"] == 7 and summaries[0]["replications"] == 4


def test_another_seed_gives_other_numbers(tmp_path: Path) -> None:
    """The seed option takes effect (otherwise the test above proves nothing)."""
    drill_run(tmp_path / "a", "--replications", "2", "--seed", "7", "--workers", "1")
    drill_run(tmp_path / "b", "--replications", "2", "--seed", "8", "--workers", "1")
    assert (tmp_path / "a" / "replications.csv").read_bytes() != (tmp_path / "b" / "replications.csv").read_bytes()


def assert_same_results(a: Any, b: Any) -> None:
    assert [r.replication for r in a.results] == [r.replication for r in b.results]
    for x, y in zip(a.results, b.results, strict=True):
        assert x.kpis.keys() == y.kpis.keys()
        assert np.array_equal(list(x.kpis.values()), list(y.kpis.values()), equal_nan=True)
        assert x.series.keys() == y.series.keys()
        for name in x.series:
            assert np.array_equal(x.series[name], y.series[name]), name


def test_process_pool_equals_serial_run() -> None:
    scenario = load_scenario(XINHUA)
    serial = run(scenario, replications=5, seed=3, executor=SerialExecutor())
    with open_executor(2) as pool:
        parallel = run(scenario, replications=5, seed=3, executor=pool)
    assert_same_results(serial, parallel)
    assert serial.summary() == parallel.summary()


def test_replication_does_not_depend_on_how_many_ran_before() -> None:
    scenario = load_scenario(XINHUA)
    alone = run_replication(scenario, 4, seed=5)
    again = run(scenario, replications=4, seed=5).results[3]
    assert replication_kpis(alone, scenario.warmup) == again.kpis


def _variant(**site: Any) -> Any:
    base: dict[str, Any] = {
        "name": "crn",
        "clock": {"open": "08:00", "duration": "3h"},
        "arrivals": {"rate": "500/h"},
        "population": {"adult": {"share": 0.8}, "elderly": {"share": 0.2, "swab_factor": 1.2, "priority": True}},
        "site": {"sampling": {"stations": 4, "registration": {"dist": "lognormal", "mean": "20s", "cv": 0.5},
                              "swab": {"dist": "lognormal", "mean": "25s", "cv": 0.4}},
                 "waiting": {"capacity": 50}},
    }  # fmt: skip
    for key, value in site.items():
        base["site"][key] = value
    return scenario_from_data(base)


@pytest.mark.parametrize(
    "change",
    [
        {"sampling": {"stations": 5, "registration": {"dist": "lognormal", "mean": "20s", "cv": 0.5},
                      "swab": {"dist": "lognormal", "mean": "25s", "cv": 0.4}}},
        {"entry_check": {"lanes": 1, "time": {"dist": "exponential", "mean": "8s"}}},
        {"waiting": {"capacity": 10, "when_full": "turn_away"}},
    ],
    ids=["one-more-station", "add-entry-check", "turn-away"],
)  # fmt: skip
def test_common_random_numbers_keep_arrivals_and_swabs(change: dict[str, Any]) -> None:
    base, variant = _variant(), _variant(**change)
    for replication in range(1, 3):
        a = run_replication(base, replication, seed=9)
        b = run_replication(variant, replication, seed=9)
        assert np.array_equal(a.people["first_arrival"], b.people["first_arrival"])
        assert np.array_equal(a.group, b.group)
        # everyone swabbed in both runs had the same swab time drawn (their own stream position)
        both = ~np.isnan(a.people["swab_start"]) & ~np.isnan(b.people["swab_start"])
        assert both.sum() > 1000
        swab_a = (a.people["swab_end"] - a.people["swab_start"])[both]
        swab_b = (b.people["swab_end"] - b.people["swab_start"])[both]
        np.testing.assert_allclose(swab_a, swab_b, rtol=1e-9, atol=1e-9)
        # ... yet the variant did change what happened at the site
        assert not np.array_equal(a.people["swab_start"], b.people["swab_start"])


def test_one_more_station_keeps_the_arrival_column_itself() -> None:
    """The records' `arrival` column (not only first arrivals) is identical when only stations change."""
    base = _variant()
    more = _variant(sampling={"stations": 5, "registration": {"dist": "lognormal", "mean": "20s", "cv": 0.5},
                              "swab": {"dist": "lognormal", "mean": "25s", "cv": 0.4}})  # fmt: skip
    a, b = run_replication(base, 1, seed=10), run_replication(more, 1, seed=10)
    assert np.array_equal(a.people["arrival"], b.people["arrival"])
