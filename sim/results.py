"""Results files: summary.json, replications.csv, timeseries.csv and the resolved scenario.

Every file is written atomically (a temporary file in the same folder, then a rename), so a
crash or Ctrl-C never leaves half a file. CSVs are UTF-8 with a BOM so that spreadsheet
programs open Chinese text correctly.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .experiment.runner import RunResult
from .scenario.schema import Scenario
from .scenario.units import format_clock


def atomic_write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _fmt(value: float) -> str:
    """A number for a CSV cell: exact, whole numbers without a point; empty where it has no value (NaN)."""
    value = float(value)
    if math.isnan(value):
        return ""
    return repr(value) if not value.is_integer() else str(int(value))


def version() -> str:
    try:
        return metadata.version("drill-sim")
    except metadata.PackageNotFoundError:
        return "unknown"


def scenario_yaml(scenario: Scenario) -> str:
    """The scenario as resolved (every default explicit), in units that load again."""
    return yaml.safe_dump(scenario.model_dump(mode="json"), allow_unicode=True, sort_keys=False)


def write_results(result: RunResult, out: Path, source: str | None = None) -> dict[str, Path]:
    """Write the run's files into `out`; return their paths by name."""
    summary = result.summary()
    summary.update({
        "scenario_file": source,
        "version": version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })  # fmt: skip
    names = result.kpi_names
    rows = [[r.replication, *(_fmt(r.kpis[n]) for n in names)] for r in result.results]
    series = result.timeseries()
    minutes = series.pop("minute")
    clock = [format_clock(result.scenario.clock.open + 60 * m) for m in minutes]
    ts_rows = [
        [int(m), c, *(_fmt(series[k][j]) for k in series)] for j, (m, c) in enumerate(zip(minutes, clock, strict=False))
    ]
    paths = {
        "summary": out / "summary.json",
        "replications": out / "replications.csv",
        "timeseries": out / "timeseries.csv",
        "scenario": out / "scenario.yaml",
    }
    atomic_write(paths["summary"], json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    atomic_write(paths["replications"], csv_text(["replication", *names], rows), encoding="utf-8-sig")
    atomic_write(paths["timeseries"], csv_text(["minute", "clock", *series], ts_rows), encoding="utf-8-sig")
    atomic_write(paths["scenario"], scenario_yaml(result.scenario))
    for name, (header, body) in result.results[0].timelines.items():  # staff.csv, courier.csv: replication 1
        paths[name] = out / f"{name}.csv"
        atomic_write(paths[name], csv_text(header, body), encoding="utf-8-sig")
    return paths


def read_summary(out: Path) -> dict[str, Any]:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def read_csv(path: Path, empty_is_nan: bool = False) -> dict[str, np.ndarray | list[str]]:
    """A results CSV as columns (numbers where they parse).

    `empty_is_nan`: the table is all numbers (replications.csv), and an empty cell is a KPI with no value.
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    columns: dict[str, np.ndarray | list[str]] = {}
    for k, name in enumerate(header):
        values = [row[k] for row in body]
        try:
            columns[name] = np.array([float(v) if v or not empty_is_nan else math.nan for v in values])
        except ValueError:
            columns[name] = values
    return columns
