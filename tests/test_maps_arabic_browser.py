"""An Arabic map in a real headless Chromium: the page is right to left and mirrored, the legend and the
State labels are in Arabic (from the catalog and the reference data), nothing fails, and a screenshot
with a drawn map lands in ``test-artifacts/maps/``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tacmap.graph.store import Store
from tacmap.i18n import _, use
from tacmap.viz.labels import text_width
from tacmap.viz.maps import build_map, map_spec
from tacmap.viz.style import FONT_SIZE

from tests.chromium import chromium, console_errors, local, traffic
from tests.map_world import AS_OF, EXPECTED, world

__all__ = ["world"]  # the module-scoped fixture, imported

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "maps"


@pytest.fixture(scope="module")
def page(world: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("arabic") / "coordination-ar.html"
    path.write_text(build_map(world, "coordination", as_of=AS_OF, lang="ar"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, page: Path) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        driver.get("about:blank")
        traffic(driver)
        console_errors(driver)
        driver.get(page.as_uri())
        deadline = time.monotonic() + 15
        while not driver.execute_script("return !!(window.tacmap && window.tacmap.ready)"):
            assert time.monotonic() < deadline, "the map never drew its first picture"
            time.sleep(0.05)
        yield driver


def test_page_is_right_to_left_and_mirrored(browser: Any) -> None:
    assert browser.execute_script("return document.documentElement.dir") == "rtl"
    assert browser.execute_script("return document.documentElement.lang") == "ar"
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    aside, drawing = browser.execute_script(
        "return [document.querySelector('aside').getBoundingClientRect().toJSON(),"
        " document.getElementById('map').getBoundingClientRect().toJSON()];"
    )
    assert aside["right"] <= drawing["left"] + 1  # the side panel moved to the left
    border = browser.execute_script(
        "return getComputedStyle(document.querySelector('aside')).borderRightWidth"
    )
    assert border == "1px"  # the border follows it, facing the map


def test_legend_and_labels_are_arabic(browser: Any, world: Store) -> None:
    spec = map_spec(world, "coordination", as_of=AS_OF)  # English, to look the words up in the catalog
    with use("ar"):
        expected = [_(e.label) for e in spec.legend]
        title = _("Legend")
    assert expected[0] == "دولة (موضوعة في مركزها الجغرافي)"
    legend = browser.execute_script(
        "return Array.from(document.querySelectorAll('#legend li span')).map(function (s) { return s.textContent; });"
    )
    assert legend == expected
    assert browser.execute_script("return document.getElementById('legend-title').textContent") == title
    drawn = browser.execute_script(
        "var d = tacmap.network.body; return [d.data.nodes.length, d.data.edges.length,"
        " tacmap.nodes.get('State:KEN').label, d.nodes['State:KEN'].options.label,"
        " tacmap.nodes.get('State:GHA').label];"
    )
    assert drawn == [*EXPECTED["coordination"], "كينيا", "كينيا", "غانا"]


def test_arabic_labels_fit_their_estimated_width(browser: Any) -> None:
    """viz/labels.py keeps labels apart by estimating their width; Arabic must not be underestimated."""
    widths = browser.execute_script(
        "var c = document.createElement('canvas').getContext('2d'); c.font = arguments[0];"
        "return tacmap.nodes.get({filter: function (n) { return !!n.label; }})"
        ".map(function (n) { return [n.label, c.measureText(n.label).width]; });",
        f"{FONT_SIZE:g}px Arial, sans-serif",
    )
    arabic = [(text, w) for text, w in widths if any("\u0600" <= ch <= "\u06ff" for ch in text)]
    assert len(arabic) >= 2
    assert [(text, w) for text, w in arabic if w > text_width(text, FONT_SIZE)] == []


def test_clean_load_and_screenshot(browser: Any) -> None:
    seen = traffic(browser)
    assert [u for u in seen.urls if not local(u)] == [] and seen.failed == []
    assert console_errors(browser) == []
    inked = browser.execute_script(
        "var c = document.querySelector('#map canvas'), x = c.getContext('2d');"
        "var d = x.getImageData(0, 0, c.width, c.height).data, n = 0, colours = {};"
        "for (var i = 0; i < d.length; i += 4) {"
        "  if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) { n++; }"
        "  colours[(d[i] << 16) | (d[i + 1] << 8) | d[i + 2]] = 1; }"
        "return [n, Object.keys(colours).length];"
    )
    assert inked[0] > 2000 and inked[1] > 20  # nodes, lines and Arabic labels, not a blank canvas
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "coordination-ar.png"
    browser.save_screenshot(str(shot))
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 30_000
