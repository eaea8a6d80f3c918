"""Wall time of a 40-variant sweep of the seed drill: serial, process pool (2), Dask LocalCluster (2).

    .venv/bin/python benchmarks/bench_sweep.py [--replications 5]

Each executor sweeps into a fresh folder (nothing reused); the tables must be byte-identical.
The times include starting the pool or cluster, not drawing the figures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sim import load_scenario
from sim.experiment.executors import open_executor
from sim.experiment.sweep import Axis, run_sweep  # noqa: E402
from sim.results import RunStore, write_sweep

SEED_DRILL = Path(__file__).parent.parent / "scenarios" / "xinhua-drill.yaml"
AXES = [Axis("site.sampling.stations", (3, 4, 5, 6, 7, 8, 9, 10)), Axis("pooling.size", (1, 5, 10, 20, 50))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=5)
    args = parser.parse_args()
    scenario = load_scenario(SEED_DRILL)
    tables = {}
    for name, how in (("serial", {"workers": 1}), ("process pool, 2 workers", {"workers": 2}),
                      ("Dask LocalCluster, 2 workers", {"workers": 2, "cluster": "local"})):  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            with open_executor(**how) as executor:
                result = run_sweep(scenario, AXES, args.replications, executor=executor, store=RunStore(Path(tmp)))
            seconds = time.perf_counter() - start
            paths = write_sweep(result, Path(tmp) / "tables")
            tables[name] = paths["replications"].read_bytes()
        runs = len(result.variants) * args.replications
        print(
            f"{name:30s} {seconds:6.1f} s  ({runs} runs, {len(result.variants)} variants; load {os.getloadavg()[0]:.1f})"
        )
    print("identical tables:", len(set(tables.values())) == 1)


if __name__ == "__main__":
    main()
