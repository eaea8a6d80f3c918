"""A search's files: search.csv (one row per candidate × target) and search.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..experiment.search import SearchResult, search_json
from .files import SEARCH_SUMMARY, SEARCH_TABLE, csv_text, version
from .folder import ResultsFolder
from .sweep import cell


def write_search(result: SearchResult, out: Any) -> dict[str, Path]:
    """Write search.csv and search.json into `out` (a path or a ResultsFolder being written)."""
    if not isinstance(out, ResultsFolder):
        with ResultsFolder(out, "search") as folder:
            return write_search(result, folder)
    header, rows = result.rows()
    document = search_json(result) | {"version": version(), "run_id": out.run_id}
    paths = {
        "table": out.write(SEARCH_TABLE, csv_text(header, [[cell(x) for x in row] for row in rows]), "utf-8-sig"),
        "summary": out.write(SEARCH_SUMMARY, json.dumps(document, indent=2, ensure_ascii=False) + "\n"),
    }
    out.saveable = True
    return paths
