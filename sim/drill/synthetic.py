"""Synthetic drill records from a simulated replication: what a registration system would have logged.

Used by the worked example (scenarios/drill-records/) and the round-trip tests. Only people who
were swabbed are written (a registration system knows nobody else); times are rounded to the
second, as such systems record them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..model.records import Records
from ..scenario.schema import Scenario

HEADER = ["person", "arrived", "registered", "swab_start", "swab_end", "station", "tube", "group"]


def clock(seconds: float) -> str:
    """Seconds since midnight → HH:MM:SS (rounded to the second)."""
    whole = int(round(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def record_rows(records: Records, scenario: Scenario) -> list[list[str]]:
    """One row per person swabbed, in swab order, in the documented default columns."""
    p = records.people
    groups = list(scenario.population)
    done = np.flatnonzero(~np.isnan(p["swab_end"]) & ~np.isnan(p["station_start"]))
    done = done[np.argsort(p["swab_start"][done], kind="stable")]
    rows = []
    for k, i in enumerate(done.tolist(), start=1):
        rows.append([f"P{k:05d}", clock(p["first_arrival"][i]), clock(p["station_start"][i]), clock(p["swab_start"][i]),
                     clock(p["swab_end"][i]), str(int(p["station"][i]) + 1), f"T{int(p['tube'][i]) + 1:04d}",
                     groups[int(records.group[i])]])  # fmt: skip
    return rows


def write_records(path: Path, rows: list[list[str]], comment: str = "") -> Path:
    """The rows as a records CSV (a '#' comment line first, if given)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        if comment:
            handle.write(f"# {comment}\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path
