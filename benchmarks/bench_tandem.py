"""Benchmark: the project's model against a minimal hand-written simpy model of the same tandem.

    python benchmarks/bench_tandem.py                 # 5 repeats, about 18,000 people each
    python benchmarks/bench_tandem.py --hours 100 --repeats 7 --profile

The network is the one of the validation tests: Poisson arrivals at 360/h, an entry check
with 2 lanes (exponential, mean 15 s), then 4 stations with no registration (exponential
swab, mean 32 s), unlimited waiting zone. Both models run in this process, alternately, and
the best of the repeats is kept for each. The minimal model is what a simpy user would write
in ten lines: `simpy.Resource` for lanes and stations, one process per person, two waits kept
per person. The model's time is a whole `run_replication` (drawing, the simpy run, records);
the KPIs computed from the records are timed separately.

ratio = model time per person / minimal time per person. The goal is at most 0.75.
Before timing, both models are fed the same people (the model's own draws) and must give
every person the same waits: the comparison is of the same network.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim import scenario_from_data  # noqa: E402
from sim.measure.kpis import replication_kpis  # noqa: E402
from sim.model.build import run_replication  # noqa: E402
from sim.scenario import Scenario  # noqa: E402

RATE_PER_H, LANES, ENTRY_S, STATIONS, SWAB_S = 360, 2, 15.0, 4, 32.0


def tandem(hours: int) -> Scenario:
    """The validation tandem as a scenario of the project."""
    return scenario_from_data({
        "name": "benchmark tandem",
        "clock": {"open": "00:00", "duration": f"{hours}h"},
        "arrivals": {"rate": f"{RATE_PER_H}/h"},
        "site": {"entry_check": {"lanes": LANES, "time": {"dist": "exponential", "mean": f"{ENTRY_S:g}s"}},
                 "sampling": {"stations": STATIONS, "swab": {"dist": "exponential", "mean": f"{SWAB_S:g}s"}}},
    })  # fmt: skip


def minimal_model(arrival: np.ndarray, entry: np.ndarray, swab: np.ndarray) -> tuple[list[float], list[float]]:
    """A plain simpy tandem: two Resources, one process per person; returns both waits per person."""
    env = simpy.Environment()
    lanes, stations = simpy.Resource(env, LANES), simpy.Resource(env, STATIONS)
    n = len(arrival)
    entry_wait, station_wait = [0.0] * n, [0.0] * n

    def person(i: int, entry_s: float, swab_s: float):  # type: ignore[no-untyped-def]
        arrived = env.now
        with lanes.request() as req:
            yield req
            entry_wait[i] = env.now - arrived
            yield env.timeout(entry_s)
        checked = env.now
        with stations.request() as req:
            yield req
            station_wait[i] = env.now - checked
            yield env.timeout(swab_s)

    def source():  # type: ignore[no-untyped-def]
        for i, (t, e, s) in enumerate(zip(arrival.tolist(), entry.tolist(), swab.tolist(), strict=True)):
            yield env.timeout(t - env.now)
            env.process(person(i, e, s))

    env.process(source())
    env.run()
    return entry_wait, station_wait


def minimal_run(hours: int, seed: int) -> int:
    """The minimal model end to end: draw a Poisson stream and service times, run. Returns people."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(RATE_PER_H * hours)
    arrival = np.sort(rng.uniform(0.0, hours * 3600.0, n))
    minimal_model(arrival, rng.exponential(ENTRY_S, n), rng.exponential(SWAB_S, n))
    return int(n)


def same_network_check(scenario: Scenario) -> int:
    """Feed the model's drawn people to the minimal model; every wait must agree."""
    rec = run_replication(scenario, 1, seed=1)
    p = rec.people
    order = np.argsort(p["arrival"], kind="stable")
    arrival, entry = p["arrival"][order], (p["entry_end"] - p["entry_start"])[order]
    swab = (p["swab_end"] - p["swab_start"])[order]
    entry_wait, station_wait = minimal_model(arrival, entry, swab)
    model_entry = (p["entry_start"] - p["arrival"])[order]
    model_station = (p["swab_start"] - p["entry_end"])[order]
    worst = max(np.max(np.abs(model_entry - entry_wait)), np.max(np.abs(model_station - station_wait)))
    if worst > 1e-6:
        raise SystemExit(f"the two models disagree on a wait by {worst:.3g} s: not the same network")
    return rec.n


def seconds_per_person(fn: Callable[[int], int], repeat: int) -> tuple[float, int]:
    """Wall seconds per person of one run, and its people."""
    start = time.perf_counter()
    n = fn(repeat)
    return (time.perf_counter() - start) / n, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=50, help="opening hours per run (360 people an hour)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each model; the best is kept")
    parser.add_argument("--profile", action="store_true", help="print where the model's time goes (cProfile)")
    args = parser.parse_args()
    scenario = tandem(args.hours)
    checked = same_network_check(tandem(min(args.hours, 10)))
    print(f"same network: the minimal model reproduces every wait of the model ({checked:,} people)")

    def model(r: int) -> int:
        return run_replication(scenario, r + 1, seed=1).n

    def model_with_kpis(r: int) -> int:
        rec = run_replication(scenario, r + 1, seed=1)
        replication_kpis(rec)
        return rec.n

    def minimal(r: int) -> int:
        return minimal_run(args.hours, seed=r)

    # alternate the models so that a busy neighbour on a shared machine slows both alike
    results: dict[str, tuple[float, int]] = {}
    for repeat in range(args.repeats):
        for name, fn in (("minimal", minimal), ("model", model), ("model+kpis", model_with_kpis)):
            per_person, n = seconds_per_person(fn, repeat)
            if name not in results or per_person < results[name][0]:
                results[name] = (per_person, n)
    for name in ("minimal", "model", "model+kpis"):
        per_person, n = results[name]
        print(f"{name:12s} {1 / per_person:10,.0f} people/s  ({per_person * 1e6:6.2f} µs a person, {n:,} people)")
    base = results["minimal"][0]
    ratio, ratio_kpis = results["model"][0] / base, results["model+kpis"][0] / base
    print(f"ratio (model time per person / minimal time per person): {ratio:.2f}  (with KPIs: {ratio_kpis:.2f}); "
          f"goal ≤ 0.75: {'met' if ratio <= 0.75 else 'MISSED'}")  # fmt: skip
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(model_with_kpis, 0)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
