"""Benchmark: writing a day's event log (events.csv) against simulating that day, and its memory.

    python benchmarks/bench_events.py                  # a 100,000-person day and a 20,000-person day

Both are timed in this process: `run_replication` (the day) and `write_event_log` (the log of that
day's records: events.csv, and events.parquet where pyarrow is installed). ratio = log time / day
time. Peak memory of the writing is measured with tracemalloc on a second, untimed pass; the
100,000-person day's peak over the 20,000-person day's is the number that should stay near 1
(tests/test_events.py asserts it below 1.6).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim import run_replication, scenario_from_text  # noqa: E402
from sim.drill.event_log import replication_log  # noqa: E402
from sim.drill.files import write_event_log  # noqa: E402

DAY = """
name: big day
seed: 5
clock: {{open: "06:00", duration: 10h}}
arrivals: {{rate: {rate}/h}}
site:
  entry_check: {{lanes: 20, time: {{dist: exponential, mean: 4s}}}}
  sampling: {{stations: 60, registration: {{dist: lognormal, mean: 12s, cv: 0.5}}, swab: {{dist: gamma, mean: 25s, cv: 0.4}}}}
pooling: {{size: 10}}
"""


def measure(rate: int, out: Path) -> dict[str, float]:
    scenario = scenario_from_text(DAY.format(rate=rate))
    start = time.perf_counter()
    records = run_replication(scenario, 1)
    day_s = time.perf_counter() - start
    start = time.perf_counter()
    paths = write_event_log(replication_log(records, scenario), out, {"replication": 1, "seed": 5})
    log_s = time.perf_counter() - start
    with open(paths["events"], encoding="utf-8-sig") as handle:
        rows = sum(1 for _ in handle) - 1
    tracemalloc.start()
    write_event_log(replication_log(records, scenario), out, {"replication": 1, "seed": 5})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"people": records.n, "rows": rows, "day_s": day_s, "log_s": log_s, "peak_mb": peak / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=int, nargs="+", default=[10_000, 2_000], help="arrivals per hour (10 h)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure(100, Path(tmp) / "warm")  # imports are not the log's
        results = [measure(rate, Path(tmp) / str(rate)) for rate in args.rates]
    for r in results:
        print(
            f"{r['people']:>8,} people {r['rows']:>10,} events: day {r['day_s']:6.2f} s, log {r['log_s']:6.2f} s "
            f"(ratio {r['log_s'] / r['day_s']:.2f}), peak {r['peak_mb']:6.1f} MB while writing"
        )
    if len(results) > 1:
        print(
            f"peak ratio {results[0]['peak_mb'] / results[-1]['peak_mb']:.2f} "
            f"for {results[0]['people'] / results[-1]['people']:.1f} times the people"
        )


if __name__ == "__main__":
    main()
