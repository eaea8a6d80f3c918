"""build_replay: a results folder's event log → replay.html, one self-contained file.

The page is a small player written for this drawing (plain JavaScript, an SVG schematic with a
canvas on top for the dots) with the day's events embedded as JSON: no library, no network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ..errors import OptionError
from ..report.i18n import LANGS
from ..results.files import REPLAY, SCENARIO, atomic_write
from ..scenario import Scenario, load_scenario
from .contract import KINDS, PERSON, STAFF
from .encode import encode
from .events import EventLog, ReplayError, read_events
from .i18n import group_label, t
from .layout import layout, site_shape
from .moments import QUEUING, Moment, clock, moments
from .states import Intervals, intervals


@dataclass(frozen=True)
class Replay:
    """What build_replay wrote."""

    path: Path
    size_bytes: int
    replication: int
    people: int
    entities: int
    rows: int
    moments: list[Moment]


def _scenario(folder: Path) -> Scenario:
    """The folder's scenario.yaml: the site to draw (a bad file is a ScenarioError, located)."""
    path = folder / SCENARIO
    if not path.is_file():
        raise ReplayError(f"{folder} has no scenario.yaml (a results folder written by drill run has one)")
    scenario = load_scenario(path)
    if not isinstance(scenario, Scenario):
        raise ReplayError(f"{path}: a city round has no single site to replay")
    return scenario


def series(spans: Intervals, t0: int, t1: int) -> dict[str, Any]:
    """People queuing at the site, and at the gates, each minute of the day (the curve under the slider)."""
    first = int(np.floor(t0 / 60.0)) * 60
    times = np.arange(first, t1 + 60, 60, dtype=np.int64)
    out: dict[str, Any] = {"t": int(first), "step": 60,
                           "queue": spans.count(spans.select(PERSON, QUEUING), times).tolist()}  # fmt: skip
    gates = spans.select(PERSON, ("gate",))
    out["gates"] = spans.count(gates, times).tolist() if gates.any() else []
    return out


def _words(lang: str) -> dict[str, str]:
    """The words the player draws on the canvas itself."""
    keys = ("more", "closed_count", "no_sampler", "no_registrar")
    return {key: t(key, lang) for key in keys}


def _json(data: Any) -> Markup:
    """JSON for a <script type="application/json">: no '<' (no closing tag) and no '/' (no URL-like text)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace("/", "\\/"))


def _text(value: object) -> Markup:
    """User text (scenario and gate names) escaped for HTML, '/' included: nothing in the page reads as a URL."""
    return Markup(str(escape(str(value))).replace("/", "&#47;"))


def _asset(name: str) -> Markup:
    return Markup(resources.files("sim.replay").joinpath(name).read_text(encoding="utf-8"))


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("sim.replay", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)  # fmt: skip
    env.filters["text"] = _text
    return env


def render(log: EventLog, scenario: Scenario, lang: str) -> tuple[str, list[Moment]]:
    """The page's HTML and the moments it offers."""
    from ..report.fonts import css_font_stack  # matplotlib loads only when a page is built

    shape = site_shape(scenario, log)
    geometry = layout(shape)
    spans = intervals(log)
    found = moments(log, spans, shape, lang)
    events = encode(log, shape.gates)
    open_clock = clock(log.open_s, 0)
    staff_rows = log.kinds[log.entity] == KINDS.index(STAFF)
    start = max(events["t0"], min(0, int(np.min(log.time_s[staff_rows], initial=0))))  # opening, or staff dressing
    meta = {"name": scenario.name, "open_s": log.open_s, "open": open_clock, "replication": log.replication,
            "seed": log.seed, "rows": log.rows, "start": start, "lang": lang,
            "staff_roles": list(shape.station_posts), "lane_posts": shape.lane_posts}  # fmt: skip
    data = {"meta": meta, "layout": geometry, "words": _words(lang),
            "series": series(spans, events["t0"], events["t1"]),
            "moments": [{"key": m.key, "t": m.t_s, "clock": m.clock, "label": m.label}
                        for m in found], **events}  # fmt: skip
    context = {
        "lang": lang, "t": lambda key, **values: t(key, lang, **values), "group": lambda g: group_label(g, lang),
        "font_stack": Markup(css_font_stack()),
        "name": scenario.name, "L": geometry, "shape": shape, "meta": meta, "data": _json(data),
        "moments": data["moments"], "series": data["series"], "t0": events["t0"], "t1": events["t1"],
        "css": _asset("player.css"), "js": _asset("player.js"), "rows": log.rows,
        "groups": [c for c in events["classes"] if c["kind"] == PERSON],
    }  # fmt: skip
    return _environment().get_template("replay.html.j2").render(context), found


def build_replay(results_dir: Path | str, replication: int | None = None, out: Path | str | None = None,
                 lang: str = "en") -> Replay:  # fmt: skip
    """Write the replay of a results folder's event log (default RESULTS_DIR/replay.html)."""
    if lang not in LANGS:
        raise OptionError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    folder = Path(results_dir)
    log = read_events(folder, replication)
    if log.rows == 0:
        raise ReplayError(f"{folder}/events.csv has no events to replay")
    scenario = _scenario(folder)
    html, found = render(log, scenario, lang)
    path = Path(out) if out is not None else folder / REPLAY
    atomic_write(path, html)
    people = int(np.sum(log.kinds == KINDS.index(PERSON)))
    return Replay(path=path, size_bytes=path.stat().st_size, replication=log.replication, people=people,
                  entities=len(log.ids), rows=log.rows, moments=found)  # fmt: skip
