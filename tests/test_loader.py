"""The loader: safe YAML, `--set` overrides, and every problem located as FILE:LINE: key.path: message."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.errors import Problem, ScenarioError
from sim.scenario import load_scenario, scenario_from_data, scenario_from_text
from sim.scenario.loader import MAX_VALUES

# Line numbers matter below: each key's line is given in the comment.
BASE = """\
name: loader test
seed: 4
clock: {open: "08:00", duration: 2h}
arrivals:
  profile:
    - {at: "08:00", rate: 300/h}
    - {at: "09:00", rate: 200/h}
population:
  adult: {share: 0.7}
  elderly: {share: 0.3, swab_factor: 1.2, priority: true}
site:
  entry_check: {lanes: 2, time: {dist: exponential, mean: 8s}, abnormal: 0.01}
  waiting: {capacity: 50, when_full: queue_outside}
  sampling:
    stations: 3
    registration: {dist: lognormal, mean: 15s, cv: 0.4}
    swab: 30s
  isolation: {capacity: 2, stay: {dist: uniform, low: 30min, high: 90min}}
pooling: {size: 10}
"""
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<path>[^:]+): (?P<message>.+)$")
SET_LINE = re.compile(r"^--set: (?P<path>[^:]+): (?P<message>.+)$")


def _problems(text: str, overrides: list[str] | None = None) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        scenario_from_text(text, "s.yaml", overrides)
    return info.value.problems


def _one(text: str, overrides: list[str] | None = None) -> Problem:
    problems = _problems(text, overrides)
    assert len(problems) == 1, problems
    return problems[0]


def _validate(tmp_path: Path, text: str, *options: str) -> tuple[int, list[str], str]:
    """`drill validate` on `text`: exit code, stderr lines, and the file name used."""
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path), *options])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stderr.strip().splitlines(), str(path)


def test_the_base_scenario_is_valid() -> None:
    scenario = scenario_from_text(BASE, "s.yaml")
    assert scenario.site.sampling.stations == 3
    assert scenario.site.sampling.swab.value == 30.0
    assert scenario.arrivals.profile[1].at == 9 * 3600


# --- through the command line: exit 2 and the exact FILE:LINE: key.path: message shape ---------


def test_typo_in_a_key_names_file_line_path_and_the_nearest_key(tmp_path: Path) -> None:
    code, lines, name = _validate(tmp_path, BASE.replace("    stations: 3", "    statons: 3"))
    assert code == 2
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    by_path = {m["path"]: m for m in parsed if m}
    typo = by_path["site.sampling.statons"]
    assert typo["file"] == name and typo["line"] == "15"
    assert typo["message"] == (
        "unknown key 'statons'; did you mean 'stations'? valid keys: registration, stations, swab"
    )
    assert by_path["site.sampling.stations"]["message"] == "required key is missing"


def test_negative_count_is_located(tmp_path: Path) -> None:
    code, lines, name = _validate(tmp_path, BASE.replace("stations: 3", "stations: -3"))
    assert code == 2
    assert lines == [f"{name}:15: site.sampling.stations: Input should be greater than or equal to 1"]


def test_unknown_unit_is_located(tmp_path: Path) -> None:
    code, lines, name = _validate(tmp_path, BASE.replace("mean: 8s", "mean: 8 parsecs"))
    assert code == 2
    assert lines == [f"{name}:12: site.entry_check.time.mean: unknown time unit 'parsecs'; use one of s, min, h, d"]


def test_unknown_distribution_suggests_the_nearest(tmp_path: Path) -> None:
    code, lines, name = _validate(tmp_path, BASE.replace("dist: lognormal", "dist: lognorml"))
    assert code == 2
    assert lines == [
        f"{name}:16: site.sampling.registration.dist: unknown distribution 'lognorml'; did you mean 'lognormal'? "
        "valid: fixed, exponential, uniform, triangular, lognormal, gamma, empirical"
    ]


def test_broken_yaml_reports_its_line(tmp_path: Path) -> None:
    code, lines, name = _validate(tmp_path, BASE.replace("  waiting: {capacity: 50,", "  waiting: {capacity: 50"))
    assert code == 2
    [line] = lines
    match = LINE.match(line)
    assert match and match["file"] == name and match["line"] == "13"
    assert match["message"].startswith("not valid YAML:")


def test_broken_indentation_reports_its_line() -> None:
    problem = _one(BASE.replace("    stations: 3", "      stations: 3"))
    assert problem.line == 16  # where YAML notices: the next key cannot follow the over-indented one
    assert problem.message.startswith("not valid YAML")


def test_python_tag_is_refused_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = BASE + f'extra: !!python/object/apply:os.system ["touch {marker}"]\n'
    code, lines, name = _validate(tmp_path, evil)
    assert code == 2
    assert not marker.exists()
    assert lines == [
        f"{name}:20: extra: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in a scenario"
    ]


@pytest.mark.parametrize(
    "value",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        '!!python/object/new:os.system ["touch {marker}"]',
        "!!python/name:os.system",
        "!!python/object:__main__.Thing {{a: 1}}",
        '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    ],
)
def test_python_tags_on_a_valid_key_or_in_set_run_nothing(tmp_path: Path, value: str) -> None:
    marker = tmp_path / "pwned"
    tagged = value.format(marker=marker)
    problem = _one(BASE.replace("name: loader test", f"name: {tagged}"))
    assert (problem.line, problem.path) == (1, "name")
    assert "is not allowed in a scenario" in problem.message
    problem = _one(BASE, [f"name={tagged}"])
    assert (problem.source, problem.path) == ("--set", "name")
    assert "is not allowed in a scenario" in problem.message
    assert not marker.exists()


def test_a_python_tag_on_a_key_is_refused() -> None:
    problem = _one(BASE + "!!python/name:os.system : 1\n")
    assert problem.line == 20
    assert "is not allowed" in problem.message


def test_duplicate_keys_are_refused_with_both_lines(tmp_path: Path) -> None:
    code, lines, name = _validate(tmp_path, BASE.replace("seed: 4\n", "seed: 4\nseed: 5\n"))
    assert code == 2
    assert lines == [f"{name}:3: seed: duplicate key (first given on line 2)"]
    nested = _one(BASE.replace("    stations: 3\n", "    stations: 3\n    stations: 4\n"))
    assert (nested.line, nested.path) == (16, "site.sampling.stations")
    assert nested.message == "duplicate key (first given on line 15)"


def test_missing_required_keys_are_named(tmp_path: Path) -> None:
    text = BASE.replace("name: loader test\n", "").replace("    swab: 30s\n", "")
    code, lines, name = _validate(tmp_path, text)
    assert code == 2
    paths = {LINE.match(line)["path"]: line for line in lines}  # type: ignore[index]
    assert set(paths) == {"name", "site.sampling.swab"}
    assert paths["site.sampling.swab"] == f"{name}:13: site.sampling.swab: required key is missing"
    assert paths["name"].endswith(": name: required key is missing")


def test_unknown_top_level_key_suggests_and_lists_the_keys(tmp_path: Path) -> None:
    code, lines, name = _validate(tmp_path, BASE + "replicatons: 5\n")
    assert code == 2
    [line] = lines
    assert line.startswith(
        f"{name}:20: replicatons: unknown key 'replicatons'; did you mean 'replications'? valid keys: "
    )
    assert "arrivals, clock" in line and "site" in line


def test_a_valid_file_exits_0(tmp_path: Path) -> None:
    code, lines, _ = _validate(tmp_path, BASE)
    assert code == 0 and lines == []


def test_a_missing_file_exits_2_without_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr
    assert "Traceback" not in result.output


# --- --set: applied before validation; a bad value is located as --set -------------------------


def test_set_an_int_a_duration_and_a_clock() -> None:
    scenario = scenario_from_text(
        BASE, "s.yaml", ["site.sampling.stations=8", "clock.duration=1h30min", "clock.open=07:30", "seed=9"]
    )
    assert scenario.site.sampling.stations == 8
    assert scenario.clock.duration == 5400.0
    assert scenario.clock.open == 27000.0
    assert scenario.seed == 9


def test_set_a_nested_new_key_and_a_list_position() -> None:
    scenario = scenario_from_text(
        BASE,
        "s.yaml",
        [
            "site.buffer.capacity=2",
            "site.waiting.retry.share=0.5",
            "site.waiting.when_full=turn_away",
            "arrivals.profile.1.rate=250/h",
            "site.sampling.swab={dist: gamma, mean: 25s, cv: 0.5}",
            "targets=[wait.total.p95_min<=30]",
        ],
    )
    assert scenario.site.buffer is not None and scenario.site.buffer.capacity == 2
    assert scenario.site.waiting.retry is not None and scenario.site.waiting.retry.share == 0.5
    assert scenario.arrivals.profile[1].rate * 3600 == pytest.approx(250)
    assert scenario.site.sampling.swab.dist == "gamma"
    assert scenario.targets == ["wait.total.p95_min<=30"]


@pytest.mark.parametrize(
    ("override", "path", "fragment"),
    [
        ("site.sampling.stations=many", "site.sampling.stations", "expected a whole number, not the text 'many'"),
        ("site.sampling.stations=0", "site.sampling.stations", "greater than or equal to 1"),
        ("clock.duration=90", "clock.duration", "90 has no unit"),
        ("site.sampling.swab=12 parsecs", "site.sampling.swab", "unknown time unit 'parsecs'"),
        ("site.isolaton.capacity=3", "site.isolaton", "did you mean 'isolation'?"),
        ("site.entry_check={lanes: 2, time: 8 parsecs}", "site.entry_check.time", "unknown time unit"),
        ("arrivals.profile.0.rate=-5/h", "arrivals.profile.0.rate", "is not a rate"),
        ("arrivals.profile.5.rate=5/h", "arrivals.profile.5.rate", "no such list position"),
        ("arrivals.profile.-1.rate=5/h", "arrivals.profile.-1.rate", "no such list position"),
        ("seed.value=3", "seed", "valid integer"),
        ("seed", "seed", "expected key.path=value"),
        ("=3", "=3", "expected key.path=value"),
        ("site..stations=3", "site..stations=3", "expected key.path=value"),
        ("seed=[1", "seed", "not valid YAML"),
        ("site.waiting.when_full=turn_awya", "site.waiting.when_full", "did you mean 'turn_away'?"),
    ],
)
def test_a_bad_set_is_located_as_set(override: str, path: str, fragment: str) -> None:
    problem = _one(BASE, [override])
    assert str(problem) == f"--set: {path}: {problem.message}"
    assert SET_LINE.match(str(problem))
    assert fragment in problem.message


def test_bad_set_through_the_cli_exits_2(tmp_path: Path) -> None:
    code, lines, _ = _validate(tmp_path, BASE, "--set", "site.sampling.stations=-1")
    assert code == 2
    assert lines == ["--set: site.sampling.stations: Input should be greater than or equal to 1"]


def test_set_to_nothing_means_null() -> None:
    scenario = scenario_from_text(BASE, "s.yaml", ["site.waiting.capacity=", "site.sampling.registration="])
    assert scenario.site.waiting.capacity is None
    assert scenario.site.sampling.registration is None
    assert _one(BASE, ["seed="]).message == "Input should be a valid integer"


def test_set_is_applied_before_validation() -> None:
    # the file alone is invalid; the override repairs it
    broken = BASE.replace("stations: 3", "stations: 0")
    assert _one(broken).path == "site.sampling.stations"
    assert scenario_from_text(broken, "s.yaml", ["site.sampling.stations=4"]).site.sampling.stations == 4


def test_a_file_error_beside_a_set_keeps_its_line() -> None:
    problems = _problems(BASE.replace("capacity: 50", "capacity: -50"), ["site.sampling.stations=x"])
    located = {p.path: (p.source, p.line) for p in problems}
    assert located == {"site.waiting.capacity": ("s.yaml", 13), "site.sampling.stations": ("--set", None)}


def test_scenario_from_data_leaves_its_input_alone() -> None:
    data: dict[str, Any] = {
        "name": "d",
        "clock": {"open": "08:00", "duration": "1h"},
        "arrivals": {"rate": "60/h"},
        "site": {"sampling": {"stations": 1, "swab": "30s"}},
    }
    scenario = scenario_from_data(data, overrides=["site.sampling.stations=3", "site.buffer.capacity=1"])
    assert scenario.site.sampling.stations == 3
    assert data["site"] == {"sampling": {"stations": 1, "swab": "30s"}}


# --- where the error mapping has to look inside lists, dicts and unions --------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "path", "fragment"),
    [
        ("rate: 200/h}", "rate: 200 per h}", 7, "arrivals.profile.1.rate", "is not a rate"),
        ('at: "09:00"', 'at: "9 o\'clock"', 7, "arrivals.profile.1.at", "is not a clock time"),
        ("rate: 200/h}", "rate: 200/h, note: x}", 7, "arrivals.profile.1.note", "valid keys: at, rate"),
        ("elderly: {share: 0.3,", "elderly: {shar: 0.3,", 10, "population.elderly.shar", "did you mean 'share'?"),
        ("swab_factor: 1.2", "swab_factor: -1", 10, "population.elderly.swab_factor", "greater than 0"),
        ("adult: {share: 0.7}", "adult: {share: 0.6}", 8, "population", "must add up to 1"),
        (
            "low: 30min, high: 90min",
            "low: 90min, high: 30min",
            18,
            "site.isolation.stay.high",
            "high must be at least low",
        ),
        ("cv: 0.4}", "cv: 0.4, sd: 3s}", 16, "site.sampling.registration.sd", "valid keys: cv, dist, mean"),
        ("mean: 8s}", "maen: 8s}", 12, "site.entry_check.time.maen", "did you mean 'mean'? valid keys: dist, mean"),
        ("swab: 30s", "swab: 30", 17, "site.sampling.swab", "30 has no unit"),
        (
            "swab: 30s",
            "swab: {dist: fixed, value: 30s, mean: 2s}",
            17,
            "site.sampling.swab.mean",
            "valid keys: dist, value",
        ),
        ("when_full: queue_outside", "when_full: queue", 13, "site.waiting.when_full", "did you mean 'queue_outside'?"),
        ("abnormal: 0.01", "abnormal: 1.5", 12, "site.entry_check.abnormal", "less than or equal to 1"),
        ("{size: 10}", "{size: 10, sise: 5}", 19, "pooling.sise", "did you mean 'size'?"),
    ],
)
def test_errors_inside_lists_dicts_and_unions_are_located(
    old: str, new: str, line: int, path: str, fragment: str
) -> None:
    assert old in BASE
    problems = _problems(BASE.replace(old, new, 1))
    found = {p.path: p for p in problems}
    assert path in found, problems
    assert found[path].line == line
    assert fragment in found[path].message


@pytest.mark.parametrize(
    ("old", "new", "line", "path", "message"),
    [
        ("duration: 2h}", 'duration: 2h,\n        hard_stop: "09:00"}', 4, "clock.hard_stop",
         "hard_stop must not be before open + duration"),
        ("when_full: queue_outside}", "when_full: queue_outside, retry: {share: 0.5}}", 13, "site.waiting.retry",
         "retry applies only with when_full: turn_away"),
        ('at: "09:00"', 'at: "07:00"', 5, "arrivals.profile", "profile steps must be in time order"),
        ("  profile:\n", '  callup: {start: "10:30", interval: 5min, buildings: [{name: A, residents: 5}]}\n  profile:\n',
         5, "arrivals.callup.start", "arrivals.callup.start is after the site closes"),
    ],
)  # fmt: skip
def test_cross_checks_are_located_at_the_key_they_name(old: str, new: str, line: int, path: str, message: str) -> None:
    assert old in BASE
    problem = _one(BASE.replace(old, new, 1))
    assert (problem.line, problem.path, problem.message) == (line, path, message)


# Every cross-check of the schema raises CheckError with the key path it is about; the loader adds it to
# the path of the model that raised it and never reads the message. `marker` is text on the expected line.
COMMUNITY = """\
name: cross-checks
clock: {open: "08:00", duration: 2h}
arrivals:
  callup:
    interval: 10min
    buildings:
      - {name: A, residents: 50}
      - {name: B, residents: 50}
site:
  entry_check: {lanes: 1, time: 8s}
  sampling: {stations: 2, registration: 10s, swab: 20s}
  isolation: {capacity: 2, stay: 30min}
community:
  courtyards:
    - {name: A}
    - {name: B}
"""
EAST = "  sites: {east: {sampling: {stations: 1, swab: 20s}}}\n"
NO_CALLUP = COMMUNITY.replace(
    "  callup:\n    interval: 10min\n    buildings:\n      - {name: A, residents: 50}\n"
    "      - {name: B, residents: 50}\n",
    "  rate: 10/h\n",
)
CITY = """\
kind: city
name: city
clock: {open: "08:00", duration: 10h}
templates:
  small: {site: {sampling: {stations: 2, swab: 20s}}}
sites:
  - {template: small, population: 100}
  - {template: smal, population: 100}
labs: [{name: L, capacity: 1000/h}]
"""


@pytest.mark.parametrize(
    ("text", "marker", "path", "message"),
    [
        pytest.param(COMMUNITY.replace("- {name: A}", "- {name: A, gates: [{name: 'a b'}]}"), "'a b'",
                     "community.courtyards.0.gates.0.name",
                     "gate name 'a b' may hold only letters, digits, '-' and '_'", id="gate-name"),
        pytest.param(COMMUNITY.replace("- {name: A}", "- name: A\n      gates: [{name: g}]\n"
                                       "    - name: C\n      gates: [{name: g, lanes: 2}]"), "lanes: 2",
                     "community.courtyards.1.gates.0.name", "two gates are named 'g'; give each gate its own name",
                     id="two-gates-named-alike"),
        pytest.param(COMMUNITY.replace("- {name: B}", "- {name: a}"), "{name: a}", "community.courtyards.1.name",
                     "two gates are named 'a'; give each gate its own name", id="two-gates-named-after-courtyards"),
        pytest.param(COMMUNITY + '  returnees: {profile: [{at: "09:00", rate: 1/h}, {at: "08:00", rate: 1/h}]}\n',
                     "returnees", "community.returnees.profile", "steps must be in time order", id="flow-order"),
        pytest.param(COMMUNITY + "  sites: {main: {sampling: {stations: 1, swab: 20s}}}\n", "sites:",
                     "community.sites.main", "site name 'main' must not be 'main' and may hold only letters, digits, "
                     "'-' and '_'", id="site-name"),
        pytest.param(COMMUNITY.replace("- {name: B}", "- {name: A, gates: [{name: x}]}"), "{name: x}",
                     "community.courtyards.1.buildings", "'A' is already in 'A'", id="building-in-two-courtyards"),
        pytest.param(NO_CALLUP.replace("    - {name: B}\n", "") + "  control: feedback\n", "control:",
                     "community.control", "feedback calls buildings, so it needs arrivals.callup", id="feedback"),
        pytest.param(COMMUNITY.replace("  isolation: {capacity: 2, stay: 30min}\n", "") + "  check: {abnormal: 0.1}\n",
                     "check: {abnormal", "community.check.abnormal", "above 0 it needs a site.isolation zone", id="gate-abnormal"),
        pytest.param(COMMUNITY + "  check: {abnormal: 0.1}\n" + EAST, "east:", "community.sites.east",
                     "check.abnormal above 0 needs an isolation zone", id="abnormal-at-a-further-site"),
        pytest.param(COMMUNITY + EAST + "staff: {sampler: {roster: 4}}\n", "sites:", "community.sites",
                     "staff rotations are modelled for one site only; drop staff or sites", id="staff-and-sites"),
        pytest.param(COMMUNITY + "recall: {prevalence: 1}\n", "recall:", "recall",
                     "recall needs a samples part (the retest tubes go through its chain)", id="recall"),
        pytest.param(COMMUNITY.replace("registration: 10s, ", "") + "staff: {registrar: {roster: 4}}\n", "staff:",
                     "staff.registrar", "staff.registrar needs site.sampling.registration", id="registrar"),
        pytest.param(COMMUNITY + "staff: {sampler: {roster: 4, on_duty: 3}}\n", "staff:", "staff.sampler.on_duty",
                     "staff.sampler.on_duty must equal the number of posts (2)", id="on-duty"),
        pytest.param(NO_CALLUP.replace("rate: 10/h", 'trace: ["08:00"]'), "trace:", "arrivals.trace",
                     "the trace gives arrivals at the site; it cannot go with a community, whose residents reach "
                     "the site through its gates", id="trace-with-community"),
        # the old loader read the first word of the message as a key and put these at population.group ...
        pytest.param(BASE.replace("adult: {share: 0.7}", "group: {share: 0.6}"), "population:", "population",
                     "group shares must add up to 1 (they add up to 0.9)", id="shares-with-a-group-named-group"),
        # ... and this one at the top level, line 1 ("sites[1]: unknown template ...")
        pytest.param(CITY, "template: smal,", "sites.1.template", "unknown template 'smal'; have small", id="city-template"),
    ],
)  # fmt: skip
def test_every_cross_check_is_located_by_its_key_path(text: str, marker: str, path: str, message: str) -> None:
    problem = _one(text)
    assert (problem.line, problem.path, problem.message) == (_line_of(text, marker), path, message)


def test_a_cross_check_is_located_by_its_key_path_not_by_its_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message that starts with another key's path is still located at the key its CheckError names."""
    from sim.scenario import schema
    from sim.scenario.types import CheckError

    def misleading(_scenario: object) -> None:
        raise CheckError(("site", "sampling", "swab"), "site.entry_check.lanes: pooling.size words, not a key path")

    monkeypatch.setattr(schema, "check_parts", misleading)
    problem = _one(BASE)
    assert (problem.line, problem.path) == (17, "site.sampling.swab")
    assert problem.message == "site.entry_check.lanes: pooling.size words, not a key path"  # kept whole, unparsed

    def plain(_scenario: object) -> None:
        raise ValueError("site.entry_check.lanes: a plain ValueError names no key")

    monkeypatch.setattr(schema, "check_parts", plain)
    problem = _one(BASE)
    assert (problem.line, problem.path) == (1, "")  # at the model that raised it: the whole scenario
    assert problem.message == "site.entry_check.lanes: a plain ValueError names no key"


def test_a_cross_check_of_a_value_from_set_is_located_as_set() -> None:
    problem = _one(
        COMMUNITY, ["community.sites={east: {sampling: {stations: 1, swab: 20s}}}", "staff.sampler.roster=4"]
    )
    assert (problem.source, problem.line, problem.path) == ("--set", None, "community.sites")
    problem = _one(COMMUNITY.replace("registration: 10s, ", ""), ["staff.registrar.roster=4"])
    assert (problem.source, problem.path) == ("--set", "staff.registrar")


def test_errors_in_a_long_list_name_their_position() -> None:
    text = BASE.replace(
        '  profile:\n    - {at: "08:00", rate: 300/h}\n    - {at: "09:00", rate: 200/h}\n',
        "  callup:\n    interval: 10min\n    buildings:\n"
        + "".join(f"      - {{name: B{i}, residents: {-5 if i == 7 else 100}}}\n" for i in range(10)),
    )
    problem = _one(text)
    assert (problem.line, problem.path) == (15, "arrivals.callup.buildings.7.residents")


# --- YAML that must not crash the loader ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("seed: !!int abc\n", "'abc' cannot be read as int"),
        ("seed: !!bool maybe\n", "cannot be read as bool"),
        ("seed: !!int\n", "'' cannot be read as int"),
        ("seed: !!float ''\n", "'' cannot be read as float"),
        ("name: !!binary aGVsbG8=\n", "tag 'tag:yaml.org,2002:binary' is not allowed"),
        ("name: 2021-12-27\n", "tag 'tag:yaml.org,2002:timestamp' is not allowed"),
        ("a: &x [*x]\n", "an alias refers to the mapping or list that contains it"),
        ("a: &x {b: *x}\n", "an alias refers to the mapping or list that contains it"),
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
        ("name: \x07\n", "not valid YAML: unacceptable character"),
        ("name: a\n\tseed: 1\n", "not valid YAML"),
        ("x: &a {s: 1}\ny: {<<: *a}\n", "merge keys (<<) are not allowed"),
        ("? [a, b]\n: 1\n", "a key must be a plain name"),
    ],
)
def test_odd_yaml_is_a_located_problem_not_a_crash(text: str, fragment: str) -> None:
    problems = _problems(text)
    assert any(fragment in p.message for p in problems), problems


def test_alias_bombs_are_stopped() -> None:
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]  # 10^8 values
    problem = _one("\n".join(lines) + "\n")
    assert f"more than {MAX_VALUES:,} values" in problem.message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- b\n", "just text\n", "42\n"])
def test_empty_or_non_mapping_documents_are_refused(text: str) -> None:
    problems = _problems(text)
    assert problems
    assert all(isinstance(p, Problem) and p.source == "s.yaml" for p in problems)


def test_a_utf8_bom_and_chinese_text_load(tmp_path: Path) -> None:
    path = tmp_path / "新华.yaml"
    path.write_text("\ufeff" + BASE.replace("name: loader test", "name: 新华社区演练"), encoding="utf-8")
    assert load_scenario(path).name == "新华社区演练"


def test_seed_scenarios_load_and_their_errors_carry_the_file_name(tmp_path: Path) -> None:
    root = Path(__file__).parent.parent / "scenarios"
    for name in ("xinhua-drill.yaml", "taoyuan-north-west.yaml", "qingshan-road-2.yaml"):
        assert load_scenario(root / name).name
    text = (root / "xinhua-drill.yaml").read_text(encoding="utf-8").replace("stations: 5", "stations: five")
    path = tmp_path / "xinhua-drill.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [problem] = info.value.problems
    assert str(problem).startswith(f"{path}:{_line_of(text, 'stations: five')}: site.sampling.stations: ")


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)
