"""Benchmark: replay.html's size, build time, load time and frame time for the seed days and a 20,000-person day.

    python benchmarks/bench_replay.py                 # the three seed scenarios and the 20,000-person day
    python benchmarks/bench_replay.py --only xinhua   # one of them (xinhua, taoyuan, qingshan, 20k)

For each day it simulates replication 1, writes its event log (tests/replay_events.py, the stand-in for
`drill run --events`), builds replay.html, and opens it in headless Chromium `--repeats` times:

People are everyone with a person's pathway (residents, walk-ins and everyday gate traffic); swabbed
are those with a swab on record.

- interactive: the page's own mark (`data-interactive-ms`, performance.now() when the player is ready,
  from the start of navigation: reading the file, parsing the JSON, the first drawing);
- wall: the whole browser process (start, load, dump), against a blank page in the same run (ratio);
- frame: the page's time to draw one frame, when seeking anywhere in the day and when playing (one
  second of the day per frame), timed inside the page over a few hundred frames.

Medians are reported. Nothing here is asserted: it is measured, on whatever machine runs it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from replay_events import write_events  # noqa: E402

from sim import load_scenario, variant  # noqa: E402
from sim.replay import build_replay, read_events  # noqa: E402

SCENARIOS = ROOT / "scenarios"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1600,900"]  # fmt: skip
FRAMES = """<script>(function () {
  var r = window.replay, a = r.time(), span = 4 * 3600, k, t0, seekMs, playMs;
  t0 = performance.now();
  for (k = 0; k < 120; k++) r.seek(a + (k * 7919) % span);
  seekMs = (performance.now() - t0) / 120;
  r.seek(a + 3600);
  t0 = performance.now();
  for (k = 0; k < 300; k++) r.seek(a + 3600 + k);
  playMs = (performance.now() - t0) / 300;
  document.documentElement.setAttribute("data-seek-ms", seekMs.toFixed(2));
  document.documentElement.setAttribute("data-play-ms", playMs.toFixed(2));
})();</script></body>"""


def twenty_thousand():
    """Qingshan Road 2 at about 4.8 times the people (about 20,000), with a site sized to match."""
    base = load_scenario(SCENARIOS / "qingshan-road-2.yaml")
    changes = {f"arrivals.profile.{k}.rate": f"{round(step.rate * 3600 * 4.8)}/h"
               for k, step in enumerate(base.arrivals.profile)}  # fmt: skip
    changes |= {"site.sampling.stations": 34, "site.entry_check.lanes": 14, "site.waiting.capacity": 800,
                "site.isolation.capacity": 8, "name": "Qingshan Road 2 at 20,000 people"}  # fmt: skip
    for k, yard in enumerate(base.community.courtyards):  # gate checkers in proportion
        for g, gate in enumerate(yard.gates):
            changes[f"community.courtyards.{k}.gates.{g}.lanes"] = gate.lanes * 5
    return variant(base, changes)


DAYS = {
    "xinhua": lambda: SCENARIOS / "xinhua-drill.yaml",
    "taoyuan": lambda: SCENARIOS / "taoyuan-north-west.yaml",
    "qingshan": lambda: SCENARIOS / "qingshan-road-2.yaml",
    "20k": twenty_thousand,
}


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    return found


def open_page(browser: str, url: str, profile: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url], capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip
    return time.perf_counter() - start, done.stdout


def attribute(dom: str, name: str) -> float:
    match = re.search(rf'{name}="([0-9.]+)"', dom)
    if match is None:
        raise SystemExit(f"the page did not report {name}; did the player start?")
    return float(match.group(1))


def measure(name: str, repeats: int, browser: str, work: Path) -> dict[str, float]:
    folder = work / name
    start = time.perf_counter()
    write_events(DAYS[name](), folder)
    simulated = time.perf_counter() - start
    start = time.perf_counter()
    replay = build_replay(folder)
    built = time.perf_counter() - start
    log = read_events(folder)
    frames = folder / "frames.html"
    frames.write_text(replay.path.read_text(encoding="utf-8").replace("</body>", FRAMES), encoding="utf-8")
    blank = work / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    walls, blanks, interactive, seek, play = [], [], [], [], []
    for k in range(repeats):
        wall, dom = open_page(browser, replay.path.resolve().as_uri(), work / f"profile-{k}")
        walls.append(wall)
        interactive.append(attribute(dom, "data-interactive-ms"))
        blanks.append(open_page(browser, blank.resolve().as_uri(), work / f"profile-{k}")[0])
        _, dom = open_page(browser, frames.resolve().as_uri(), work / f"profile-{k}")
        seek.append(attribute(dom, "data-seek-ms"))
        play.append(attribute(dom, "data-play-ms"))
    wall, blank_wall = statistics.median(walls), statistics.median(blanks)
    swabbed = len(np.unique(log.entity[log.event == log.code("swab_end")]))
    return {"people": replay.people, "swabbed": swabbed, "entities": replay.entities, "events": log.rows,
            "csv_mb": (folder / "events.csv").stat().st_size / 1e6, "html_mb": replay.size_bytes / 1e6,
            "simulate_s": simulated, "build_s": built, "interactive_ms": statistics.median(interactive),
            "wall_s": wall, "blank_s": blank_wall, "ratio": wall / blank_wall,
            "seek_ms": statistics.median(seek), "play_ms": statistics.median(play)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(DAYS), action="append", help="measure only this day (repeatable)")
    parser.add_argument("--repeats", type=int, default=3, help="browser loads per day (median reported)")
    args = parser.parse_args()
    browser = chromium()
    print(f"{'day':9} {'people':>7} {'swabbed':>8} {'events':>8} {'csv MB':>7} {'html MB':>8} {'build s':>8} "
          f"{'interactive ms':>15} {'wall s':>7} {'blank s':>8} {'ratio':>6} {'seek ms':>8} {'play ms':>8}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        for name in args.only or list(DAYS):
            m = measure(name, args.repeats, browser, Path(tmp))
            print(f"{name:9} {m['people']:>7,} {m['swabbed']:>8,} {m['events']:>8,} {m['csv_mb']:>7.2f} {m['html_mb']:>8.2f} "
                  f"{m['build_s']:>8.2f} {m['interactive_ms']:>15.0f} {m['wall_s']:>7.2f} {m['blank_s']:>8.2f} "
                  f"{m['ratio']:>6.2f} {m['seek_ms']:>8.1f} {m['play_ms']:>8.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
