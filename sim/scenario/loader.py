"""Loading a scenario file: safe YAML, located errors, `--set` overrides.

Every problem becomes ``FILE:LINE: key.path: message``. The YAML node tree is walked by
hand so that each value keeps its line, duplicate keys are refused (PyYAML would keep
the last one silently), and no tag can construct a Python object.

Size is limited before any real work: a file larger than MAX_FILE_BYTES is not read, PyYAML's
composer stops at MAX_NODES nodes (counted as it builds them, aliases included), and the walk
stops at MAX_VALUES values (aliases can repeat a subtree exponentially). After validation the
cross-checks of `checks.py` (and any a caller adds, such as the resource budget) are located
like validation errors. No message is read to find its key: pydantic gives the path of the value
or model that failed, and a cross-check adds the key it is about (a CheckError's path, a Finding's).
"""

from __future__ import annotations

import copy
import difflib
import re
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError
from .checks import Finding, scenario_errors
from .city import City
from .schema import Scenario
from .types import CheckError, KeyPath

_SAFE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
}  # fmt: skip
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_CLOCK_LIKE = re.compile(r"^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$")
_EXPONENT = re.compile(r"^[-+]?[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+$")  # 1e9: a number in YAML 1.2, text in PyYAML's 1.1
MAX_FILE_BYTES = 2_000_000  # a large community is ~100 kB; PyYAML reads about 0.25-2 MB/s here
MAX_NODES = 100_000  # counted while composing (~30,000 nodes/s here): refused within a few seconds
MAX_VALUES = 500_000  # aliases can repeat a subtree exponentially ("billion laughs"): stop well before memory runs out
_FROM_SET = 0  # the line recorded for values that came from `--set`

Check = Callable[[Any], Iterable[Finding]]  # a cross-check run after validation: (key path, message) findings


class _TooLarge(Exception):
    """The document has more than MAX_NODES nodes or expands to more than MAX_VALUES values."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class _CountingLoader(yaml.SafeLoader):
    """PyYAML's safe loader that stops composing after MAX_NODES nodes (an alias counts as one)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            mark = self.peek_event().start_mark
            raise _TooLarge(f"more than {MAX_NODES:,} YAML nodes; a scenario is far smaller "
                            f"(list many sites in a sites_table CSV)", mark.line + 1)  # fmt: skip
        return super().compose_node(parent, index)


class _Document:
    """Plain data from YAML plus the line of every key path."""

    def __init__(self, source: str):
        self.source = source
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self._values = 0
        self._open: set[int] = set()  # ids of the nodes being converted (an alias to one of them is a cycle)

    def problem(self, path: KeyPath, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.source, line or self.line_of(path), dotted(path), message))

    def line_of(self, path: KeyPath) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def convert(self, node: yaml.Node, path: KeyPath, loader: yaml.SafeLoader) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        self._values += 1
        if self._values > MAX_VALUES:
            raise _TooLarge(f"the document expands to more than {MAX_VALUES:,} values (aliases?)")
        if id(node) in self._open:
            self.problem(path, "an alias refers to the mapping or list that contains it")
            return None
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                self.problem(path, f"the tag {node.tag!r} is not allowed in a scenario")
                return None
            self._open.add(id(node))
            try:
                return self._mapping(node, path, loader)
            finally:
                self._open.discard(id(node))
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.problem(path, f"the tag {node.tag!r} is not allowed in a scenario")
                return None
            self._open.add(id(node))
            try:
                return [self.convert(item, (*path, i), loader) for i, item in enumerate(node.value)]
            finally:
                self._open.discard(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path, loader)
        self.problem(path, "not a value a scenario can hold")  # the composer makes only the three kinds
        return None

    def _mapping(self, node: yaml.MappingNode, path: KeyPath, loader: yaml.SafeLoader) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(path, "a key must be a plain name", line)
                continue
            if key_node.tag not in _SAFE_TAGS:
                merge = key_node.tag.endswith(":merge")
                what = "merge keys (<<) are" if merge else f"the tag {key_node.tag!r} is"
                self.problem(path, f"{what} not allowed in a scenario", line)
                continue
            key = key_node.value
            if key in result:
                first = self.lines.get((*path, key))
                self.problem((*path, key), f"duplicate key (first given on line {first})", line)
                continue
            self.lines[(*path, key)] = line
            result[key] = self.convert(value_node, (*path, key), loader)
        return result

    def scalar(self, node: yaml.ScalarNode, path: KeyPath, loader: yaml.SafeLoader) -> Any:
        if node.tag not in _SAFE_TAGS:
            self.problem(path, f"the tag {node.tag!r} is not allowed in a scenario")
            return None
        if node.style is None and _CLOCK_LIKE.match(node.value):
            return node.value  # YAML 1.1 would read 07:30 as the number 450
        if node.style is None and node.tag == "tag:yaml.org,2002:str" and _EXPONENT.match(node.value):
            return float(node.value)
        try:
            return loader.construct_object(node)
        except Exception:  # PyYAML's int/float/bool constructors fail in several ways on odd text ('!!int ')
            kind = node.tag.rsplit(":", 1)[-1]
            self.problem(path, f"{node.value!r} cannot be read as {kind}")
            return None


def dotted(path: KeyPath) -> str:
    return ".".join(str(p) for p in path)


def _yaml_error(exc: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    """The line and the reason of a YAML error (a reader error knows only its position)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line: int | None = mark.line + 1
    elif isinstance(getattr(exc, "position", None), int):
        line = text.count("\n", 0, exc.position) + 1  # type: ignore[attr-defined]
    else:
        line = None
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return line, reason


def _parse_yaml(text: str, doc: _Document, path: KeyPath = ()) -> Any:
    loader: yaml.SafeLoader | None = None
    if len(text) > MAX_FILE_BYTES:
        doc.problems.append(Problem(doc.source, None, dotted(path), _too_big(len(text), "characters")))
        return None
    try:
        loader = _CountingLoader(text)
        node = loader.get_single_node()
        if node is None:
            return {}
        return doc.convert(node, path, loader)
    except yaml.YAMLError as exc:
        line, reason = _yaml_error(exc, text)
        doc.problems.append(Problem(doc.source, line, dotted(path), f"not valid YAML: {reason}"))
    except RecursionError:
        doc.problems.append(Problem(doc.source, None, dotted(path), "not valid YAML: nested too deeply"))
    except _TooLarge as exc:
        doc.problems.append(Problem(doc.source, exc.line, dotted(path), str(exc)))
    finally:
        if loader is not None:
            loader.dispose()
    return None


def _set(data: dict[str, Any], path: list[str], value: Any) -> tuple[KeyPath, int]:
    """Put `value` at `path`, making mappings on the way.

    Returns the path with list positions as integers, and the depth from which the
    mappings on the way are new (len(path) when none is). Raises IndexError for a list
    position that the scenario does not have.
    """
    node: Any = data
    typed: list[str | int] = []
    created = len(path)
    for i, key in enumerate(path):
        part: str | int = key
        if isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                raise IndexError(key)
            part = int(key)
        typed.append(part)
        if i == len(path) - 1:
            node[part] = value
            break
        nxt = node.get(part) if isinstance(node, dict) else node[part]
        if not isinstance(nxt, (dict, list)):
            nxt = {}
            node[part] = nxt
            created = min(created, i + 1)
        node = nxt
    return tuple(typed), created


def apply_overrides(data: dict[str, Any], overrides: list[str], doc: _Document) -> None:
    """Apply ``key.path=value`` strings; values are read as YAML (scalars, lists, flow mappings)."""
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip() or "" in key.strip().split("."):
            doc.problems.append(Problem("--set", None, item, "expected key.path=value"))
            continue
        path = key.strip().split(".")
        sub = _Document("--set")
        value = _parse_yaml(raw, sub, tuple(path)) if raw.strip() else None  # `key=`: null (the default, if optional)
        if sub.problems:
            doc.problems.extend(Problem("--set", None, p.path, p.message) for p in sub.problems)
            continue
        try:
            typed, created = _set(data, path, value)
        except IndexError:
            doc.problems.append(Problem("--set", None, key, "no such list position in the scenario"))
            continue
        for stale in [p for p in doc.lines if len(p) > len(typed) and p[: len(typed)] == typed]:
            del doc.lines[stale]  # the file's lines under a replaced value no longer apply
        for depth in range(created, len(typed) + 1):
            doc.lines[typed[:depth]] = _FROM_SET


def _too_big(size: int, unit: str) -> str:
    return f"the scenario is {size:,} {unit}, more than the limit of {MAX_FILE_BYTES:,} (list many sites in a sites_table CSV)"


def read_text(path: str | Path, source: str, limit: int = MAX_FILE_BYTES) -> str:
    """A file's text, refused before reading if it is larger than `limit` bytes."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)  # not stat(): a pipe or /dev/zero has no size
        if len(raw) > limit:
            raise ScenarioError([Problem(source, None, "", _too_big(Path(path).stat().st_size or len(raw), "bytes"))])
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(source, None, "", f"cannot read the file: {exc}")]) from None


def load_scenario(
    path: str | Path, overrides: list[str] | None = None, checks: Sequence[Check] = ()
) -> Scenario | City:
    """Read, override and validate a scenario file; raise ScenarioError on any problem.

    `checks`: further cross-checks run on the valid scenario, their findings located by file and line
    like validation errors (the command line adds the resource budget and the targets' KPI names).
    """
    source = str(path)
    text = read_text(path, source)
    return scenario_from_text(text, source, overrides, _Document(source), checks)


def scenario_from_text(
    text: str, source: str = "<text>", overrides: list[str] | None = None, doc: _Document | None = None,
    checks: Sequence[Check] = (),
) -> Scenario | City:  # fmt: skip
    """Parse YAML text safely and validate it (a Scenario; a City for `kind: city`)."""
    doc = doc or _Document(source)
    data = _parse_yaml(text, doc)
    if doc.problems:
        raise ScenarioError(doc.problems)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(source, 1, "", "a scenario is a mapping of keys (name:, site:, ...)")])
    return scenario_from_data(data, source, overrides, doc, model=_root_model(data), checks=checks)


def scenario_from_data(
    data: dict[str, Any], source: str = "<data>", overrides: list[str] | None = None,
    doc: _Document | None = None,
    model: type[BaseModel] = Scenario,
    checks: Sequence[Check] = (),
) -> Any:  # fmt: skip
    """Validate plain data (as from YAML); used by the loader and by notebooks' variants.

    `data` is not changed: the overrides apply to a copy. After validation the scenario's own
    cross-checks run (checks.scenario_errors), then `checks`; every finding is a located problem.
    """
    doc = doc or _Document(source)
    data = copy.deepcopy(data)
    apply_overrides(data, list(overrides or []), doc)
    resolve_trace(data, source, doc)
    if doc.problems:
        raise ScenarioError(doc.problems)
    try:
        scenario = model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([_locate(error, data, doc, model) for error in exc.errors()]) from None
    findings = list(scenario_errors(scenario))
    for check in checks:
        if findings:  # a later check (the budget) may assume the earlier ones passed
            break
        findings = list(check(scenario))
    if findings:
        raise ScenarioError([located(f.path, f.message, doc) for f in findings])
    return scenario


def located(path: KeyPath, message: str, doc: _Document) -> Problem:
    """A problem at a key path: the file's line, or `--set` for a value that came from an override."""
    line = doc.line_of(path)
    if line == _FROM_SET:  # an override: from --set, or from the option that made this variant (--vary, --key)
        return Problem(doc.source if doc.source.startswith("--") else "--set", None, dotted(path), message)
    return Problem(doc.source, line, dotted(path), message)


def resolve_trace(data: dict[str, Any], source: str, doc: _Document) -> None:
    """`arrivals.trace: RECORDS.csv`: read the records' arrival times (and groups) into the data.

    The path is relative to the scenario file (to the current folder when it came from `--set`).
    """
    arrivals = data.get("arrivals")
    if not isinstance(arrivals, dict) or not isinstance(trace := arrivals.get("trace"), str):
        return
    from .drill_records import read_records, trace_of

    path = ("arrivals", "trace")
    from_set = doc.line_of(path) == _FROM_SET
    folder = Path.cwd() if from_set or not Path(source).is_file() else Path(source).parent
    population = data.get("population")
    groups = list(population) if isinstance(population, dict) and population else ["adult"]
    try:
        records = read_records(folder / trace, groups=groups)
    except ScenarioError as exc:
        for problem in exc.problems:
            message = f"cannot use {trace} as a trace: {problem}"
            if from_set:
                doc.problems.append(Problem("--set", None, dotted(path), message))
            else:
                doc.problem(path, message)
        return
    arrivals["trace"] = {"file": trace, **trace_of(records)}


def _root_model(data: dict[str, Any]) -> type[BaseModel]:
    """A site scenario, or a city round when the file says `kind: city`."""
    if data.get("kind") == "city":
        return City
    return Scenario


# --- turning pydantic's errors into the planner's words -------------------------------------


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[KeyPath, Any]:
    """Keep the parts of pydantic's loc that exist in the data.

    Parts that are not in the data are pydantic's own labels (a distribution's tag such as
    'uniform', 'fixed' for a bare duration) and are dropped; only a last part naming a key
    of a mapping (a missing key) is kept.
    """
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if (
            isinstance(node, dict)
            and part in node
            or isinstance(node, list)
            and isinstance(part, int)
            and 0 <= part < len(node)
        ):
            node = node[part]
            path.append(part)
        elif i == len(loc) - 1 and isinstance(node, dict) and isinstance(part, str) and part != node.get("dist"):
            path.append(part)
            node = None
    return tuple(path), node


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes (or containers) an annotation can hold."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(path: KeyPath, data: Any, root: type[BaseModel] = Scenario) -> type[BaseModel] | None:
    """The scenario model class that the mapping at `path` should match."""
    candidates, node = _types_at(path, data, root)
    models = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
    if len(models) > 1 and isinstance(node, dict) and "dist" in node:
        tagged = [m for m in models if node["dist"] in _tags(m)]
        models = tagged or models
    return models[0] if models else None


def _choices_at(path: KeyPath, data: Any, root: type[BaseModel] = Scenario) -> list[str]:
    """The texts a `Literal` key at `path` allows, read from the schema's annotations."""
    candidates, _ = _types_at(path, data, root)
    literals = [c for c in candidates if typing.get_origin(c) is typing.Literal]
    return [str(v) for lit in literals for v in typing.get_args(lit) if isinstance(v, str)]


def _types_at(path: KeyPath, data: Any, root: type[BaseModel]) -> tuple[list[Any], Any]:
    """The annotations (models, containers, literals) that the value at `path` can match, and the value."""
    candidates: list[Any] = [root]
    node = data
    for part in path:
        nxt: list[Any] = []
        for cand in candidates:
            origin = typing.get_origin(cand)
            if isinstance(cand, type) and issubclass(cand, BaseModel) and isinstance(part, str):
                field = cand.model_fields.get(part)
                if field is not None:
                    nxt.extend(_unwrap(field.annotation))
            elif origin in (list, dict):
                nxt.extend(_unwrap(typing.get_args(cand)[-1]))
        node = node.get(part) if isinstance(node, dict) else (
            node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
        )  # fmt: skip
        candidates = nxt
    return candidates, node


def _tags(model: type[BaseModel]) -> tuple[Any, ...]:
    """The values of a distribution model's `dist:` tag (its Literal)."""
    field = model.model_fields.get("dist")
    return typing.get_args(field.annotation) if field is not None else ()


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.5)
    return f"did you mean {close[0]!r}? " if close else ""


def _locate(error: Any, data: dict[str, Any], doc: _Document, root: type[BaseModel] = Scenario) -> Problem:
    path, _ = _data_path(error["loc"], data)
    kind = error["type"]
    cause = error.get("ctx", {}).get("error")  # the exception a validator raised (a value error)
    message = str(cause) if kind == "value_error" and cause is not None else error["msg"]
    if kind == "extra_forbidden" and path:
        model = _model_at(path[:-1], data, root)
        valid = sorted(model.model_fields) if model else []
        message = f"unknown key {path[-1]!r}; {_suggest(str(path[-1]), valid)}valid keys: {', '.join(valid)}"
    elif kind == "missing":
        message = "required key is missing"
    elif kind == "union_tag_invalid":
        from .distributions import DIST_NAMES

        tag = error.get("ctx", {}).get("tag", "")
        path = (*path, "dist")
        message = f"unknown distribution {tag!r}; {_suggest(tag, list(DIST_NAMES))}valid: {', '.join(DIST_NAMES)}"
    elif kind == "union_tag_not_found":
        path = (*path, "dist")
        message = "a distribution needs 'dist:' (fixed, exponential, uniform, triangular, lognormal, gamma, empirical) or a bare duration like '15s'"
    elif kind == "value_error" and isinstance(cause, CheckError):
        path, message = (*path, *cause.path), cause.message  # a cross-check: the key it is about, below the model
    elif kind == "literal_error" and (expected := _choices_at(path, data, root)):
        message = (
            f"{error['input']!r} is not allowed; {_suggest(str(error['input']), expected)}valid: {', '.join(expected)}"
        )
    return located(path, message, doc)
