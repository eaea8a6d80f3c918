"""Sweeps: variants by dotted path, tidy tables, and resuming an interrupted sweep exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import ScenarioError, load_scenario, variant
from sim.cli import main
from sim.errors import OptionError
from sim.experiment.executors import open_executor
from sim.experiment.sweep import Axis, Done, grid, run_sweep
from sim.results import RunStore, write_sweep

SEED_DRILL = Path(__file__).parent.parent / "scenarios" / "xinhua-drill.yaml"
AXES = [Axis("site.sampling.stations", (4, 6)), Axis("pooling.size", (5, 10))]
REPS = 3
TOTAL = 2 * 2 * REPS


@pytest.fixture(scope="module")
def drill():
    return load_scenario(SEED_DRILL)


@pytest.fixture(scope="module")
def uninterrupted(drill, tmp_path_factory):
    """The reference: the whole sweep in one go, its table files' bytes."""
    out = tmp_path_factory.mktemp("whole")
    result = run_sweep(drill, AXES, REPS, executor=None, store=RunStore(out / "runs"))
    assert result.computed == TOTAL
    paths = write_sweep(result, out)
    return {name: paths[name].read_bytes() for name in ("replications", "summary")}


def tables(result, out: Path) -> dict[str, bytes]:
    paths = write_sweep(result, out)
    return {name: paths[name].read_bytes() for name in ("replications", "summary")}


def test_variant_changes_one_key_and_validates_again(drill) -> None:
    more = variant(drill, {"site.sampling.stations": 8, "arrivals.callup.interval": "15min"})
    assert more.site.sampling.stations == 8
    assert more.arrivals.callup.interval == 15 * 60
    assert drill.site.sampling.stations == 5  # the base is unchanged
    assert more.site.sampling.swab == drill.site.sampling.swab
    with pytest.raises(ScenarioError, match="site.sampling.stations"):
        variant(drill, {"site.sampling.stations": 0})
    with pytest.raises(ScenarioError, match="statons"):
        variant(drill, {"site.sampling.statons": 8})


def test_axis_parse_reads_values_like_yaml() -> None:
    assert Axis.parse("site.sampling.stations=4,6, 8") == Axis("site.sampling.stations", (4, 6, 8))
    assert Axis.parse("arrivals.callup.interval=10min,15min").values == ("10min", "15min")
    assert Axis.parse("arrivals.callup.start=08:00,08:30").values == ("08:00", "08:30")
    with pytest.raises(OptionError):
        Axis.parse("site.sampling.stations")


def test_grid_is_every_combination_first_axis_slowest(drill) -> None:
    keys = [v.key for v in grid(drill, AXES)]
    assert keys == [
        "site.sampling.stations=4,pooling.size=5", "site.sampling.stations=4,pooling.size=10",
        "site.sampling.stations=6,pooling.size=5", "site.sampling.stations=6,pooling.size=10",
    ]  # fmt: skip


def test_variant_keys_are_file_names_and_distinct(drill) -> None:
    axes = [Axis("arrivals.callup.start", ("08:00", "08_00"))]
    with pytest.raises(ScenarioError):  # '08_00' is not a clock time, so the grid is refused as a whole
        grid(drill, axes)
    keys = [v.key for v in grid(drill, [Axis("arrivals.callup.start", ("08:00", "08:30"))])]
    assert len(set(keys)) == 2 and not any(":" in k or "/" in k for k in keys)


def test_tidy_table_has_one_row_per_variant_and_replication(drill, tmp_path) -> None:
    result = run_sweep(drill, AXES, REPS)
    header, rows = result.rows()
    assert header[:4] == ["variant", "site.sampling.stations", "pooling.size", "replication"]
    assert len(rows) == TOTAL
    assert [row[3] for row in rows[:REPS]] == list(range(1, REPS + 1))
    col = header.index("samples.tubes")
    assert {row[2] for row in rows} == {5, 10}
    # pool size 5 needs about twice the tubes of pool size 10, on the very same people (shared streams)
    by = {(row[1], row[2], row[3]): row[col] for row in rows}
    assert all(by[(s, 5, r)] > 1.8 * by[(s, 10, r)] for s in (4, 6) for r in range(1, REPS + 1))
    people = header.index("people.arrived")
    assert len({row[people] for row in rows if row[3] == 1}) == 1  # common random numbers: same arrivals


def test_interrupted_sweep_run_again_gives_the_uninterrupted_table(drill, uninterrupted, tmp_path) -> None:
    store = RunStore(tmp_path / "runs")
    seen: list[Done] = []

    def stop_after_five(done: Done) -> None:
        seen.append(done)
        if len(seen) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(drill, AXES, REPS, store=store, on_done=stop_after_five)
    assert len(list(store.folder.rglob("*.json"))) == 5  # every finished run was kept
    again = run_sweep(drill, AXES, REPS, store=store)
    assert again.computed == TOTAL - 5
    assert tables(again, tmp_path) == uninterrupted


def test_interrupted_process_pool_sweep_resumes_exactly(drill, uninterrupted, tmp_path) -> None:
    store = RunStore(tmp_path / "runs")
    count = 0

    def stop(done: Done) -> None:
        nonlocal count
        count += 1
        if count == 4:
            raise KeyboardInterrupt

    with open_executor(workers=2) as pool, pytest.raises(KeyboardInterrupt):
        run_sweep(drill, AXES, REPS, executor=pool, store=store, on_done=stop)
    kept = len(list(store.folder.rglob("*.json")))
    assert 4 <= kept < TOTAL
    with open_executor(workers=2) as pool:
        again = run_sweep(drill, AXES, REPS, executor=pool, store=store)
    assert again.computed == TOTAL - kept
    assert tables(again, tmp_path) == uninterrupted


def test_deleted_and_stale_run_files_are_recomputed(drill, uninterrupted, tmp_path) -> None:
    store = RunStore(tmp_path / "runs")
    run_sweep(drill, AXES, REPS, store=store)
    files = sorted(store.folder.rglob("*.json"))
    files[0].unlink()
    files[1].write_text("{half a fi", encoding="utf-8")  # as if a writer without atomic rename had died
    again = run_sweep(drill, AXES, REPS, store=store)
    assert again.computed == 2
    assert tables(again, tmp_path) == uninterrupted
    other_seed = run_sweep(drill, AXES, REPS, seed=2, store=store)
    assert other_seed.computed == TOTAL  # runs of another seed are never reused
    changed = run_sweep(variant(drill, {"clock.duration": "3h"}), AXES, REPS, store=store)
    assert changed.computed == TOTAL  # nor runs of another scenario


def test_cli_sweep_writes_tables_and_figures_and_resumes(tmp_path) -> None:
    out = tmp_path / "sweep"
    args = ["sweep", str(SEED_DRILL), "--vary", "site.sampling.stations=4,6", "--vary", "pooling.size=5,10",
            "-n", "2", "--workers", "1", "--out", str(out)]  # fmt: skip
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "8 runs computed, 0 reused" in first.output
    for name in ("replications.csv", "summary.csv", "summary.json", "scenario.yaml"):
        assert (out / name).is_file()
    assert (out / "figures" / "wait.total.p95_min.png").read_bytes()[:4] == b"\x89PNG"
    table = (out / "replications.csv").read_bytes()
    second = CliRunner().invoke(main, [*args, "--no-figures"])
    assert second.exit_code == 0, second.output
    assert "0 runs computed, 8 reused" in second.output
    assert (out / "replications.csv").read_bytes() == table


def test_cli_sweep_bad_vary_exits_2(tmp_path) -> None:
    result = CliRunner().invoke(main, ["sweep", str(SEED_DRILL), "--vary", "site.sampling.stations=0,2",
                                       "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code == 2
    assert "site.sampling.stations" in result.output
    result = CliRunner().invoke(main, ["sweep", str(SEED_DRILL), "--vary", "nonsense", "--out", str(tmp_path)])
    assert result.exit_code == 2
