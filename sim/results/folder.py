"""A results folder as one unit: one writer at a time, a manifest as the commit point, readers that check it.

Protocol (scenarios/README.md, "Results folders"):

- **Lock.** A writer holds ``DIR/.drill.lock`` (flock: the kernel drops it if the process dies, so
  a killed run never leaves a stale lock). A second writer is refused at once with the first one's
  pid and command. Taking the lock creates the folder, which is also the check that it can be written:
  it happens before any replication runs.
- **Stage, then commit.** Every file of a run is first written under a hidden temporary name in the
  folder. `commit` removes the old ``run.json`` (from then on readers refuse the folder as incomplete),
  renames the staged files into place, deletes the files the previous run listed that this one does not
  write, and writes the new ``run.json`` last: run id, kind, version and the sha256 of every file.
  A crash before the commit leaves the previous results as they were; a crash inside it (a few
  renames) leaves a folder without ``run.json``, which every reader refuses: never a mix of two runs.
- **Additions** (``variants.json``, the report) are committed the same way into a finished folder and
  recorded in its manifest under the same run id; ``variants.json`` also carries the run id.
- **Readers** (`verify`) check ``run.json``, the version, the hash of every file of the run and that
  ``summary.json`` carries the manifest's run id, and say why a folder cannot be trusted.

Why a manifest rather than a staging folder renamed into place: the sweep and search folders of a
scenario live inside its results folder (``results/<stem>/sweep/``), so replacing the directory would
move or delete a sweep's resumable store, racing a sweep that is still running; a manifest needs no
directory moves, and leaves the user's own files in the folder alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .files import ALL_NAMES, KIND_FILES, MANIFEST, OPTIONAL_FILES, SUMMARY, ResultsError, atomic_write, version

FORMAT = 1  # the layout of run.json and of the folder; a reader refuses other formats
LOCK = ".drill.lock"
_STAGED = re.compile(r"^\.(?P<name>.+)\.(?P<run>[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8})(-old)?\.tmp$")


def new_run_id() -> str:
    """'20261129T051224Z-1a2b3c4d': when the run started, and 8 random hex digits."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


# --- the lock ------------------------------------------------------------------------------------

_held: dict[Path, list[int]] = {}  # lock file → [fd, depth]: reentrant within this process


@contextmanager
def folder_lock(folder: Path, option: str = "--out") -> Iterator[None]:
    """Hold the folder's write lock (creating the folder); ResultsError if it cannot be written or is busy."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ResultsError(f"{option} {folder}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ResultsError(f"{option} {folder}: cannot create the folder ({_reason(exc)})") from None
    path = (folder / LOCK).resolve()
    if path in _held:
        _held[path][1] += 1
        try:
            yield
        finally:
            _held[path][1] -= 1
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ResultsError(f"{option} {folder}: cannot write in the folder ({_reason(exc)})") from None
    try:
        if not _try_lock(fd):
            holder = os.pread(fd, 500, 0).decode("utf-8", "replace").strip() or "another process"
            raise ResultsError(f"{option} {folder}: another drill command is writing this folder ({holder}); "
                               "wait for it to finish, or choose another folder")  # fmt: skip
        os.ftruncate(fd, 0)
        since = datetime.now().strftime("%H:%M:%S")
        command = " ".join(["drill", *sys.argv[1:]])[:300] if sys.argv[1:] else "this library"
        os.pwrite(fd, f"pid {os.getpid()} since {since}: {command}\n".encode(), 0)
        _held[path] = [fd, 1]
        try:
            yield
        finally:
            del _held[path]
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing drops the lock


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


# --- the manifest --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    """run.json of a folder: which run wrote it, and the hash of every file that belongs to it."""

    folder: Path
    run_id: str
    kind: str
    version: str
    created: str
    files: dict[str, str]  # relative path → "sha256:<hex>"

    def trusts(self, name: str) -> bool:
        """The file is listed and unchanged since it was committed."""
        expected = self.files.get(name)
        path = self.folder / name
        return expected is not None and path.is_file() and _hash(path) == expected

    def document(self) -> dict[str, Any]:
        return {"format": FORMAT, "run_id": self.run_id, "kind": self.kind, "version": self.version,
                "created": self.created, "files": dict(sorted(self.files.items()))}  # fmt: skip


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return f"sha256:{digest.hexdigest()}"


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's run.json, None where there is none; ResultsError where it is damaged."""
    from .files import read_json

    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    data = read_json(path, ("format", "run_id", "kind", "version", "files"))
    if data["format"] != FORMAT:
        raise ResultsError(f"{path}: results format {data['format']!r}; this drill-sim reads format {FORMAT}: "
                           "run the scenario again")  # fmt: skip
    files = data["files"]
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise ResultsError(f"{path}: 'files' is not a mapping of names to hashes; the file is damaged")
    return Manifest(Path(folder), str(data["run_id"]), str(data["kind"]), str(data["version"]),
                    str(data.get("created", "")), dict(files))  # fmt: skip


def verify(folder: Path, kinds: tuple[str, ...] = ("site", "city")) -> Manifest:
    """The manifest of a complete, unchanged results folder of one of `kinds`; ResultsError saying why not."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such folder")
    manifest = read_manifest(folder)
    if manifest is None:
        if any((folder / name).exists() for name in (SUMMARY, *KIND_FILES["site"])):
            raise ResultsError(f"{folder}: incomplete results (no {MANIFEST}): the run that wrote it did not finish, "
                               "or an older drill-sim wrote it; run the scenario again")  # fmt: skip
        raise ResultsError(f"{folder}: not a results folder (no {MANIFEST}); run `drill run` first")
    if manifest.version != version():
        raise ResultsError(f"{folder}: written by drill-sim {manifest.version}, this is {version()}: run the scenario "
                           f"again with this version (drill run {folder / 'scenario.yaml'} --out {folder})")  # fmt: skip
    if manifest.kind not in kinds:
        raise ResultsError(f"{folder}: a {manifest.kind} folder; expected the results of "
                           f"{' or '.join(kinds)} (drill run)")  # fmt: skip
    for name in KIND_FILES.get(manifest.kind, ()):
        if name not in manifest.files:
            raise ResultsError(f"{folder / MANIFEST}: does not list {name}; the file is damaged")
        if not (folder / name).is_file():
            raise ResultsError(f"{folder / name}: missing (run {manifest.run_id} wrote it); run the scenario again")
        if not manifest.trusts(name):
            raise ResultsError(f"{folder / name}: changed since run {manifest.run_id} wrote it (its content is not "
                               f"the one {MANIFEST} records): mixed or edited results; run the scenario again")  # fmt: skip
    if SUMMARY in manifest.files:
        from .files import read_json

        written_by = read_json(folder / SUMMARY).get("run_id")
        if written_by != manifest.run_id:
            raise ResultsError(f"{folder / SUMMARY}: from run {written_by}, but {MANIFEST} is run {manifest.run_id}: "
                               "mixed results; run the scenario again")  # fmt: skip
    return manifest


def seal(folder: Path, kind: str | None = None) -> Manifest:
    """Trust a folder's files as they are now: write run.json for them (for results edited on purpose, in tests).

    Keeps summary.json's run id (or the old manifest's); `kind` defaults to the old manifest's, else 'site'.
    """
    folder = Path(folder)
    old = read_manifest(folder)
    summary = folder / SUMMARY
    run_id = old.run_id if old is not None else new_run_id()
    if summary.is_file():
        run_id = str(json.loads(summary.read_text(encoding="utf-8")).get("run_id") or run_id)
    kind = kind or (old.kind if old is not None else "site")
    files = {name: _hash(folder / name) for name in _present(folder, kind)}
    manifest = Manifest(folder, run_id, kind, version(), datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        files)  # fmt: skip
    atomic_write(folder / MANIFEST, json.dumps(manifest.document(), indent=2) + "\n")
    return manifest


def _present(folder: Path, kind: str) -> list[str]:
    """Relative paths of the folder's files that belong to a run of `kind` (figures/ included, runs/ not)."""
    out = []
    for name in (*KIND_FILES.get(kind, ()), *OPTIONAL_FILES.get(kind, ())):
        path = folder / name
        if path.is_file():
            out.append(name)
        elif path.is_dir() and name != "runs":
            out += [str(p.relative_to(folder)) for p in sorted(path.rglob("*")) if p.is_file()]
    return out


# --- writing ---------------------------------------------------------------------------------------


class ResultsFolder:
    """A results folder being written: `with ResultsFolder(out, "site") as folder: folder.write(...)`.

    The block commits on success, and also on an exception once `saveable` is set (a consistent set is
    staged, e.g. the tables of a sweep interrupted while drawing its figures); otherwise the staged files
    are dropped and the folder keeps its previous results.
    """

    def __init__(self, out: Path, kind: str, *, option: str = "--out", base: Manifest | None = None):
        self.folder = Path(out)
        self.kind = kind
        self.option = option
        self.base = base  # adding to this finished run (update), or None for a new run
        self.run_id = base.run_id if base is not None else new_run_id()
        self.saveable = False
        self.state = "staging"  # then "committing" (run.json removed), "committed" or "abandoned"
        self._staged: dict[str, Path] = {}  # name → temporary path
        self._removed: set[str] = set()  # names to delete at commit (a report.pdf not written this time)
        self._included: set[str] = set()  # files another writer put in place during this run (include)
        self._lock: Any = None

    @classmethod
    def update(cls, out: Path, kinds: tuple[str, ...] = ("site", "city")) -> ResultsFolder:
        """Add files (variants.json, the report) to a finished, verified folder, keeping its run id."""
        manifest = verify(out, kinds)
        return cls(out, manifest.kind, base=manifest)

    def __enter__(self) -> ResultsFolder:
        self._lock = folder_lock(self.folder, self.option)
        self._lock.__enter__()
        try:
            if self.base is not None:
                self.base = verify(self.folder, (self.kind,))  # again, now that no one else can write
            else:
                self._same_kind()
            self._clean_staged()
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        try:
            if exc is None or self.saveable:
                self.commit()
            else:
                self.abandon()
        finally:
            self._lock.__exit__(None, None, None)

    def _same_kind(self) -> None:
        """A new run replaces a run of its own kind only: a sweep never overwrites a site's results."""
        try:
            old = read_manifest(self.folder)
        except ResultsError:
            return  # a damaged run.json: the new run replaces it
        if old is not None and old.kind != self.kind:
            raise ResultsError(f"{self.option} {self.folder}: holds the results of a {old.kind} run (run.json); "
                               f"a {self.kind} run writes its own folder: choose another {self.option}")  # fmt: skip

    def _clean_staged(self) -> None:
        """Drop temporary files a killed writer left (none can be in use: we hold the lock)."""
        for path in [self.folder, *(p for p in self.folder.iterdir() if p.is_dir() and p.name in ALL_NAMES)]:
            for entry in path.iterdir():
                if _STAGED.match(entry.name):
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink(missing_ok=True)

    # staging

    def path(self, name: str) -> Path:
        """Where `name` ends up (for messages)."""
        return self.folder / name

    def file(self, name: str) -> Path:
        """A temporary path to write `name` to (any writer: PDF, figures); committed into place."""
        if name in self._staged:
            return self._staged[name]
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.{self.run_id}.tmp")
        self._staged[name] = temp
        return temp

    def directory(self, name: str) -> Path:
        """A temporary folder to fill (e.g. figures/); committed in place of `name`, replacing it whole."""
        temp = self.file(name)
        temp.mkdir(parents=True, exist_ok=True)
        return temp

    def write(self, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        """Stage a file's content; returns where it will be."""
        temp = self.file(name)
        if isinstance(content, bytes):
            temp.write_bytes(content)
        else:
            with open(temp, "w", encoding=encoding, newline="") as handle:
                handle.write(content)
        os.chmod(temp, 0o644)
        return self.folder / name

    def discard(self, name: str) -> None:
        """Unstage `name` (e.g. a PDF that could not be written)."""
        temp = self._staged.pop(name, None)
        if temp is not None and temp.exists():
            shutil.rmtree(temp) if temp.is_dir() else temp.unlink()

    def include(self, *names: str) -> None:
        """Files a streaming writer wrote in place (atomically) during this run, e.g. events.csv: record them at
        commit, so they belong to this run and are deleted as stale by a later run that does not write them."""
        self._included.update(names)

    def remove(self, name: str) -> None:
        """Delete `name` at commit (a file of an earlier report that this one does not write)."""
        self.discard(name)
        self._removed.add(name)

    # commit

    def commit(self) -> Manifest:
        """Put the staged files in place and write run.json last (see the module docstring)."""
        old = read_manifest(self.folder) if self.base is None else self.base
        self.state = "committing"
        (self.folder / MANIFEST).unlink(missing_ok=True)  # from here until the end, readers refuse the folder
        files = dict(self.base.files) if self.base is not None else {}
        for name, temp in self._staged.items():
            target = self.folder / name
            if temp.is_dir():
                files = {k: v for k, v in files.items() if not k.startswith(f"{name}/")}
                trash = target.with_name(f".{target.name}.{self.run_id}-old.tmp") if target.exists() else None
                if trash is not None:
                    target.rename(trash)
                temp.rename(target)
                if trash is not None:
                    shutil.rmtree(trash, ignore_errors=True)
                files.update({str(p.relative_to(self.folder)): _hash(p) for p in sorted(target.rglob("*"))
                              if p.is_file()})  # fmt: skip
            elif temp.exists():
                os.replace(temp, target)
                files[name] = _hash(target)
        for name in self._included:
            if (self.folder / name).is_file():
                files[name] = _hash(self.folder / name)
        stale = set(old.files) - set(files) if self.base is None and old is not None else set()
        for name in stale | self._removed:  # the previous run's files this one does not write
            files.pop(name, None)
            if (self.folder / name).is_file() and name.split("/")[0] in ALL_NAMES:
                (self.folder / name).unlink()
        self._staged.clear()
        self._removed.clear()
        self._included.clear()
        manifest = Manifest(self.folder, self.run_id, self.kind, version(),
                            datetime.now(timezone.utc).isoformat(timespec="seconds"), files)  # fmt: skip
        atomic_write(self.folder / MANIFEST, json.dumps(manifest.document(), indent=2) + "\n")
        self.base = manifest
        self.state = "committed"
        return manifest

    def abandon(self) -> None:
        """Drop what was staged; the folder keeps its previous results (an empty new folder is removed)."""
        for name in list(self._staged):
            self.discard(name)
        self.state = "abandoned"
        try:
            if {p.name for p in self.folder.iterdir()} <= {LOCK}:
                (self.folder / LOCK).unlink(missing_ok=True)
                self.folder.rmdir()
        except OSError:
            pass  # not ours to remove after all
