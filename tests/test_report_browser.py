"""A real browser loads report.html: headless Chromium takes a screenshot of a non-blank page with figures."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from sim import load_scenario
from sim.experiment import run
from sim.report import build_report
from sim.results import write_results

SCENARIO = Path(__file__).parent.parent / "scenarios" / "xinhua-drill.yaml"
WAITING_ZONE_FILL = np.array([0xE8, 0xF0, 0xFB]) / 255  # the schematic's waiting zone (not used by the page's CSS)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return found


def screenshot(browser: str, html: Path, png: Path, profile: Path) -> None:
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
        f"--screenshot={png}", "--window-size=1240,1754", html.resolve().as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert png.is_file(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chromium_shows_the_report_with_its_figures(tmp_path: Path, lang: str) -> None:
    browser = chromium()
    results = tmp_path / "results"
    write_results(run(load_scenario(SCENARIO), 2), results, str(SCENARIO))
    report = build_report(results, lang, pdf=False)
    png = tmp_path / "shot.png"
    screenshot(browser, report.html, png, tmp_path / "profile")

    image = mpimg.imread(png)[..., :3]
    assert image.shape[:2] == (1754, 1240)
    near_white = np.all(image > 0.97, axis=-1)
    assert near_white.mean() < 0.9, "the page is (almost) blank"
    colours = np.unique((image * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 500, f"only {len(colours)} colours: text and figures did not render"
    dark = np.all(image < 0.3, axis=-1)
    assert dark.mean() > 0.005, "no text on the page"
    # the site schematic (an embedded PNG) is on the first page: its waiting-zone fill shows
    waiting_zone = np.all(np.abs(image - WAITING_ZONE_FILL) < 4 / 255, axis=-1)
    assert waiting_zone.sum() > 3000, "the embedded figures did not load"
