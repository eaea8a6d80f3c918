"""Search finds the answer Erlang C gives, and says how sure it is."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim import scenario_from_data
from sim.cli import main
from sim.errors import OptionError
from sim.experiment.search import Target, search
from sim.queueing import mmc_mean_wait

RATE_PER_S = 600 / 3600
SWAB_S = 30.0  # offered load 5 erlangs: 5 stations or fewer are unstable
TARGET_MIN = 0.15  # Erlang C: Wq(6) = 0.29 min, Wq(7) = 0.081 min, so the answer is 7 by a wide margin


def mmc_scenario(hours: int = 8):
    """M/M/c: Poisson arrivals, exponential swab, no registration, no entry check, unlimited waiting."""
    return scenario_from_data({
        "name": "M/M/c search", "seed": 3, "clock": {"open": "08:00", "duration": f"{hours}h"},
        "arrivals": {"rate": "600/h"},
        "site": {"sampling": {"stations": 1, "swab": {"dist": "exponential", "mean": "30s"}}},
    })  # fmt: skip


def erlang_answer(target_min: float, low: int, high: int) -> int:
    return next(c for c in range(low, high + 1) if mmc_mean_wait(RATE_PER_S, SWAB_S, c) / 60 <= target_min)


def test_search_finds_the_erlang_c_answer() -> None:
    expected = erlang_answer(TARGET_MIN, 1, 20)
    assert expected == 7
    result = search(mmc_scenario(), "site.sampling.stations", 1, 20, [f"wait.total.mean_min<={TARGET_MIN}"])
    assert result.answer == expected
    assert result.candidates[expected].verdict == "met"
    assert result.candidates[expected - 1].verdict == "missed"
    assert all(c.replications >= 10 for c in result.candidates.values())  # no verdict before the minimum
    assert "misses a target with confidence" in result.explain()
    # bisection: far fewer candidates than a scan of 1..20
    assert len(result.candidates) <= 6


def test_search_replications_grow_until_decided_and_share_streams() -> None:
    result = search(mmc_scenario(), "site.sampling.stations", 6, 8, [f"wait.total.mean_min<={TARGET_MIN}"], batch=3,
                    min_replications=4)  # fmt: skip
    for c in result.candidates.values():
        assert c.replications in (4, 7, 10, 13)  # the minimum first, then batches
    # common random numbers: every candidate saw the same arrivals in replication 1
    arrived = {c.kpis[0]["people.arrived"] for c in result.candidates.values()}
    assert len(arrived) == 1


def test_uncertain_at_cap_is_reported_as_such() -> None:
    # the mean of people.arrived is exactly λT = 4800: no finite sample puts the interval clear of it
    result = search(mmc_scenario(), "site.sampling.stations", 7, 7, ["people.arrived<=4800"], max_replications=4,
                    min_replications=2, batch=2)  # fmt: skip
    assert result.candidates[7].verdict == "uncertain"
    assert result.candidates[7].replications == 4
    assert result.answer is None
    assert "uncertain" in result.explain()


def test_missed_everywhere_gives_no_answer() -> None:
    result = search(mmc_scenario(2), "site.sampling.stations", 1, 4, ["wait.total.mean_min<=1"])
    assert result.answer is None
    assert result.candidates[4].verdict == "missed"  # unstable at 4 stations: waits grow all session


@pytest.mark.parametrize(
    ("target", "low", "high", "verdict"),
    [
        ("x<=10", 8.0, 9.5, "met"), ("x<=10", 8.0, 10.5, "uncertain"), ("x<=10", 10.5, 12.0, "missed"),
        ("x>=10", 10.5, 12.0, "met"), ("x>=10", 8.0, 9.5, "missed"), ("x<10", 8.0, 10.0, "uncertain"),
        ("x<=10", math.nan, math.nan, "uncertain"),
    ],
)  # fmt: skip
def test_target_judges_the_whole_interval(target: str, low: float, high: float, verdict: str) -> None:
    assert Target.parse(target).judge(low, high) == verdict


def test_bad_targets_and_ranges_are_option_errors() -> None:
    with pytest.raises(OptionError):
        Target.parse("wait is short")
    with pytest.raises(OptionError):
        search(mmc_scenario(1), "site.sampling.stations", 5, 4, ["wait.total.mean_min<=1"])
    with pytest.raises(OptionError, match="unknown KPI"):
        search(mmc_scenario(1), "site.sampling.stations", 6, 6, ["wait.totl.mean_min<=1"])


def test_cli_search_prints_and_writes_the_answer(tmp_path) -> None:
    path = tmp_path / "mmc.yaml"
    path.write_text(
        "name: M/M/c\nseed: 3\nclock: {open: '08:00', duration: 8h}\narrivals: {rate: 600/h}\n"
        "site: {sampling: {stations: 1, swab: {dist: exponential, mean: 30s}}}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["search", str(path), "--key", "site.sampling.stations", "--min", "1",
                                       "--max", "20", "--target", f"wait.total.mean_min<={TARGET_MIN}",
                                       "--workers", "1", "--out", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "site.sampling.stations=7 meets every target with 95% confidence" in result.output
    saved = json.loads((tmp_path / "out" / "search.json").read_text(encoding="utf-8"))
    assert saved["answer"] == 7
    assert Path(tmp_path / "out" / "search.csv").read_text(encoding="utf-8-sig").startswith("site.sampling.stations,")
