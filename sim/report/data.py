"""What the report reads: the files of one results folder, once the folder is verified. Nothing here runs the model.

A folder is read only if its run.json vouches for it (results.verify: same version, every file of the
run unchanged, one run id); each file is then checked for shape, so a damaged file is named, with its
line, instead of surfacing as a parser's traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ScenarioError
from ..results import KIND_FILES, Manifest, ResultsError, read_csv, read_json, read_summary, verify
from ..results.files import EVENTS, HOURLY, LAB_BACKLOG, REJECTED, REPLICATIONS, SCENARIO, SITES, TIMESERIES, VARIANTS
from ..scenario import Scenario, load_scenario
from ..scenario.city import City

CORE_FILES = KIND_FILES["site"]
CITY_FILES = KIND_FILES["city"]
NOT_TIMELINES = (EVENTS, REJECTED)  # the event log (large) and rejected drill records: not read here
Columns = dict[str, Any]
__all__ = ["CITY_FILES", "CORE_FILES", "CityResults", "Results", "ResultsError", "load_city_results", "load_results"]


@dataclass(frozen=True)
class Results:
    """One results folder, loaded."""

    folder: Path
    summary: dict[str, Any]
    replications: Columns
    timeseries: Columns
    scenario: Scenario
    variants: dict[str, Any] | None = None
    extra_csv: dict[str, Columns] = field(default_factory=dict)
    variants_trusted: bool = False  # variants.json was written for this very run (run.json and its run id)

    def kpi(self, name: str, stat: str = "mean") -> float | None:
        entry = self.summary["kpis"].get(name)
        return None if entry is None else entry.get(stat)

    def series(self, name: str) -> np.ndarray | None:
        column = self.timeseries.get(name)
        return column if isinstance(column, np.ndarray) else None

    def series_with_prefix(self, *prefixes: str) -> list[str]:
        """Extra per-minute columns (added by later parts of the model), e.g. gate queues."""
        return [k for k, v in self.timeseries.items() if k.startswith(prefixes) and isinstance(v, np.ndarray)]

    def column(self, name: str) -> np.ndarray | None:
        """One KPI across replications (replications.csv), where it was measured."""
        column = self.replications.get(name)
        return column if isinstance(column, np.ndarray) else None

    def timeline(self, name: str) -> list[dict[str, str]]:
        """Rows of staff.csv or courier.csv (replication 1), as text; empty where the part is absent."""
        columns = self.extra_csv.get(name)
        if not columns:
            return []
        names = list(columns)
        n = len(columns[names[0]])
        return [{k: _text(columns[k][i]) for k in names} for i in range(n)]


def _text(value: object) -> str:
    if isinstance(value, float | np.floating):
        return repr(float(value)) if not float(value).is_integer() else str(int(value))
    return str(value)


def results_kind(folder: Path) -> str:
    """'city' for a city round's results folder, else 'site' (run.json says which); ResultsError if untrusted."""
    return verify(Path(folder)).kind


@dataclass(frozen=True)
class CityResults:
    """A city round's results folder, loaded (see sim/city_results.py)."""

    folder: Path
    summary: dict[str, Any]
    replications: Columns
    sites: Columns
    hourly: Columns
    lab_backlog: Columns
    city: City

    def kpi(self, name: str, stat: str = "mean") -> float | None:
        entry = self.summary["kpis"].get(name)
        return None if entry is None else entry.get(stat)


def _scenario_of(folder: Path) -> Scenario | City:
    """The scenario a verified results folder was run from."""
    try:
        return load_scenario(folder / SCENARIO)
    except ScenarioError as exc:  # this version wrote it, so it loads; unless the scenario language changed
        raise ResultsError(f"{folder / 'scenario.yaml'}: does not load ({exc.problems[0]})") from None


def _replications(folder: Path, summary: dict[str, Any]) -> Columns:
    """replications.csv, checked against summary.json: a row per replication, a column per KPI."""
    path = folder / REPLICATIONS
    columns = read_csv(path, first="replication", empty_is_nan=True)
    kpis = [name for name in columns if name != "replication"]
    if kpis != list(summary["kpis"]):
        raise ResultsError(f"{path}:1: its KPI columns are not those of summary.json; mixed or damaged results")
    if len(columns["replication"]) != summary["replications"]:
        raise ResultsError(f"{path}: {len(columns['replication'])} rows for {summary['replications']} replications "
                           "in summary.json; mixed or damaged results")  # fmt: skip
    return columns


def load_city_results(folder: Path) -> CityResults:
    """Read a city round's results folder written by `drill run CITY.yaml`."""
    folder = Path(folder)
    verify(folder, ("city",))
    city = _scenario_of(folder)
    if not isinstance(city, City):
        raise ResultsError(f"{folder}: scenario.yaml is not a city round (kind: city)")
    summary = read_summary(folder)
    return CityResults(
        folder=folder,
        summary=summary,
        replications=_replications(folder, summary),
        sites=read_csv(folder / SITES, first="site"),
        hourly=read_csv(folder / HOURLY, first="hour"),
        lab_backlog=read_csv(folder / LAB_BACKLOG, first="minute"),
        city=city,
    )


def load_results(folder: Path) -> Results:
    """Read a verified results folder written by `drill run`; optional files are read where run.json lists them."""
    folder = Path(folder)
    manifest = verify(folder, ("site",))
    scenario = _scenario_of(folder)
    if not isinstance(scenario, Scenario):
        raise ResultsError(f"{folder}: a city round's results; its report is built by build_city_report")
    summary = read_summary(folder)
    variants, trusted = _variants(folder, manifest)
    extra = {
        Path(name).stem: read_csv(folder / name)
        for name in sorted(manifest.files)
        if "/" not in name
        and name.endswith(".csv")
        and name not in CORE_FILES + NOT_TIMELINES
        and (folder / name).stat().st_size
    }
    return Results(
        folder=folder,
        summary=summary,
        replications=_replications(folder, summary),
        timeseries=read_csv(folder / TIMESERIES, first="minute"),
        scenario=scenario,
        variants=variants,
        extra_csv=extra,
        variants_trusted=trusted,
    )


def _variants(folder: Path, manifest: Manifest) -> tuple[dict[str, Any] | None, bool]:
    """variants.json where there is one, and whether it belongs to this run (else the report says it is stale)."""
    path = folder / VARIANTS
    if not path.is_file():
        return None, False
    try:
        document = read_json(path)
    except ResultsError:
        return {}, False  # damaged: shown as "do not match these results"
    return document, manifest.trusts(VARIANTS) and document.get("run_id") == manifest.run_id
