"""Benchmark: the Xi'an round (scenarios/xian-2021-12-27.yaml) on 1 and 2 workers and on a
2-worker Dask LocalCluster; wall time and peak memory of the whole process tree.

    python benchmarks/bench_city.py              # the full round (11.08 M people)
    python benchmarks/bench_city.py --scale 0.1  # a tenth of the sites

Each configuration runs in its own subprocess so that memory is measured from a clean start;
peak memory is the largest sum of resident memory over the process and all its descendants,
sampled every 0.2 s from /proc. The goal: under 10 minutes and under 4 GiB on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "xian-2021-12-27.yaml"

CHILD = """
import json, sys, time
from sim import load_scenario
from sim.experiment.city import run_city
from sim.experiment.executors import open_executor
workers, cluster, overrides = int(sys.argv[1]), (sys.argv[2] or None), sys.argv[3:]
city = load_scenario({scenario!r}, overrides)
with open_executor(workers, cluster) as executor:
    start = time.perf_counter()
    result = run_city(city, replications=1, executor=executor)  # one replication of the whole round
    wall = time.perf_counter() - start
k = result.replications[0].kpis
print(json.dumps({{"wall_s": wall, "people": k["people.sampled"], "sites": k["sites.count"],
                  "completion_min": k["time.completion_min"], "lab_last_result_min": k["lab.last_result_min"],
                  "lab_backlog_peak": k["lab.backlog.peak"]}}))
"""


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def measure(workers: int, cluster: str | None, overrides: list[str]) -> dict[str, float]:
    code = CHILD.format(scenario=str(SCENARIO))
    proc = subprocess.Popen([sys.executable, "-c", code, str(workers), cluster or "", *overrides],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)  # fmt: skip
    peak = 0
    start = time.perf_counter()
    while proc.poll() is None:
        peak = max(peak, tree_rss_bytes(proc.pid))
        time.sleep(0.2)
    total = time.perf_counter() - start
    out = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        raise SystemExit(f"run failed with {workers} workers, cluster={cluster}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(peak_gib=peak / 2**30, process_s=total)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the sites to run (1 = the full round)")
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()
    overrides = []
    if args.scale != 1.0:
        overrides = [f"sites.0.count={max(1, round(3562 * args.scale))}",
                     f"sites.1.count={max(1, round(1515 * args.scale))}"]  # fmt: skip
    configs = [(1, None), (2, None)] + ([] if args.skip_dask else [(2, "local")])
    rows = []
    for workers, cluster in configs:
        r = measure(workers, cluster, overrides)
        label = f"{workers} worker(s)" + (" on a Dask LocalCluster" if cluster else "")
        rows.append((label, r))
        print(f"{label:36s} run {r['wall_s']:7.1f} s (process {r['process_s']:6.1f} s), "
              f"peak memory {r['peak_gib']:.2f} GiB, {r['people'] / r['wall_s']:,.0f} people/s, "
              f"{r['people']:,.0f} people at {r['sites']:,.0f} sites")  # fmt: skip
    base = rows[0][1]["wall_s"]
    for label, r in rows[1:]:
        print(f"speed-up of {label} over 1 worker: {base / r['wall_s']:.2f}x")
    timing = ("wall_s", "process_s", "peak_gib")
    numbers = {json.dumps({k: v for k, v in r.items() if k not in timing}, sort_keys=True) for _, r in rows}
    print(f"same numbers on every executor: {len(numbers) == 1}")


if __name__ == "__main__":
    main()
