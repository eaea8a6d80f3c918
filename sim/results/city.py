"""Results files of a city round (the same folder protocol and spreadsheet-friendly files as a site run).

summary.json and replications.csv keep the contract of a site run; beside them:
sites.csv (one row per site and replication, for maps and drill-down), hourly.csv
(people swabbed by hour since open: mean and 95% interval over replications) and lab_backlog.csv (tubes
waiting per lab every 10 minutes, mean over replications).
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..experiment.city import CityResult, SiteIndex
from ..measure.stats import t_interval
from ..scenario.units import format_clock
from .files import HOURLY, LAB_BACKLOG, REPLICATIONS, SCENARIO, SITES, SUMMARY, csv_text, fmt, scenario_yaml, version
from .folder import ResultsFolder


def _fmt_ci(value: float) -> str:
    """An interval end; empty where one replication gives no interval."""
    return "" if math.isnan(value) else fmt(value)


def write_city_results(result: CityResult, out: Path | ResultsFolder, source: str | None = None) -> dict[str, Path]:
    if not isinstance(out, ResultsFolder):
        with ResultsFolder(out, "city") as folder:
            return write_city_results(result, folder, source)
    folder = out
    city, reps = result.city, result.replications
    summary = result.summary()
    summary.update({"scenario_file": source, "version": version(), "run_id": folder.run_id,
                    "created": datetime.now(timezone.utc).isoformat(timespec="seconds")})  # fmt: skip
    names = result.kpi_names
    index = SiteIndex(city)
    site_rows = []
    for rep in reps:
        for row in rep.rows:
            group = index.group(int(row["site"]))
            site_rows.append([int(row["site"]), group.name or "", group.district, group.template,
                              *(fmt(row[c]) for c in list(row)[1:])])  # fmt: skip
    site_header = ["site", "name", "district", "template", *list(reps[0].rows[0])[1:]]
    by_hour = np.array([r.swabbed_by_hour for r in reps], dtype=float)  # (replications, hours)
    cumulative = np.cumsum(by_hour, axis=1)
    hours = by_hour.mean(axis=0)
    last = int(np.max(np.nonzero(hours)[0])) + 1 if hours.any() else 1
    hourly = []
    for h in range(last):
        each, total = t_interval(by_hour[:, h]), t_interval(cumulative[:, h])
        hourly.append([h, format_clock(city.clock.open + 3600 * h), fmt(hours[h]), *map(_fmt_ci, each),
                       fmt(cumulative[:, h].mean()), *map(_fmt_ci, total)])  # fmt: skip
    backlog = np.mean([[b.waiting for b in r.backlogs] for r in reps], axis=0)  # (labs, minutes)
    end = max(int(np.max(np.nonzero(backlog.sum(axis=0))[0])) + 11 if backlog.any() else 0, last * 60)
    minutes = range(0, min(end, backlog.shape[1]), 10)
    lab_rows = [[m, format_clock(city.clock.open + 60 * m), *(fmt(backlog[k, m]) for k in range(len(city.labs)))]
                for m in minutes]  # fmt: skip
    hourly_header = ["hour", "clock", "swabbed", "swabbed_ci_low", "swabbed_ci_high",
                     "swabbed_cumulative", "swabbed_cumulative_ci_low", "swabbed_cumulative_ci_high"]  # fmt: skip
    replication_rows = [[r.replication, *(fmt(r.kpis[n]) for n in names)] for r in reps]
    bom = "utf-8-sig"
    paths = {
        "summary": folder.write(SUMMARY, json.dumps(summary, indent=2, ensure_ascii=False) + "\n"),
        "replications": folder.write(REPLICATIONS, csv_text(["replication", *names], replication_rows), bom),
        "sites": folder.write(SITES, csv_text(site_header, site_rows), bom),
        "hourly": folder.write(HOURLY, csv_text(hourly_header, hourly), bom),
        "lab_backlog": folder.write(LAB_BACKLOG,
                                    csv_text(["minute", "clock", *(lab.name for lab in city.labs)], lab_rows), bom),
        "scenario": folder.write(SCENARIO, scenario_yaml(city, seed=result.seed, replications=len(reps))),
    }  # fmt: skip
    folder.saveable = True
    return paths
