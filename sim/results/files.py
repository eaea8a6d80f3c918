"""The files of a results folder: their names (one list), one atomic writer, and readers that say what is wrong.

CSVs are UTF-8 with a BOM so that spreadsheet programs open Chinese text correctly. Every reader
raises ResultsError naming the file (and the line of a CSV) instead of a parser's traceback.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import IO, Any

import numpy as np
import yaml

from ..errors import DrillError

MANIFEST = "run.json"  # the folder's manifest: run id, version and a hash of every file (folder.py)
SUMMARY = "summary.json"
REPLICATIONS = "replications.csv"
SCENARIO = "scenario.yaml"
TIMESERIES = "timeseries.csv"
STAFF, COURIER = "staff.csv", "courier.csv"  # timelines of replication 1, where the scenario has the part
SITES, HOURLY, LAB_BACKLOG = "sites.csv", "hourly.csv", "lab_backlog.csv"  # a city round
SWEEP_SUMMARY, RUNS = "summary.csv", "runs"  # runs/: the sweep's resumable store of finished runs
SEARCH_TABLE, SEARCH_SUMMARY = "search.csv", "search.json"
VARIANTS = "variants.json"  # drill run --report: variants run on the same random numbers
EVENTS, EVENTS_META, EVENTS_PARQUET = "events.csv", "events.json", "events.parquet"  # drill run --events
REPLAY = "replay.html"  # drill replay
REPORT_HTML, REPORT_MD, REPORT_PDF, FIGURES = "report.html", "report.md", "report.pdf", "figures"
REPORT = (REPORT_HTML, REPORT_MD, REPORT_PDF, FIGURES)  # drill report / drill run --report
FIT, REJECTED = "fit.json", "rejected.csv"  # drill fit: beside the fitted scenario
COMPARE_JSON, COMPARE_HTML, COMPARE_MD = "compare.json", "compare.html", "compare.md"  # drill compare

# The files each kind of folder holds when its run is complete (KIND_FILES) and may hold besides.
KIND_FILES: dict[str, tuple[str, ...]] = {
    "site": (SUMMARY, REPLICATIONS, TIMESERIES, SCENARIO),
    "city": (SUMMARY, REPLICATIONS, SITES, HOURLY, LAB_BACKLOG, SCENARIO),
    "sweep": (REPLICATIONS, SWEEP_SUMMARY, SUMMARY, SCENARIO),
    "search": (SEARCH_TABLE, SEARCH_SUMMARY),
}
OPTIONAL_FILES: dict[str, tuple[str, ...]] = {
    "site": (STAFF, COURIER, EVENTS, EVENTS_META, EVENTS_PARQUET, VARIANTS, REPLAY, *REPORT),
    "city": REPORT,
    "sweep": (FIGURES, RUNS),
    "search": (),
}
ALL_NAMES = frozenset({MANIFEST, *(n for names in KIND_FILES.values() for n in names),
                       *(n for names in OPTIONAL_FILES.values() for n in names)})  # fmt: skip


class ResultsError(DrillError):
    """A results folder that cannot be written, or read and trusted."""


@contextmanager
def atomic_open(path: Path, mode: str = "w", encoding: str = "utf-8") -> Iterator[IO[Any]]:
    """A file open for writing that appears under `path` only once it is completely written (a temporary file
    in the same folder, then a rename): a crash never leaves half a file, and readers never see one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode) if "b" in mode else os.fdopen(fd, mode, encoding=encoding, newline="") as handle:
            yield handle
        os.chmod(tmp, 0o644)  # results are documents to share, not secrets (mkstemp makes them 0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, text: str | bytes, encoding: str = "utf-8") -> None:
    """Write a whole file at once, atomically (atomic_open)."""
    with atomic_open(path, "wb" if isinstance(text, bytes) else "w", encoding) as handle:
        handle.write(text)


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def fmt(value: float) -> str:
    """A number as written to a CSV: whole numbers without '.0', others exactly (repr); empty where it has no
    value (NaN: a KPI undefined in a replication)."""
    value = float(value)
    if math.isnan(value):
        return ""
    return repr(value) if not value.is_integer() else str(int(value))


def version() -> str:
    try:
        return metadata.version("drill-sim")
    except metadata.PackageNotFoundError:
        return "unknown"


def scenario_yaml(scenario: Any, **resolved: Any) -> str:
    """The scenario as resolved (every default explicit, `resolved` keys such as the seed applied), in units
    that load again, so that `drill run FOLDER/scenario.yaml` reproduces the folder."""
    data = scenario.model_dump(mode="json") | resolved
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def read_json(path: Path, must_have: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON object from a results file, or ResultsError saying what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsError(f"{path}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); the file is damaged") from None
    if not isinstance(data, dict):
        raise ResultsError(f"{path}: expected a JSON object, found {type(data).__name__}; the file is damaged")
    missing = [key for key in must_have if key not in data]
    if missing:
        raise ResultsError(f"{path}: no {', '.join(repr(k) for k in missing)}; the file is damaged or not drill-sim's")
    return data


def read_csv(path: Path, first: str | None = None, empty_is_nan: bool = False) -> dict[str, np.ndarray | list[str]]:
    """A results CSV as columns (numbers where they parse); ResultsError for a ragged or unreadable table.

    `first`: the name the first column must have (e.g. 'replication'). `empty_is_nan`: the table is all
    numbers (replications.csv), and an empty cell is a KPI with no value in that replication.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise ResultsError(f"{path}: missing") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ResultsError(f"{path}: cannot be read ({exc})") from None
    if not rows or not rows[0]:
        raise ResultsError(f"{path}: empty; the file is damaged")
    header, body = rows[0], rows[1:]
    if first is not None and header[0] != first:
        raise ResultsError(f"{path}:1: the first column is {header[0]!r}, not {first!r}; the file is damaged")
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ResultsError(f"{path}:{line}: {len(row)} cells where the header has {len(header)}; "
                               "the file is damaged")  # fmt: skip
    columns: dict[str, np.ndarray | list[str]] = {}
    for k, name in enumerate(header):
        values = [row[k] for row in body]
        try:
            columns[name] = np.array([float(v) if v or not empty_is_nan else math.nan for v in values])
        except ValueError:
            columns[name] = values
    return columns
