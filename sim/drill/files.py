"""Files of the drill loop: events.csv (+ .json, + .parquet with pyarrow), rejected.csv.

Written like every results file: into a temporary file in the same folder, then renamed, so a
crash never leaves half a file; CSVs in UTF-8 with a BOM. The event log is written chunk by
chunk as it is derived, so its memory stays bounded whatever the size of the day.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import numpy as np

from ..model import build
from ..results.files import (
    COMPARE_HTML,
    COMPARE_JSON,
    COMPARE_MD,
    EVENTS,
    EVENTS_META,
    EVENTS_PARQUET,
    REJECTED,
    atomic_open,  # fmt: skip
    atomic_write,
)
from ..scenario.drill_records import DrillRecords
from ..scenario.schema import Scenario
from ..scenario.units import format_clock
from .event_log import EventLog, replication_log
from .events import COLUMNS


def _parquet_table(files: ExitStack, path: Path) -> Callable[[dict[str, list[Any]]], None] | None:
    """Where pyarrow is installed, a function that appends columns to the Parquet file `path` (written
    atomically, closed with `files`); else None."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None
    schema = pa.schema([pa.field(name, pa.float64() if name == "time" else pa.string()) for name in COLUMNS])
    writer = pq.ParquetWriter(files.enter_context(atomic_open(path, "wb")), schema)
    files.callback(writer.close)  # before the file is renamed into place (the stack closes last-in first)
    return lambda columns: writer.write_table(pa.Table.from_pydict(columns, schema=schema))


def write_event_log(log: EventLog, out: Path, meta: dict[str, Any]) -> dict[str, Path]:
    """events.csv, events.json and (with pyarrow) events.parquet in `out`; returns their paths by name."""
    out = Path(out)
    paths = {"events": out / EVENTS, "events_meta": out / EVENTS_META}
    rows = 0
    with ExitStack() as files:
        table = csv.writer(files.enter_context(atomic_open(paths["events"], encoding="utf-8-sig")), lineterminator="\n")
        parquet = _parquet_table(files, out / EVENTS_PARQUET)
        table.writerow(COLUMNS)
        for columns in log.columns():
            table.writerows(zip(*columns.values(), strict=True))
            rows += len(columns["time"])
            if parquet is not None:
                parquet(columns)
    if parquet is not None:
        paths["events_parquet"] = out / EVENTS_PARQUET
    info = {**meta, "rows": rows, "open": format_clock(log.open_s), "columns": list(COLUMNS)}
    if log.notes:
        info["notes"] = log.notes
    atomic_write(paths["events_meta"], json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    return paths


def write_replication_events(scenario: Scenario, replication: int, seed: int, out: Path) -> dict[str, Path]:
    """Simulate replication `replication` (from 1) again, identically, and write its event log into `out`."""
    records = build.run_replication(scenario, replication, seed)
    log = replication_log(records, scenario)
    return write_event_log(log, out, {"replication": replication, "seed": seed, "scenario": scenario.name})


def write_rejected(path: Path, records: DrillRecords) -> Path:
    """rejected.csv: every row of the drill's records left out, with its row number in the file and the reason."""
    with atomic_open(path, encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["row", "problem", "reason", *records.header])
        writer.writerows([str(r.row), r.problem, f"{r.column}: {r.reason}", *r.values] for r in records.rejected)
    return path


def write_compare(data: dict[str, Any], records: DrillRecords, scenario: Scenario, out: Path, lang: str = "en"
                  ) -> dict[str, Path]:  # fmt: skip
    """compare.json, compare.html and compare.md (in `lang`), rejected.csv, and day/events.csv: the day's own log."""
    from ..report.compare import render_compare
    from .event_log import drill_log

    out = Path(out)
    paths = {"compare": out / COMPARE_JSON, "compare_html": out / COMPARE_HTML, "compare_md": out / COMPARE_MD,
             "rejected": out / REJECTED}  # fmt: skip
    atomic_write(paths["compare"], json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    page, markdown = render_compare(data, lang)
    atomic_write(paths["compare_html"], page)
    atomic_write(paths["compare_md"], markdown)
    write_rejected(paths["rejected"], records)
    groups = list(records.groups) if records.group is not None else ["person"]
    group_of = records.group if records.group is not None else np.zeros(records.n, dtype=np.int64)
    log = drill_log(records.arrival, records.registered, records.swab_start, records.swab_end, records.station,
                    scenario.clock.open, groups, group_of)  # fmt: skip
    stations = {str(k + 1): label for k, label in enumerate(records.stations)}
    day = write_event_log(log, out / "day", {"records": records.source, "scenario": scenario.name,
                                             "stations": stations})  # fmt: skip
    paths.update({f"day_{name}": path for name, path in day.items()})
    return paths
