"""Benchmark: a community scenario (gates, background traffic) against the minimal simpy tandem, per person swabbed.

    python benchmarks/bench_community.py                          # Taoyuan North Road West, 9 repeats
    python benchmarks/bench_community.py --scenario scenarios/qingshan-road-2.yaml --profile

The model's time is a whole `run_replication` of the scenario (drawing, gates, the site, records) divided by
the people it swabbed; the reference is the minimal hand-written simpy model of bench_tandem.py (two
`simpy.Resource`s, one process per person) divided by its people, run alternately in the same process so a
busy neighbour slows both alike; the best of the repeats is kept for each.

ratio = model time per person swabbed / minimal time per person. The goal is at most 2.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_tandem import minimal_run  # noqa: E402

from sim import load_scenario  # noqa: E402
from sim.model.build import run_replication  # noqa: E402
from sim.model.records import SAMPLED  # noqa: E402
from sim.scenario import Scenario  # noqa: E402


def model_run(scenario: Scenario, replication: int) -> int:
    """One replication of the scenario; returns the people swabbed."""
    rec = run_replication(scenario, replication)
    return int((rec.people["outcome"] == SAMPLED).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "taoyuan-north-west.yaml"))
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument(
        "--hours", type=int, default=10, help="opening hours of the minimal tandem (360 people an hour)"
    )
    parser.add_argument("--profile", action="store_true", help="print where the model's time goes (cProfile)")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    assert isinstance(scenario, Scenario)
    best: dict[str, tuple[float, int]] = {}
    for repeat in range(args.repeats):
        for name in ("minimal", "model"):
            start = time.perf_counter()
            n = minimal_run(args.hours, seed=repeat) if name == "minimal" else model_run(scenario, repeat + 1)
            per = (time.perf_counter() - start) / n
            if name not in best or per < best[name][0]:
                best[name] = (per, n)
    for name, (per, n) in best.items():
        what = "people" if name == "minimal" else "people swabbed"
        print(f"{name:8s} {1 / per:10,.0f} {what}/s  ({per * 1e6:6.2f} µs each, {n:,} {what})")
    ratio = best["model"][0] / best["minimal"][0]
    print(f"ratio (model time per person swabbed / minimal time per person): {ratio:.2f}; "
          f"goal ≤ 2: {'met' if ratio <= 2 else 'MISSED'}")  # fmt: skip
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(model_run, scenario, 1)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
