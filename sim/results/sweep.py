"""A sweep's files: the resumable store of finished runs (runs/<variant>/<replication>.json) and the tables."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..experiment.sweep import SweepResult, Variant, summary_json
from .files import REPLICATIONS, SCENARIO, SUMMARY, SWEEP_SUMMARY, atomic_write, csv_text, scenario_yaml, version
from .folder import ResultsFolder


class RunStore:
    """One JSON file per finished run: `<folder>/<variant key>/<replication>.json`."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, v: Variant, replication: int) -> Path:
        return self.folder / v.key / f"{replication}.json"

    def load(self, v: Variant, replication: int, seed: int) -> dict[str, float] | None:
        """The saved KPIs of a run, or None if missing, unreadable, or made from another scenario or seed."""
        try:
            saved = json.loads(self.path(v, replication).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(saved, dict) or saved.get("fingerprint") != v.fingerprint or saved.get("seed") != seed:
            return None
        kpis = saved.get("kpis")
        return {k: math.nan if x is None else float(x) for k, x in kpis.items()} if isinstance(kpis, dict) else None

    def save(self, v: Variant, replication: int, seed: int, kpis: dict[str, float]) -> None:
        record = {
            "variant": dict(v.changes), "replication": replication, "seed": seed,
            "fingerprint": v.fingerprint, "kpis": {k: None if math.isnan(x) else x for k, x in kpis.items()},
        }  # fmt: skip
        atomic_write(self.path(v, replication), json.dumps(record, ensure_ascii=False) + "\n")


def cell(value: Any) -> str:
    """A value as written to a CSV cell: empty for none, exact numbers, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write_sweep(result: SweepResult, out: Any) -> dict[str, Path]:
    """Write replications.csv (tidy), summary.csv (per variant × KPI), summary.json and scenario.yaml.

    `out`: a folder path, or a results.ResultsFolder being written (the CLI holds one for the whole
    sweep, so the tables and the figures are committed together and runs/ stays beside them).
    """
    if not isinstance(out, ResultsFolder):
        with ResultsFolder(out, "sweep") as folder:
            return write_sweep(result, folder)
    paths = {}
    for key, name in (("replications", REPLICATIONS), ("summary", SWEEP_SUMMARY)):
        header, body = result.rows() if key == "replications" else result.summary_rows()
        text = csv_text(header, [[cell(x) for x in row] for row in body])
        paths[key] = out.write(name, text, encoding="utf-8-sig")
    summary = summary_json(result) | {"version": version(), "run_id": out.run_id}
    paths["summary_json"] = out.write(SUMMARY, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    resolved = scenario_yaml(result.scenario, seed=result.seed, replications=result.replications)
    paths["scenario"] = out.write(SCENARIO, resolved)
    out.saveable = True
    return paths
