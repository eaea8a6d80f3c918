"""A real browser opens replay.html at deep links (#t=HH:MM): every counter equals the count computed from
events.csv at that time, nothing is logged to the console, nothing is fetched, and a screenshot is taken."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from replay_cases import TINY_EXPECTED, expected_counters, minutes_of, reference_counts, write_tiny
from replay_events import write_events
from test_report_browser import chromium

from sim import load_scenario, variant
from sim.replay import build_replay

SCENARIOS = Path(__file__).parent.parent / "scenarios"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr",
         "--v=0"]  # fmt: skip


class Dom(HTMLParser):
    """What the page shows after its script ran: counters, "+n more" summaries, stations, and its own state."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.counters: dict[str, str] = {}
        self.more: dict[str, str] = {}
        self.stations: dict[int, tuple[str, str]] = {}
        self.root: dict[str, str] = {}
        self.clock = ""
        self.data = ""
        self._open: list[tuple[dict[str, str], str]] = []
        self._in_data = self._clock = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.root = a
        if "data-station" in a:
            self.stations[int(a["data-station"])] = (a["data-reg"], a["data-smp"])
        if "data-clock" in a:
            self._clock = True
        if "data-zone" in a:
            self._open.append((self.counters, a["data-zone"]))
            self.counters[a["data-zone"]] = ""
        elif "data-more" in a:
            self._open.append((self.more, a["data-more"]))
            self.more[a["data-more"]] = ""
        self._in_data = a.get("id") == "replay-data"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("tspan", "text") and self._open:
            self._open.pop()
        self._in_data = self._clock = False

    def handle_data(self, data: str) -> None:
        if self._clock:
            self.clock += data
        if self._open:
            store, key = self._open[-1]
            store[key] += data
        if self._in_data:
            self.data += data


def open_at(browser: str, page: Path, fragment: str, profile: Path) -> tuple[Dom, str]:
    """The page's DOM after load, opened at `fragment`, and what the browser logged."""
    url = f"{page.resolve().as_uri()}#{fragment}"
    done = subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    dom = Dom()
    dom.feed(done.stdout)
    return dom, done.stderr


def check_page(dom: Dom, log: str) -> None:
    assert dom.root.get("data-ready") == "1", f"the player did not start: {log[-2000:]}"
    assert "data-error" not in dom.root, dom.root.get("data-error")
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert not console, console


def open_many(browser: str, page: Path, fragments: list[str], tmp: Path) -> list[tuple[Dom, str]]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(
            pool.map(lambda k: open_at(browser, page, fragments[k], tmp / f"profile-{k}"), range(len(fragments)))
        )


def counters_at(dom: Dom) -> dict[str, int]:
    return {name: int(text) for name, text in dom.counters.items()}


def test_the_hand_worked_day_at_every_moment(tmp_path: Path) -> None:
    browser = chromium()
    write_tiny(tmp_path)
    page = build_replay(tmp_path).path
    clocks = ["07:55", "08:04", "08:07", "08:08", "08:20", "08:30", "09:10"]  # the day's turns, each side of a row
    doms = {}
    for clock, (dom, log) in zip(clocks, open_many(browser, page, [f"t={c}" for c in clocks], tmp_path), strict=True):
        check_page(dom, log)
        shown = counters_at(dom)
        reference = expected_counters(tmp_path / "events.csv", minutes_of(clock, "08:00"), 2, list(shown))
        assert shown == reference, clock
        assert shown == {name: TINY_EXPECTED[clock].get(name, 0) for name in shown}, clock
        assert dom.clock == f"{clock}:00"  # opened paused at the linked time
        doms[clock] = dom
    assert doms["08:08"].stations == {1: ("busy", "idle"), 2: ("idle", "busy")}  # registrar 1 and sampler 2 at work
    assert doms["08:30"].stations == {1: ("idle", "off"), 2: ("idle", "idle")}  # no sampler on duty at station 1
    assert doms["07:55"].stations == {1: ("off", "off"), 2: ("off", "off")}  # before opening


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A seed day with stations closing while staff change (Xinhua, short roster) and one with 25 gates."""
    out = {}
    xinhua = variant(load_scenario(SCENARIOS / "xinhua-drill.yaml"), {"staff.sampler.roster": 5,
                                                                      "staff.registrar.roster": 6})  # fmt: skip
    for name, scenario in (("xinhua", xinhua), ("taoyuan", SCENARIOS / "taoyuan-north-west.yaml")):
        folder = tmp_path_factory.mktemp(name)
        write_events(scenario, folder)
        out[name] = folder
    return out


@pytest.mark.parametrize(("day", "clocks", "stations"), [
    ("xinhua", ["08:25", "09:40", "11:27", "13:10"], 5),
    ("taoyuan", ["08:40", "11:10", "12:47"], 6),
])  # fmt: skip
def test_every_counter_equals_the_count_from_events_csv(days: dict[str, Path], day: str, clocks: list[str],
                                                        stations: int, tmp_path: Path) -> None:  # fmt: skip
    browser = chromium()
    folder = days[day]
    page = build_replay(folder).path
    open_clock = json.loads((folder / "events.json").read_text())["open"]
    for clock, (dom, log) in zip(clocks, open_many(browser, page, [f"t={c}" for c in clocks], tmp_path), strict=True):
        check_page(dom, log)
        shown = counters_at(dom)
        assert {"waiting", "outside", "isolation", "stations-busy", "swabbed"} <= set(shown)
        reference = expected_counters(folder / "events.csv", minutes_of(clock, open_clock), stations, list(shown))
        assert shown == reference, clock
        assert shown["swabbed"] > 0 or clock == clocks[0]


def test_a_crowd_is_summed_up_not_drawn(days: dict[str, Path], tmp_path: Path) -> None:
    """At Taoyuan's busiest moment the queue at the entrance outgrows its area: the rest are '+n more'."""
    browser = chromium()
    folder = days["taoyuan"]
    page = build_replay(folder).path
    ((dom, log),) = open_many(browser, page, ["t=12:47"], tmp_path)
    check_page(dom, log)
    slots = json.loads(dom.data)["layout"]["arriving"]["grid"]["slots"]
    arriving = reference_counts(folder / "events.csv", minutes_of("12:47", "08:00"))["_arriving"]
    assert arriving > slots, "the case needs a crowd at the entrance"
    assert dom.more["arriving"] == f"+{arriving - (slots - 1)} more"
    assert dom.more["waiting"] == "" and dom.more["outside"] == ""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_screenshot_of_a_busy_moment(days: dict[str, Path], tmp_path: Path, lang: str) -> None:
    browser = chromium()
    page = build_replay(days["xinhua"], out=tmp_path / f"replay-{lang}.html", lang=lang).path
    png = tmp_path / f"replay-{lang}.png"
    command = [browser, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}",
               "--window-size=1366,768", f"{page.resolve().as_uri()}#t=11:27"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert png.is_file(), done.stderr[-2000:]
    assert not [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    image = mpimg.imread(png)[..., :3]
    assert image.shape[:2] == (768, 1366)
    assert np.all(image > 0.97, axis=-1).mean() < 0.8, "the page is (almost) blank"
    waiting_blue = np.all(np.abs(image - np.array([0x25, 0x63, 0xEB]) / 255) < 0.08, axis=-1)
    assert waiting_blue.sum() > 2000, "the dots (adults, blue) were not drawn"
