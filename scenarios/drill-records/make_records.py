"""Write the example's SYNTHETIC drill records: truth.yaml's replication 1, as a registration system logs it.

    python scenarios/drill-records/make_records.py

Times are ISO date-times on 2022-04-02 (an invented date), rounded to the second. Six rows are
spoiled on purpose, one of each kind `drill fit` must catch, so the example shows rejected.csv:
a duplicate, a swab before its registration, a swab ending before it starts, a 25-minute swab,
a time on the next day and a row without a station.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from sim import load_scenario, run_replication  # noqa: E402
from sim.drill.synthetic import clock, record_rows, write_records  # noqa: E402

DAY = "2022-04-02"
OUT = HERE / "synthetic-drill-records.csv"


def spoil(rows: list[list[str]]) -> list[list[str]]:
    """Six rows spoiled as real exports are (columns: person, arrived, registered, swab_start, swab_end, station)."""
    rows = [list(r) for r in rows]
    rows.insert(301, list(rows[300]))  # a duplicate: the same person scanned twice
    rows[400][3], rows[400][2] = rows[400][2], rows[400][3]  # swab start and registration swapped
    rows[500][4] = rows[500][2]  # the swab "ends" at registration, before it started
    h, m, s = (int(x) for x in rows[600][3].split(":"))
    rows[600][4] = clock(h * 3600 + m * 60 + s + 25 * 60)  # a 25-minute swab (the end pressed late)
    rows[700][1] = "NEXT:" + rows[700][1]  # a time on the next day (a phone's clock)
    rows[800][5] = ""  # no station
    return rows


def main(out: Path = OUT) -> Path:
    truth = load_scenario(HERE / "truth.yaml")
    rows = spoil(record_rows(run_replication(truth, 1), truth))
    for row in rows:
        for k in (1, 2, 3, 4):
            if row[k].startswith("NEXT:"):
                row[k] = f"2022-04-03 {row[k].removeprefix('NEXT:')}"
            elif row[k]:
                row[k] = f"{DAY} {row[k]}"
    comment = ("SYNTHETIC records, not a real drill: written by make_records.py from truth.yaml "
               "(replication 1, seed 2022), six rows spoiled on purpose")  # fmt: skip
    return write_records(out, rows, comment)


if __name__ == "__main__":
    print(main())
