"""Serial, process pool and Dask LocalCluster give identical tables for the same seed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import load_scenario
from sim.cli import main
from sim.errors import OptionError
from sim.experiment.executors import open_executor, slots
from sim.experiment.runner import SerialExecutor
from sim.experiment.sweep import Axis, run_sweep
from sim.results import write_sweep

SEED_DRILL = Path(__file__).parent.parent / "scenarios" / "xinhua-drill.yaml"
AXES = [Axis("site.sampling.stations", (4, 6)), Axis("arrivals.callup.order", ("listed", "random"))]


def sweep_tables(tmp: Path, **how) -> dict[str, bytes]:
    scenario = load_scenario(SEED_DRILL)
    with open_executor(**how) as executor:
        result = run_sweep(scenario, AXES, 3, seed=7, executor=executor)
    paths = write_sweep(result, tmp)
    return {name: paths[name].read_bytes() for name in ("replications", "summary")}


def test_serial_process_pool_and_dask_give_identical_tables(tmp_path) -> None:
    pytest.importorskip("dask.distributed")
    serial = sweep_tables(tmp_path / "serial", workers=1)
    pool = sweep_tables(tmp_path / "pool", workers=2)
    dask = sweep_tables(tmp_path / "dask", workers=2, cluster="local")
    assert serial == pool
    assert serial == dask
    assert serial["replications"].count(b"\n") == 1 + 2 * 2 * 3


def test_open_executor_kinds() -> None:
    with open_executor(workers=1) as ex:
        assert isinstance(ex, SerialExecutor)
        assert slots(ex) == 1
    with open_executor(workers=2) as ex:
        assert slots(ex) == 2
    with pytest.raises(OptionError), open_executor(workers=0):
        pass


def test_cluster_without_dask_exits_2_saying_how_to_install(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "dask", None)  # as if dask were not installed
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    result = CliRunner().invoke(main, ["sweep", str(SEED_DRILL), "--vary", "site.sampling.stations=4,5",
                                       "-n", "2", "--cluster", "local", "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 2
    assert "pip install 'drill-sim[dask]'" in result.output


def test_unreachable_scheduler_exits_2(monkeypatch, tmp_path) -> None:
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr("sim.experiment.executors.CONNECT_TIMEOUT", "1s")
    result = CliRunner().invoke(main, ["search", str(SEED_DRILL), "--key", "site.sampling.stations", "--min", "4",
                                       "--max", "6", "--target", "wait.total.p95_min<=20",
                                       "--cluster", "tcp://127.0.0.1:1", "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 2
    assert "Dask scheduler" in result.output
