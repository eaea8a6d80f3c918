"""Results folders, between the experiment and the report: the files of a run, written as one unit.

`files.py` holds the one list of file names and the one atomic writer; `folder.py` the protocol
(lock, staged files, run.json as the commit point, verification by every reader); `site.py` and
`city.py` the files of a site run and of a city round; `sweep.py` and `search.py` those of a sweep (with its
resumable store of finished runs) and of a search.
"""

from .city import write_city_results
from .files import (
    KIND_FILES,
    MANIFEST,
    ResultsError,
    atomic_write,
    csv_text,
    read_csv,
    read_json,
    scenario_yaml,
    version,
)
from .folder import Manifest, ResultsFolder, folder_lock, seal, verify
from .search import write_search
from .site import read_summary, write_results, write_variants
from .sweep import RunStore, write_sweep

__all__ = [
    "KIND_FILES", "MANIFEST", "Manifest", "ResultsError", "ResultsFolder", "atomic_write", "csv_text", "folder_lock",
    "read_csv", "read_json", "read_summary", "RunStore", "scenario_yaml", "seal", "verify", "version",
    "write_city_results", "write_results", "write_search", "write_sweep", "write_variants",
]  # fmt: skip
