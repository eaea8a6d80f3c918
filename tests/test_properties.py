"""Property tests: the loader raises nothing but ScenarioError, whatever it is given; valid scenarios load."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import Problem, ScenarioError
from sim.scenario import scenario_from_data, scenario_from_text
from sim.scenario.distributions import DIST_NAMES

# derandomize: the same examples on every run, so CI is repeatable (as fixed seeds are elsewhere)
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

# A small scenario that uses every part, so that mutations reach every validator.
BASE: dict[str, Any] = {
    "name": "property base",
    "seed": 1,
    "replications": 2,
    "clock": {"open": "08:00", "duration": "2h", "hard_stop": "11:00"},
    "warmup": "0s",
    "arrivals": {
        "rate": "200/h",
        "callup": {
            "start": "08:00",
            "interval": "20min",
            "turnout": 0.9,
            "spread": {"dist": "exponential", "mean": "5min"},
            "late": {"share": 0.1, "delay": {"dist": "uniform", "low": "10min", "high": "30min"}},
            "buildings": [{"name": "A", "residents": 50}, {"name": "B", "residents": 40, "at": "08:30"}],
        },
    },
    "population": {
        "adult": {"share": 0.7},
        "elderly": {"share": 0.3, "registration_factor": 1.5, "swab_factor": 1.2, "priority": True},
    },
    "site": {
        "entry_check": {"lanes": 2, "time": {"dist": "gamma", "mean": "8s", "cv": 0.5}, "abnormal": 0.01},
        "waiting": {"capacity": 30, "when_full": "turn_away", "retry": {"share": 0.5, "after": "20min"}},
        "sampling": {
            "stations": 3,
            "registration": {"dist": "lognormal", "mean": "15s", "cv": 0.4},
            "swab": {"dist": "triangular", "low": "10s", "mode": "20s", "high": "40s"},
        },
        "isolation": {"capacity": 2, "stay": {"dist": "empirical", "values": ["30min", "1h"]}},
        "buffer": {"capacity": 2},
    },
    "pooling": {"size": 10},
    "community": {
        "control": "feedback",
        "feedback": {"threshold": 20, "check_every": "1min", "min_interval": "5min", "max_interval": "20min"},
        "walk": {"dist": "uniform", "low": "1min", "high": "5min"},
        "check": {"steps": [{"name": "code", "time": "3s", "on": "both"}], "abnormal": 0.001},
        "courtyards": [{"name": "A", "gates": [{"name": "a", "lanes": 1}]}, {"name": "B", "walk": "2min"}],
        "background": {"outbound": [{"at": "08:00", "rate": "30/h"}], "no_proof": 0.1},
        "returnees": {"profile": [{"at": "08:00", "rate": "2/h"}]},
    },
    "targets": ["wait.total.p95_min<=30"],
    "sources": {"site.sampling.stations": "assumption"},
}

NAMES = ["name", "seed", "open", "duration", "rate", "profile", "at", "dist", "mean", "cv", "low", "high", "mode",
         "value", "values", "stations", "capacity", "share", "when_full", "retry", "kind", "site", "lanes", "x"]  # fmt: skip
UNIT_TEXT = ["15s", "0s", "2min", "1h30min", "-5s", "1e999s", "500/h", "3/2h", "5/0h", "07:30", "25:00", "99:99",
             "8 parsecs", "", " ", "exponential", "lognormal", "fixed", "queue_outside", "turn_away", "city",
             "wait.total.p95_min<=3", "nan", "~"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(UNIT_TEXT),
    st.sampled_from(DIST_NAMES),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in the data, containers included."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """BASE with a few random edits: deleted keys, replaced values, new keys, changed types."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = _at(data, path[:-1])
        action = draw(st.sampled_from(["delete", "replace", "add", "retype"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(NAMES) | st.text(max_size=8))] = draw(values)
        elif action == "retype":
            old = parent[path[-1]]
            parent[path[-1]] = [old] if not isinstance(old, list) else {"x": old}
    return data


def _only_scenario_errors(call: Any) -> None:
    try:
        call()
    except ScenarioError as exc:
        assert exc.problems and all(isinstance(p, Problem) and str(p) for p in exc.problems)


@SETTINGS
@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_scenario_errors(text: str) -> None:
    _only_scenario_errors(lambda: scenario_from_text(text, "any.yaml"))


YAML_TOKENS = ["name: x\n", "site:\n", "  ", "- ", ": ", "[", "]", "{", "}", ",", "!!python/object/apply:os.system",
               "!!int ", "!!bool ", "!!binary ", "&a ", "*a ", "<<: ", "? ", "07:30", "1h30min", "\t", "\n", "'",
               '"', "#", "|\n", ">-\n", "dist: ", "exponential", "kind: city\n", "---\n", "...\n", "%YAML 1.1\n"]  # fmt: skip


@SETTINGS
@given(st.lists(st.sampled_from(YAML_TOKENS) | st.text(max_size=4), max_size=40).map("".join))
def test_yaml_like_text_raises_only_scenario_errors(text: str) -> None:
    _only_scenario_errors(lambda: scenario_from_text(text, "any.yaml"))


@SETTINGS
@given(mutated())
def test_mutated_scenarios_raise_only_scenario_errors(data: dict[str, Any]) -> None:
    _only_scenario_errors(lambda: scenario_from_data(copy.deepcopy(data), "m.yaml"))
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    _only_scenario_errors(lambda: scenario_from_text(text, "m.yaml"))


@SETTINGS
@given(
    st.lists(
        st.sampled_from(NAMES + ["site.sampling", "clock", "arrivals.callup.buildings.0", "population.adult"]),
        min_size=1,
        max_size=4,
    ).map(".".join),  # fmt: skip
    values,
)
def test_random_overrides_raise_only_scenario_errors(key: str, value: Any) -> None:
    try:
        raw = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip().removesuffix("...").strip()
    except yaml.YAMLError:
        raw = str(value)
    _only_scenario_errors(lambda: scenario_from_data(copy.deepcopy(BASE), "o.yaml", [f"{key}={raw}"]))


def test_the_base_is_valid() -> None:
    assert scenario_from_data(copy.deepcopy(BASE)).community is not None


# --- random valid scenarios ----------------------------------------------------------------------

seconds = st.integers(1, 600)
# no control or line-break characters: PyYAML folds e.g. U+0085 to a space when it reads its own dump
NAME_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85")


def _dist(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["bare", *DIST_NAMES]))
    a, b, c = sorted(draw(st.lists(seconds, min_size=3, max_size=3, unique=True)))
    cv = draw(st.floats(0.05, 3.0))
    return {
        "bare": f"{a}s",
        "fixed": {"dist": "fixed", "value": f"{a}s"},
        "exponential": {"dist": "exponential", "mean": f"{a}s"},
        "uniform": {"dist": "uniform", "low": f"{a}s", "high": f"{c}s"},
        "triangular": {"dist": "triangular", "low": f"{a}s", "mode": f"{b}s", "high": f"{c}s"},
        "lognormal": {"dist": "lognormal", "mean": f"{a}s", "cv": cv},
        "gamma": {"dist": "gamma", "mean": f"{a}s", "cv": cv},
        "empirical": {"dist": "empirical", "values": [f"{a}s", f"{b}min"]},
    }[kind]


@st.composite
def valid_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    open_min = draw(st.integers(6 * 60, 12 * 60))
    duration_min = draw(st.integers(30, 8 * 60))
    data: dict[str, Any] = {
        "name": draw(st.text(NAME_CHARS, min_size=1, max_size=20).filter(str.strip)),
        "seed": draw(st.integers(0, 2**31)),
        "clock": {"open": f"{open_min // 60:02d}:{open_min % 60:02d}", "duration": f"{duration_min}min"},
        "arrivals": {},
        "site": {"sampling": {"stations": draw(st.integers(1, 30)), "swab": _dist(draw)}},
    }
    pattern = draw(st.sampled_from(["rate", "profile", "callup"]))
    if pattern == "rate":
        data["arrivals"]["rate"] = f"{draw(st.integers(0, 2000))}/h"
    elif pattern == "profile":
        steps = sorted(draw(st.lists(st.integers(0, duration_min), min_size=1, max_size=4, unique=True)))
        data["arrivals"]["profile"] = [
            {"at": f"{(open_min + m) // 60:02d}:{(open_min + m) % 60:02d}", "rate": f"{draw(st.integers(0, 900))}/h"}
            for m in steps
        ]
    else:
        n = draw(st.integers(1, 5))
        data["arrivals"]["callup"] = {
            "interval": f"{draw(st.integers(1, 60))}min",
            "buildings": [{"name": f"B{i}", "residents": draw(st.integers(1, 300))} for i in range(n)],
            "spread": _dist(draw),
        }
    if draw(st.booleans()):
        data["site"]["sampling"]["registration"] = _dist(draw)
    if draw(st.booleans()):
        data["site"]["entry_check"] = {"lanes": draw(st.integers(1, 4)), "time": _dist(draw)}
        if draw(st.booleans()):
            data["site"]["entry_check"]["abnormal"] = draw(st.floats(0, 1))
            data["site"]["isolation"] = {"capacity": draw(st.integers(1, 5)), "stay": _dist(draw)}
    if draw(st.booleans()):
        full = draw(st.sampled_from(["queue_outside", "turn_away"]))
        data["site"]["waiting"] = {"capacity": draw(st.integers(1, 500)), "when_full": full}
    if draw(st.booleans()):
        elderly = draw(st.floats(0, 1))
        data["population"] = {"adult": {"share": 1 - elderly}, "elderly": {"share": elderly, "priority": True}}
    if draw(st.booleans()):
        data["pooling"] = {"size": draw(st.sampled_from([1, 5, 10, 20]))}
    return data


@SETTINGS
@given(valid_scenarios())
def test_random_valid_scenarios_load(data: dict[str, Any]) -> None:
    scenario = scenario_from_text(yaml.safe_dump(data, allow_unicode=True), "valid.yaml")
    assert scenario.name == data["name"]
    assert scenario.site.sampling.stations == data["site"]["sampling"]["stations"]
    assert scenario.clock.duration == 60 * int(data["clock"]["duration"].removesuffix("min"))
    assert scenario.site.sampling.swab.mean_s > 0
