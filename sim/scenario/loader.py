"""Loading a scenario file: safe YAML, located errors, `--set` overrides.

Every problem becomes ``FILE:LINE: key.path: message``. The YAML node tree is walked by
hand so that each value keeps its line, duplicate keys are refused (PyYAML would keep
the last one silently), and no tag can construct a Python object.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError
from .schema import Scenario

KeyPath = tuple[str | int, ...]
_SAFE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
}  # fmt: skip
_CLOCK_LIKE = re.compile(r"^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$")


class _Document:
    """Plain data from YAML plus the line of every key path."""

    def __init__(self, source: str):
        self.source = source
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []

    def problem(self, path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.source, self.line_of(path), dotted(path), message))

    def line_of(self, path: KeyPath) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def convert(self, node: yaml.Node, path: KeyPath, loader: yaml.SafeLoader) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(path, "a key must be a plain name")
                    continue
                key = key_node.value
                if key in result:
                    first = self.lines.get((*path, key))
                    self.problems.append(
                        Problem(self.source, key_node.start_mark.line + 1, dotted((*path, key)),
                                f"duplicate key (first given on line {first})")
                    )  # fmt: skip
                    continue
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                result[key] = self.convert(value_node, (*path, key), loader)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i), loader) for i, item in enumerate(node.value)]
        return self.scalar(node, path, loader)

    def scalar(self, node: yaml.Node, path: KeyPath, loader: yaml.SafeLoader) -> Any:
        if node.tag not in _SAFE_TAGS:
            self.problem(path, f"the tag {node.tag!r} is not allowed in a scenario")
            return None
        if node.style is None and _CLOCK_LIKE.match(node.value):
            return node.value  # YAML 1.1 would read 07:30 as the number 450
        return loader.construct_object(node)


def dotted(path: KeyPath) -> str:
    return ".".join(str(p) for p in path)


def _parse_yaml(text: str, doc: _Document, path: KeyPath = ()) -> Any:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        return doc.convert(node, path, loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        doc.problems.append(Problem(doc.source, line, dotted(path), f"not valid YAML: {reason}"))
        return None
    finally:
        loader.dispose()


def _set(data: dict[str, Any], path: list[str], value: Any) -> None:
    node: Any = data
    for i, key in enumerate(path[:-1]):
        if isinstance(node, list):
            node = node[int(key)]
            continue
        nxt = node.get(key)
        if not isinstance(nxt, (dict, list)):
            nxt = [] if path[i + 1].isdigit() else {}
            node[key] = nxt
        node = nxt
    if isinstance(node, list):
        node[int(path[-1])] = value
    else:
        node[path[-1]] = value


def apply_overrides(data: dict[str, Any], overrides: list[str], doc: _Document) -> None:
    """Apply ``key.path=value`` strings; values are read as YAML scalars or lists."""
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            doc.problems.append(Problem("--set", None, item, "expected key.path=value"))
            continue
        path = key.strip().split(".")
        sub = _Document(f"--set {item}")
        value = _parse_yaml(raw, sub, tuple(path))
        doc.problems.extend(sub.problems)
        try:
            _set(data, path, value)
        except (IndexError, ValueError, TypeError, AttributeError):
            doc.problems.append(Problem("--set", None, key, "no such list position in the scenario"))
            continue
        doc.lines[tuple(path)] = 0  # 0 marks "from the command line"


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Read, override and validate a scenario file; raise ScenarioError on any problem."""
    source = str(path)
    doc = _Document(source)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(source, None, "", f"cannot read the file: {exc}")]) from None
    return scenario_from_text(text, source, overrides, doc)


def scenario_from_text(
    text: str, source: str = "<text>", overrides: list[str] | None = None, doc: _Document | None = None
) -> Scenario:
    doc = doc or _Document(source)
    data = _parse_yaml(text, doc)
    if doc.problems:
        raise ScenarioError(doc.problems)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(source, 1, "", "a scenario is a mapping of keys (name:, site:, ...)")])
    return scenario_from_data(data, source, overrides, doc, model=_root_model(data))


def scenario_from_data(
    data: dict[str, Any], source: str = "<data>", overrides: list[str] | None = None,
    doc: _Document | None = None,
    model: type[BaseModel] = Scenario,
) -> Any:  # fmt: skip
    """Validate plain data (as from YAML); used by the loader and by notebooks' variants."""
    doc = doc or _Document(source)
    apply_overrides(data, list(overrides or []), doc)
    if doc.problems:
        raise ScenarioError(doc.problems)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([_locate(error, data, doc, model) for error in exc.errors()]) from None


def _root_model(data: dict[str, Any]) -> type[BaseModel]:
    """A site scenario, or a city round when the file says `kind: city`."""
    if data.get("kind") == "city":
        from .city import City

        return City
    return Scenario


# --- turning pydantic's errors into the planner's words -------------------------------------


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[KeyPath, Any]:
    """Keep the parts of pydantic's loc that exist in the data (drop union tags)."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if (
            isinstance(node, dict)
            and part in node
            or isinstance(node, list)
            and isinstance(part, int)
            and part < len(node)
        ):
            node = node[part]
            path.append(part)
        elif i == len(loc) - 1 and isinstance(part, (str, int)):
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
    models = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
    if len(models) > 1 and isinstance(node, dict) and "dist" in node:
        tagged = [m for m in models if _tag(m) == node["dist"]]
        models = tagged or models
    return models[0] if models else None


def _tag(model: type[BaseModel]) -> Any:
    field = model.model_fields.get("dist")
    return field.default if field is not None else None


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.5)
    return f"did you mean {close[0]!r}? " if close else ""


def _locate(error: Any, data: dict[str, Any], doc: _Document, root: type[BaseModel] = Scenario) -> Problem:
    path, _ = _data_path(error["loc"], data)
    kind = error["type"]
    message = error["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
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
    elif kind == "literal_error":
        expected = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        message = (
            f"{error['input']!r} is not allowed; {_suggest(str(error['input']), expected)}valid: {', '.join(expected)}"
        )
    line = doc.line_of(path)
    source = doc.source
    if line == 0:
        source, line = "--set", None
    return Problem(source, line, dotted(path), message)
