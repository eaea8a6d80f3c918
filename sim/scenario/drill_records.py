"""A drill's own records: one row per person, read with located errors and rejected rows.

Default columns ``person, arrived, registered, swab_start, swab_end, station, tube, group``
(``tube`` and ``group`` optional); ``--map COLUMN=FIELD`` reads another system's export. Times are
``HH:MM:SS`` on the drill day or ISO date-times (``2022-04-02T08:01:13``, also with a space or
slashes). A file that cannot be read, or lacks a column, is refused (``FILE:ROW: column: what is
wrong``); a row that is readable but wrong is left out with its reason, counted by problem, and
written to rejected.csv: nothing is dropped silently.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from ..errors import Problem, ScenarioError

FIELDS = ("person", "arrived", "registered", "swab_start", "swab_end", "station", "tube", "group")
REQUIRED = FIELDS[:6]
TIMES = ("arrived", "registered", "swab_start", "swab_end")
SWAB_TIMES = ("registered", "swab_start", "swab_end")

# beyond these a duration is a recording error, not a slow person (seconds)
MAX_SWAB_S = 10 * 60
MAX_REGISTRATION_S = 30 * 60
MAX_WAIT_S = 12 * 3600

PROBLEMS = {
    "malformed": "the row does not have the header's number of fields",
    "missing_value": "a required value is empty",
    "unreadable_time": "a time that is neither HH:MM:SS nor an ISO date-time",
    "incomplete_swab": "some but not all of registered, swab_start, swab_end",
    "outside_day": "a time on another day than the drill's",
    "registered_before_arrival": "registration starts before the person arrived",
    "swab_before_registration": "the swab starts before registration",
    "negative_duration": "the swab ends before it starts",
    "absurd_duration": f"a swab over {MAX_SWAB_S // 60} min, a registration over {MAX_REGISTRATION_S // 60} min "
    f"or a wait over {MAX_WAIT_S // 3600} h",
    "unknown_group": "a group that the scenario's population does not have",
    "duplicate": "the same person again; the first row is kept",
    "overlap": "a swab that starts before the previous swab at the same station ended",
}

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?$")


class RecordsError(ScenarioError):
    """Records that cannot be read at all (reported like a scenario error: located, exit 2)."""


@dataclass(frozen=True)
class Rejected:
    """A row left out: its line in the file, the problem, the column and the reason."""

    row: int
    problem: str
    column: str
    reason: str
    values: list[str]

    def located(self, source: str) -> str:
        return f"{source}:{self.row}: {self.column}: {self.reason}"


@dataclass(frozen=True)
class DrillRecords:
    """The usable rows of a drill's records as columns (times in seconds since midnight of the drill day)."""

    source: str
    header: list[str]
    line: np.ndarray  # each row's line in the file
    person: list[str]
    arrival: np.ndarray
    registered: np.ndarray  # NaN: not swabbed (for these three)
    swab_start: np.ndarray
    swab_end: np.ndarray
    station: np.ndarray  # index into stations
    stations: tuple[str, ...]
    tube: np.ndarray | None  # index into the tube labels, -1: none; None: no tube column
    group: np.ndarray | None  # index into groups; None: no group column
    groups: tuple[str, ...]
    day: date | None  # the drill's date, when the times carry one
    read: int  # rows read (blank lines are not rows)
    rejected: list[Rejected] = field(default_factory=list)
    whole_seconds: bool = True  # every time is a whole second (then durations are rounded to 1 s)
    values: list[list[str]] = field(default_factory=list, repr=False)  # each row as read (for rejected.csv)

    @property
    def n(self) -> int:
        return len(self.arrival)

    @property
    def swabbed(self) -> np.ndarray:
        return ~np.isnan(self.swab_end)

    def problems(self) -> dict[str, int]:
        """Rejected rows by problem, in the order of PROBLEMS."""
        counts = Counter(r.problem for r in self.rejected)
        return {name: counts[name] for name in PROBLEMS if counts[name]}

    def only(self, keep: np.ndarray) -> DrillRecords:
        """The same records restricted to some rows (e.g. one station)."""

        def cut(x: np.ndarray | None) -> np.ndarray | None:
            return None if x is None else x[keep]

        idx = np.flatnonzero(keep)
        return DrillRecords(
            self.source, self.header, self.line[keep], [self.person[i] for i in idx], self.arrival[keep],
            self.registered[keep], self.swab_start[keep], self.swab_end[keep], self.station[keep], self.stations,
            cut(self.tube), cut(self.group), self.groups, self.day, int(keep.sum()), [], self.whole_seconds,
            [self.values[i] for i in idx] if self.values else [],
        )  # fmt: skip


def parse_map(items: Sequence[str]) -> dict[str, str]:
    """``--map COLUMN=FIELD`` options → {column in the file: field}; a bad one is a located error."""
    out: dict[str, str] = {}
    problems = []
    for item in items:
        column, sep, name = item.partition("=")
        column, name = column.strip(), name.strip()
        if not sep or not column or not name:
            problems.append(Problem("--map", None, item, "expected COLUMN=FIELD, e.g. 扫码时间=arrived"))
        elif name not in FIELDS:
            problems.append(
                Problem("--map", None, item, f"{name!r} is not a records field; fields: {', '.join(FIELDS)}")
            )
        else:
            out[column] = name
    if problems:
        raise RecordsError(problems)
    return out


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RecordsError(
            [Problem(str(path), None, "(file)", f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    for encoding in ("utf-8-sig", "gb18030"):  # spreadsheet exports in China are often GB18030
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RecordsError([Problem(str(path), None, "(file)", "not a text file (neither UTF-8 nor GB18030)")])


def parse_time(text: str) -> tuple[float, date | None]:
    """'08:01:13' → (seconds since midnight, None); '2022-04-02T08:01:13' → (seconds, the date)."""
    text = text.strip()
    match = _CLOCK.match(text)
    if match:
        h, m, s, frac = match.groups()
        day = None
    else:
        iso = _ISO.match(text)
        if not iso:
            raise ValueError(f"{text!r} is not a time (HH:MM:SS, or an ISO date-time such as 2022-04-02T08:01:13)")
        y, mo, d, h, m, s, frac = iso.groups()
        try:
            day = date(int(y), int(mo), int(d))
        except ValueError:
            raise ValueError(f"{text!r} has no such date") from None
        if int(h) > 23:
            raise ValueError(f"{text!r} has no such hour")
    if int(m) > 59 or int(s or 0) > 59 or int(h) > 47:
        raise ValueError(f"{text!r} is not a valid time")
    return int(h) * 3600 + int(m) * 60 + int(s or 0) + float(frac or 0), day


def _delimiter(header_line: str) -> str:
    return max((",", "\t", ";"), key=header_line.count)


def _lines(text: str) -> tuple[int, str]:
    """Skip comment lines (#) before the header; returns the number of lines skipped and the rest."""
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and (lines[skip].lstrip().startswith("#") or not lines[skip].strip()):
        skip += 1
    return skip, "".join(lines[skip:])


def _columns(header: list[str], mapping: dict[str, str], source: str, first_line: int) -> dict[str, int]:
    """Field → column position, after --map; missing required columns are a located error."""
    unknown = [c for c in mapping if c not in header]
    renamed = [mapping.get(c, c) for c in header]
    problems = [Problem(source, first_line, column, f"--map names a column the file does not have; columns: "
                        f"{', '.join(header)}") for column in unknown]  # fmt: skip
    where: dict[str, int] = {}
    for k, name in enumerate(renamed):
        if name in FIELDS:
            if name in where:
                problems.append(Problem(source, first_line, name, "two columns give this field"))
            where[name] = k
    for name in REQUIRED:
        if name not in where:
            hint = f" (another name? --map COLUMN={name})"
            problems.append(Problem(source, first_line, name, f"required column is missing; columns: "
                                    f"{', '.join(header) or '(none)'}{hint}"))  # fmt: skip
    if problems:
        raise RecordsError(problems)
    return where


@dataclass
class _Row:
    line: int
    values: list[str]
    person: str
    times: dict[str, float]
    days: dict[str, date | None]
    station: str
    tube: str
    group: str


def read_records(path: str | Path, mapping: dict[str, str] | None = None, groups: Sequence[str] | None = None
                 ) -> DrillRecords:  # fmt: skip
    """Read a drill's records; `groups`: the scenario's population names (others are rejected)."""
    path = Path(path)
    source = str(path)
    skipped, body = _lines(_text(path))
    if not body.strip():
        raise RecordsError(
            [Problem(source, skipped + 1 if skipped else None, "(file)", "no header row: the file is empty")]
        )
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=_delimiter(body.splitlines()[0]))
    header = [h.strip() for h in next(reader)]
    where = _columns(header, mapping or {}, source, skipped + 1)
    rows: list[_Row] = []
    rejected: list[Rejected] = []
    read = 0
    for values in reader:
        line = skipped + reader.line_num
        if not any(v.strip() for v in values):
            continue  # a blank line is not a row
        read += 1
        row, problem = _parse_row(values, line, header, where)
        if row is not None:
            rows.append(row)
        elif problem is not None:
            rejected.append(problem)
    day = _drill_day(rows)
    kept = []
    for row in rows:
        problem = _check(row, day, groups)
        if problem is not None:
            rejected.append(problem)
        else:
            kept.append(row)
    kept, more = _duplicates(kept)
    rejected += more
    records = _assemble(source, header, kept, day, read, rejected, groups)
    if records.n == 0:
        first = [Problem(source, r.row, r.column, r.reason) for r in rejected[:5]]
        raise RecordsError(first or [Problem(source, None, "(file)", "no rows after the header")])
    return _without_overlaps(records)


def _parse_row(values: list[str], line: int, header: list[str], where: dict[str, int]
               ) -> tuple[_Row | None, Rejected | None]:  # fmt: skip
    def reject(problem: str, column: str, reason: str) -> tuple[None, Rejected]:
        return None, Rejected(line, problem, column, reason, values)

    if len(values) != len(header):
        return reject("malformed", "(row)", f"{len(values)} fields, the header has {len(header)}")
    get = {name: values[k].strip() for name, k in where.items()}
    for name in ("person", "arrived", "station"):
        if not get[name]:
            return reject("missing_value", name, "empty")
    given = [name for name in SWAB_TIMES if get[name]]
    if given and len(given) < len(SWAB_TIMES):
        missing = [name for name in SWAB_TIMES if not get[name]][0]
        return reject("incomplete_swab", missing, f"empty while {given[0]} is given")
    times, days = {}, {}
    for name in TIMES:
        if get[name]:
            try:
                times[name], days[name] = parse_time(get[name])
            except ValueError as exc:
                return reject("unreadable_time", name, str(exc))
        else:
            times[name], days[name] = np.nan, None
    return _Row(line, values, get["person"], times, days, get["station"], get.get("tube", ""),
                get.get("group", "")), None  # fmt: skip


def _drill_day(rows: list[_Row]) -> date | None:
    """The date most arrivals carry (None when the times have no dates)."""
    days = Counter(r.days["arrived"] for r in rows if r.days["arrived"] is not None)
    return days.most_common(1)[0][0] if days else None


def _fmt_s(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _check(row: _Row, day: date | None, groups: Sequence[str] | None) -> Rejected | None:
    """The first problem of a readable row (or None), after placing its times on the drill day."""

    def reject(problem: str, column: str, reason: str) -> Rejected:
        return Rejected(row.line, problem, column, reason, row.values)

    for name in TIMES:
        other = row.days[name]
        if other is not None and day is not None and other != day:
            return reject("outside_day", name, f"on {other.isoformat()}, not the drill day {day.isoformat()}")
    t = row.times
    if t["registered"] < t["arrived"]:
        return reject(
            "registered_before_arrival", "registered", f"{_fmt_s(t['arrived'] - t['registered'])} before arrived"
        )
    if t["swab_start"] < t["registered"]:
        return reject("swab_before_registration", "swab_start",
                      f"{_fmt_s(t['registered'] - t['swab_start'])} before registered")  # fmt: skip
    if t["swab_end"] < t["swab_start"]:
        return reject("negative_duration", "swab_end", f"{_fmt_s(t['swab_start'] - t['swab_end'])} before swab_start")
    for column, start, end, limit, what in (
        ("swab_end", "swab_start", "swab_end", MAX_SWAB_S, "swab"),
        ("swab_start", "registered", "swab_start", MAX_REGISTRATION_S, "registration"),
        ("registered", "arrived", "registered", MAX_WAIT_S, "wait"),
    ):
        if t[end] - t[start] > limit:
            return reject("absurd_duration", column, f"a {what} of {_fmt_s(t[end] - t[start])}")
    if groups is not None and row.group and row.group not in groups:
        return reject("unknown_group", "group", f"{row.group!r} is not in the population ({', '.join(groups)})")
    return None


def _duplicates(rows: list[_Row]) -> tuple[list[_Row], list[Rejected]]:
    first: dict[str, int] = {}
    kept, rejected = [], []
    for row in rows:
        if row.person in first:
            rejected.append(Rejected(row.line, "duplicate", "person", f"{row.person!r} is already on row "
                                     f"{first[row.person]}", row.values))  # fmt: skip
        else:
            first[row.person] = row.line
            kept.append(row)
    return kept, rejected


def _labels(values: list[str]) -> tuple[str, ...]:
    """Distinct labels, in numeric order when they are all numbers."""
    distinct = set(values)
    try:
        return tuple(sorted(distinct, key=float))
    except ValueError:
        return tuple(sorted(distinct))


def _assemble(source: str, header: list[str], rows: list[_Row], day: date | None, read: int,
              rejected: list[Rejected], groups: Sequence[str] | None) -> DrillRecords:  # fmt: skip
    stations = _labels([r.station for r in rows])
    index = {s: k for k, s in enumerate(stations)}
    has_tube = "tube" in header or any(r.tube for r in rows)
    tube = None
    if has_tube:
        tubes = {label: k for k, label in enumerate(dict.fromkeys(r.tube for r in rows if r.tube))}
        tube = np.array([tubes.get(r.tube, -1) for r in rows], dtype=np.int64)
    has_group = any(r.group for r in rows)
    group_names = tuple(groups) if groups is not None else _labels([r.group for r in rows if r.group])
    group = None
    if has_group:
        lookup = {g: k for k, g in enumerate(group_names)}
        group = np.array([lookup.get(r.group, -1) for r in rows], dtype=np.int64)

    def column(name: str) -> np.ndarray:
        return np.array([r.times[name] for r in rows], dtype=float)

    times = {name: column(name) for name in TIMES}
    finite = np.concatenate([v[~np.isnan(v)] for v in times.values()]) if rows else np.zeros(0)
    return DrillRecords(
        source=source, header=header, line=np.array([r.line for r in rows], dtype=np.int64),
        person=[r.person for r in rows], arrival=times["arrived"], registered=times["registered"],
        swab_start=times["swab_start"], swab_end=times["swab_end"],
        station=np.array([index[r.station] for r in rows], dtype=np.int32), stations=stations, tube=tube,
        group=group, groups=group_names, day=day, read=read, rejected=rejected,
        whole_seconds=bool(np.all(finite == np.round(finite))), values=[r.values for r in rows],
    )  # fmt: skip


def _without_overlaps(records: DrillRecords) -> DrillRecords:
    """Leave out swabs that start before the previous swab at their station ended (one sampler per station)."""
    bad = np.zeros(records.n, dtype=bool)
    done = records.swabbed
    for s in range(len(records.stations)):
        rows = np.flatnonzero((records.station == s) & done)
        rows = rows[np.argsort(records.swab_start[rows], kind="stable")]
        last_end = -np.inf
        for r in rows.tolist():
            if records.swab_start[r] < last_end:
                bad[r] = True
            else:
                last_end = records.swab_end[r]
    if not bad.any():
        return records
    more = [
        Rejected(
            int(records.line[r]),
            "overlap",
            "swab_start",
            f"station {records.stations[records.station[r]]} was still swabbing the person before",
            records.values[r],
        )  # fmt: skip
        for r in np.flatnonzero(bad).tolist()
    ]
    kept = records.only(~bad)
    return DrillRecords(**{**kept.__dict__, "read": records.read, "rejected": records.rejected + more})


def trace_of(records: DrillRecords) -> dict[str, list[str]]:
    """The records' arrivals (and groups) as `arrivals.trace` data: clock times to the second."""
    out: dict[str, list[str]] = {"times": [_clock(t) for t in records.arrival.tolist()]}
    if records.group is not None and np.all(records.group >= 0):
        out["groups"] = [records.groups[g] for g in records.group.tolist()]
    return out


def _clock(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
