"""The notebook API: pandas tables that agree with the runner and the sweep files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.experiment import run as run_replications
from sim.experiment.plan import staff_text

SEED_DRILL = Path(__file__).parent.parent / "scenarios" / "xinhua-drill.yaml"


@pytest.fixture(scope="module")
def drill():
    return sim.load_scenario(SEED_DRILL)


def test_run_tables(drill) -> None:
    tables = sim.api.run(drill, 3)
    assert isinstance(tables.replications, pd.DataFrame)
    assert list(tables.replications.index) == [1, 2, 3]  # numbered from 1, as in replications.csv
    direct = run_replications(drill, 3)
    assert np.array_equal(tables.replications["wait.total.p95_min"].to_numpy(), direct.column("wait.total.p95_min"))
    row = tables.summary.loc["wait.total.p95_min"]
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert row["mean"] == pytest.approx(tables.replications["wait.total.p95_min"].mean())
    series = tables.timeseries
    assert list(series.columns[:2]) == ["minute", "clock"]
    assert series["clock"].iloc[0] == "08:00" and series["clock"].iloc[60] == "09:00"
    assert series["sampled.mean"].is_monotonic_increasing


def test_single_replication_has_no_interval(drill) -> None:
    summary = sim.api.run(drill, 1).summary
    assert summary["ci_low"].isna().all()


def test_sweep_tables_and_pivot(drill, tmp_path) -> None:
    grid = sim.api.sweep(drill, {"site.sampling.stations": [4, 6], "pooling.size": [5, 10]}, 2, store=tmp_path)
    assert len(grid.runs) == 2 * 2 * 2
    assert list(grid.runs.columns[:4]) == ["variant", "site.sampling.stations", "pooling.size", "replication"]
    tubes = grid.pivot("samples.tubes")
    assert tubes.shape == (2, 2)
    assert (tubes[5] > tubes[10]).all()
    waits = grid.pivot("wait.sampling.mean_min")
    assert (waits.loc[4] > waits.loc[6]).all()  # fewer stations, longer queue for a station
    again = sim.api.sweep(drill, {"site.sampling.stations": [4, 6], "pooling.size": [5, 10]}, 2, store=tmp_path)
    assert again.result.computed == 0
    pd.testing.assert_frame_equal(again.runs, grid.runs)
    one_axis = sim.api.sweep(drill, {"pooling.size": [5, 10]}, 2).pivot("samples.tubes")
    assert isinstance(one_axis, pd.Series) and list(one_axis.index) == [5, 10]


def test_sweep_variant_matches_a_direct_run(drill) -> None:
    grid = sim.api.sweep(drill, {"site.sampling.stations": [6]}, 2)
    direct = sim.api.run(sim.variant(drill, {"site.sampling.stations": 6}), 2)
    assert np.array_equal(grid.runs["time.completion_min"].to_numpy(),
                          direct.replications["time.completion_min"].to_numpy())  # fmt: skip


def test_search_table(drill) -> None:
    found = sim.api.search(drill, "site.sampling.stations", 2, 4, ["time.completion_min<=270"], max_replications=10)
    assert found.answer is None  # 4 stations need about 287 minutes
    assert set(found.candidates["verdict"]) <= {"met", "missed", "uncertain"}
    assert "No value from 2 to 4 of site.sampling.stations meets every target" in found.explanation


def test_progress_bars_and_executors_do_not_change_numbers(drill) -> None:
    quiet = sim.api.run(drill, 2)
    shown = sim.api.run(drill, 2, progress=True, workers=2)
    pd.testing.assert_frame_equal(quiet.replications, shown.replications)


def test_sweep_staff_follows_the_plan_or_stays_fixed(drill) -> None:
    """The file's roster (8 + 8) keeps 5 stations open; following the plan, 8 stations come with their staff."""
    vary = {"site.sampling.stations": [5, 8]}
    fixed = sim.api.sweep(drill, vary, 2, staff="fixed")
    follow = sim.api.sweep(drill, vary, 2)
    assert list(fixed.pivot("stations.open")) == [5, 5]
    assert list(follow.pivot("stations.open")) == [5, 8]
    at = {mode: grid.runs.set_index(["site.sampling.stations", "replication"]) for mode, grid in
          (("fixed", fixed), ("follow", follow))}  # fmt: skip
    same = at["fixed"].loc[5, "wait.sampling.mean_min"].to_numpy()
    assert np.array_equal(at["fixed"].loc[8, "wait.sampling.mean_min"].to_numpy(), same)  # the same 5 stations
    assert (at["follow"].loc[8, "wait.sampling.mean_min"].to_numpy() < same).all()
    assert staff_text(follow.result.variants[1].scenario).startswith("12 samplers, 12 registrars")
    assert staff_text(fixed.result.variants[1].scenario).startswith("8 samplers (of 12 needed)")


def test_search_passes_the_staff_mode(drill) -> None:
    target = ["wait.total.p95_min<=1"]  # never met: every value from 5 to 8 is evaluated
    fixed = sim.api.search(drill, "site.sampling.stations", 5, 8, target, min_replications=2, max_replications=2,
                           staff="fixed")  # fmt: skip
    follow = sim.api.search(drill, "site.sampling.stations", 5, 8, target, min_replications=2, max_replications=2)
    rows = {name: found.candidates.set_index("site.sampling.stations") for name, found in
            (("fixed", fixed), ("follow", follow))}  # fmt: skip
    assert rows["fixed"].loc[8, "staff"] == "8 samplers (of 12 needed), 8 registrars (of 12 needed), " \
                                            "3 entry checkers, 3 marshals"  # fmt: skip
    assert rows["follow"].loc[8, "staff"] == "12 samplers, 12 registrars, 3 entry checkers, 3 marshals"
    assert rows["fixed"].loc[8, "mean"] == rows["fixed"].loc[5, "mean"]  # the roster keeps 5 stations open
    assert rows["follow"].loc[8, "mean"] < rows["follow"].loc[5, "mean"]
