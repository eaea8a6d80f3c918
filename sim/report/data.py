"""What the report reads: the files of one results folder. Nothing here runs the model."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DrillError
from ..results import read_csv, read_summary
from ..scenario import Scenario, load_scenario
from ..scenario.city import City

CORE_FILES = ("summary.json", "replications.csv", "timeseries.csv", "scenario.yaml")
CITY_FILES = ("summary.json", "replications.csv", "sites.csv", "hourly.csv", "lab_backlog.csv", "scenario.yaml")
VARIANTS_FILE = "variants.json"
NOT_TIMELINES = ("events.csv", "rejected.csv")  # the event log (large) and rejected drill records: not read here
Columns = dict[str, Any]


class ResultsError(DrillError):
    """A results folder the report cannot read."""


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
    """'city' for a city round's results folder, else 'site' (summary.json says which)."""
    path = Path(folder) / "summary.json"
    if not path.is_file():
        return "site"
    return "city" if json.loads(path.read_text(encoding="utf-8")).get("kind") == "city" else "site"


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


def _scenario_of(folder: Path, files: tuple[str, ...], what: str) -> Scenario | City:
    """The scenario a results folder was run from, once every file it must hold is there."""
    missing = [name for name in files if not (folder / name).is_file()]
    if missing:
        raise ResultsError(f"{folder}: not {what} (missing {', '.join(missing)}); run `drill run` first")
    return load_scenario(folder / "scenario.yaml")


def load_city_results(folder: Path) -> CityResults:
    """Read a city round's results folder written by `drill run CITY.yaml`."""
    folder = Path(folder)
    city = _scenario_of(folder, CITY_FILES, "a city results folder")
    if not isinstance(city, City):
        raise ResultsError(f"{folder}: scenario.yaml is not a city round (kind: city)")
    return CityResults(
        folder=folder,
        summary=read_summary(folder),
        replications=read_csv(folder / "replications.csv", empty_is_nan=True),
        sites=read_csv(folder / "sites.csv"),
        hourly=read_csv(folder / "hourly.csv"),
        lab_backlog=read_csv(folder / "lab_backlog.csv"),
        city=city,
    )


def load_results(folder: Path) -> Results:
    """Read a results folder written by `drill run`; optional files are read where present."""
    folder = Path(folder)
    scenario = _scenario_of(folder, CORE_FILES, "a results folder")
    if not isinstance(scenario, Scenario):
        raise ResultsError(f"{folder}: a city round's results; its report is built by build_city_report")
    variants = None
    if (folder / VARIANTS_FILE).is_file():
        variants = json.loads((folder / VARIANTS_FILE).read_text(encoding="utf-8"))
    extra = {
        path.stem: read_csv(path)
        for path in sorted(folder.glob("*.csv"))
        if path.name not in CORE_FILES + NOT_TIMELINES and path.stat().st_size > 0
    }
    return Results(
        folder=folder,
        summary=read_summary(folder),
        replications=read_csv(folder / "replications.csv", empty_is_nan=True),
        timeseries=read_csv(folder / "timeseries.csv"),
        scenario=scenario,
        variants=variants,
        extra_csv=extra,
    )
