"""Event logs for the replay's tests and benchmark: the real writer of `drill run --events`, and a small
helper that writes a hand-built log (events.csv + events.json) for days whose counts are worked out by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sim import load_scenario
from sim.drill.events import EVENT_TYPES as EVENT_TYPE
from sim.drill.files import write_replication_events
from sim.results import scenario_yaml
from sim.scenario import Scenario

COLUMNS = ["entity_id", "event", "event_type", "time", "resource_id", "pathway"]
__all__ = ["COLUMNS", "EVENT_TYPE", "write_events", "write_log"]


def write_log(folder: Path, rows: list[list[str]], replication: int, open_clock: str, seed: int | None) -> None:
    """A hand-built events.csv (UTF-8 with BOM) and events.json, as the contract names them."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    (folder / "events.csv").write_text(buffer.getvalue(), encoding="utf-8-sig")
    meta = {"replication": replication, "rows": len(rows), "open": open_clock, "seed": seed, "columns": COLUMNS}
    (folder / "events.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def write_events(scenario: Scenario | Path, folder: Path, replication: int = 1) -> Path:
    """Replication `replication`'s event log (and scenario.yaml) in `folder`, by the writer of `drill run --events`."""
    if not isinstance(scenario, Scenario):
        loaded = load_scenario(scenario)
        assert isinstance(loaded, Scenario)
        scenario = loaded
    write_replication_events(scenario, replication, scenario.seed, folder)
    if not (folder / "scenario.yaml").exists():
        (folder / "scenario.yaml").write_text(scenario_yaml(scenario), encoding="utf-8")
    return folder / "events.csv"
