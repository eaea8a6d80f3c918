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

CORE_FILES = ("summary.json", "replications.csv", "timeseries.csv", "scenario.yaml")
VARIANTS_FILE = "variants.json"
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


def load_results(folder: Path) -> Results:
    """Read a results folder written by `drill run`; optional files are read where present."""
    folder = Path(folder)
    missing = [name for name in CORE_FILES if not (folder / name).is_file()]
    if missing:
        raise ResultsError(f"{folder}: not a results folder (missing {', '.join(missing)}); run `drill run` first")
    variants = None
    if (folder / VARIANTS_FILE).is_file():
        variants = json.loads((folder / VARIANTS_FILE).read_text(encoding="utf-8"))
    extra = {
        path.stem: read_csv(path)
        for path in sorted(folder.glob("*.csv"))
        if path.name not in CORE_FILES and path.stat().st_size > 0
    }
    return Results(
        folder=folder,
        summary=read_summary(folder),
        replications=read_csv(folder / "replications.csv"),
        timeseries=read_csv(folder / "timeseries.csv"),
        scenario=load_scenario(folder / "scenario.yaml"),
        variants=variants,
        extra_csv=extra,
    )
