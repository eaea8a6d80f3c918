"""The results of a site run: summary.json, replications.csv, timeseries.csv, staff/courier timelines and
the resolved scenario, written as one unit (folder.py)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..experiment.runner import RunResult
from ..scenario.units import format_clock
from .files import (
    REPLICATIONS,
    SCENARIO,
    SUMMARY,
    TIMESERIES,
    VARIANTS,
    csv_text,
    fmt,
    read_json,
    scenario_yaml,
    version,
)
from .folder import ResultsFolder


def write_results(result: RunResult, out: Path | ResultsFolder, source: str | None = None) -> dict[str, Path]:
    """Write the run's files into `out` (a folder path, or a ResultsFolder being written); return their paths.

    The saved scenario.yaml is the scenario as run: every --set applied, and the seed and number of
    replications of this run, so `drill run FOLDER/scenario.yaml` reproduces replications.csv exactly.
    """
    if not isinstance(out, ResultsFolder):
        with ResultsFolder(out, "site") as folder:
            return write_results(result, folder, source)
    folder = out
    summary = result.summary()
    summary.update({
        "scenario_file": source,
        "version": version(),
        "run_id": folder.run_id,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    })  # fmt: skip
    names = result.kpi_names
    rows = [[r.replication, *(fmt(r.kpis[n]) for n in names)] for r in result.results]
    series = result.timeseries()
    minutes = series.pop("minute")
    clock = [format_clock(result.scenario.clock.open + 60 * m) for m in minutes]
    ts_rows = [
        [int(m), c, *(fmt(series[k][j]) for k in series)] for j, (m, c) in enumerate(zip(minutes, clock, strict=False))
    ]
    paths = {
        "summary": folder.write(SUMMARY, json.dumps(summary, indent=2, ensure_ascii=False) + "\n"),
        "replications": folder.write(REPLICATIONS, csv_text(["replication", *names], rows), encoding="utf-8-sig"),
        "timeseries": folder.write(
            TIMESERIES, csv_text(["minute", "clock", *series], ts_rows), encoding="utf-8-sig"
        ),  # fmt: skip
        "scenario": folder.write(
            SCENARIO, scenario_yaml(result.scenario, seed=result.seed, replications=len(result.results))
        ),  # fmt: skip
    }
    for name, (header, body) in result.results[0].timelines.items():  # staff.csv, courier.csv: replication 1
        paths[name] = folder.write(f"{name}.csv", csv_text(header, body), encoding="utf-8-sig")
    folder.saveable = True
    return paths


def write_variants(document: dict[str, Any], out: Path) -> Path:
    """Add variants.json (recommend.variants_document) to a finished results folder, with its run id."""
    with ResultsFolder.update(out, ("site",)) as folder:
        text = json.dumps(document | {"run_id": folder.run_id}, indent=2, ensure_ascii=False, default=_json_default)
        return folder.write(VARIANTS, text + "\n")


def read_summary(out: Path) -> dict[str, Any]:
    return read_json(Path(out) / SUMMARY, ("scenario", "replications", "seed", "kpis"))


def _json_default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
