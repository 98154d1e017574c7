"""The maps and the home page in a real headless Chromium (Debian's, driven by Selenium).

For each map kind: the page loads with no failed request and no request leaving file:// or 127.0.0.1, no
console error, vis-network draws the expected nodes and edges, clicking a node shows its tooltip text (and
hovering shows vis-network's own tooltip), and a screenshot lands in ``test-artifacts/maps/``. The home
page is served by the API app (uvicorn on a free port): its numbers render and every link answers.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tacmap.graph.schema import mapping
from tacmap.graph.store import EmbeddedStore, Store
from tacmap.viz.filters import KINDS
from tacmap.viz.labels import text_width
from tacmap.viz.maps import build_map
from tacmap.viz.style import FONT_SIZE

from tests.chromium import available, chromium, console_errors, local, traffic
from tests.map_world import AS_OF, EGO_NODE, EXPECTED, XSS_NAME, XSS_TITLE, world

__all__ = ["world"]  # the module-scoped fixture, imported

pytestmark = pytest.mark.browser


def test_chromium_is_installed() -> None:
    """The browser tests need Debian's chromium and chromium-driver (`.ci/run` installs them)."""
    assert available(), "install chromium and chromium-driver (apt-get install chromium chromium-driver)"


ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "maps"
CLICK: dict[str, str] = {  # a node to click on each map
    "coordination": "State:KEN",
    "overlaps": "Project:X1",
    "gaps": "Need:n-ken-5",
    "pairings": "State:GHA",
    "ego": "State:KEN",
}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def open_page(driver: Any, url: str, *, map_page: bool = True) -> None:
    """Load ``url`` with the logs drained first, and wait for the first picture of a map."""
    driver.get("about:blank")
    traffic(driver)
    console_errors(driver)
    driver.get(url)
    if map_page:
        deadline = time.monotonic() + 15
        while not driver.execute_script("return !!(window.tacmap && window.tacmap.ready)"):
            assert time.monotonic() < deadline, "the map never drew its first picture"
            time.sleep(0.05)


def assert_clean(driver: Any) -> None:
    seen = traffic(driver)
    assert [u for u in seen.urls if not local(u)] == []
    assert seen.failed == []
    assert console_errors(driver) == []


def click_node(driver: Any, node: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    dom = driver.execute_script(
        "var n = tacmap.network; return n.canvasToDOM(n.getPositions([arguments[0]])[arguments[0]]);", node
    )
    container = driver.find_element(By.ID, "map")
    size = container.size
    ActionChains(driver).move_to_element_with_offset(
        container, int(dom["x"] - size["width"] / 2), int(dom["y"] - size["height"] / 2)
    ).pause(0.6).click().perform()


def no_alert(driver: Any) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert  # noqa: B018 - raises when there is none
    except NoAlertPresentException:
        return True
    return False


@pytest.mark.parametrize("kind", KINDS)
def test_map_in_chromium(browser: Any, world: Store, tmp_path: Path, kind: str) -> None:
    from selenium.webdriver.common.by import By

    page = tmp_path / f"{kind}.html"
    page.write_text(
        build_map(world, kind, **({"node": EGO_NODE} if kind == "ego" else {"as_of": AS_OF})),
        encoding="utf-8",
    )
    open_page(browser, page.as_uri())
    assert_clean(browser)
    drawn = browser.execute_script(
        "var d = tacmap.network.body.data; return [d.nodes.length, d.edges.length];"
    )
    assert tuple(drawn) == EXPECTED[kind]
    node = CLICK[kind]
    title = browser.execute_script("return tacmap.nodes.get(arguments[0]).title;", node)
    click_node(browser, node)
    assert browser.find_element(By.ID, "details").text == title.strip()
    tooltip = browser.find_element(By.CSS_SELECTOR, ".vis-tooltip")  # vis-network's hover tooltip
    assert tooltip.is_displayed() and title.splitlines()[0] in tooltip.text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{kind}.png"))
    assert no_alert(browser) and console_errors(browser) == []


def test_hostile_text_shows_as_text(browser: Any, world: Store, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    page = tmp_path / "ghana.html"
    page.write_text(build_map(world, "ego", node="State:GHA"), encoding="utf-8")
    open_page(browser, page.as_uri())
    box = browser.find_element(By.ID, "search")
    box.send_keys("alert(1)</script")
    assert browser.find_element(By.ID, "search-result").text == "1 found"
    assert XSS_TITLE in browser.find_element(By.ID, "details").text  # shown as text, not run
    box.clear()
    box.send_keys("onerror")
    click_node(browser, "Provider:evil")
    assert XSS_NAME in browser.find_element(By.ID, "details").text
    assert browser.execute_script("return document.querySelectorAll('#details *').length") == 0
    assert no_alert(browser)
    assert_clean(browser)


def test_search_highlights_and_names(browser: Any, world: Store, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    page = tmp_path / "coordination.html"
    page.write_text(build_map(world, "coordination"), encoding="utf-8")
    open_page(browser, page.as_uri())
    browser.find_element(By.ID, "search").send_keys("ghana")
    assert browser.find_element(By.ID, "search-result").text == "1 found"
    assert browser.execute_script("return tacmap.network.getSelectedNodes();") == ["State:GHA"]
    browser.find_element(By.ID, "search-clear").click()
    assert browser.execute_script("return tacmap.network.getSelectedNodes();") == []


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from tacmap.seed.generate import generate

    store = EmbeddedStore(tmp_path_factory.mktemp("seed") / "data")
    store.write(mapping.to_changes(generate(1)))
    yield store
    store.close()


def test_label_widths_are_not_underestimated(browser: Any, seeded: Store, tmp_path: Path) -> None:
    """The label placement (viz/labels.py) estimates text widths; the browser's own measure of every
    drawn label must be within that estimate, or labels could overlap on screen."""
    page = tmp_path / "coordination.html"
    page.write_text(build_map(seeded, "coordination"), encoding="utf-8")
    open_page(browser, page.as_uri())
    assert_clean(browser)
    widths = browser.execute_script(
        "var c = document.createElement('canvas').getContext('2d'); c.font = arguments[0];"
        "return tacmap.nodes.get({filter: function (n) { return !!n.label; }})"
        ".map(function (n) { return [n.label, c.measureText(n.label).width]; });",
        f"{FONT_SIZE:g}px Arial, sans-serif",
    )
    assert len(widths) > 40
    too_wide = [(text, w) for text, w in widths if w > text_width(text, FONT_SIZE)]
    assert too_wide == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "seed-coordination.png"))


# -- the home page, served by the API ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(world: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API app (anonymous reads on) over the hand-built world, in a thread."""
    yield from api_in_thread(world, tmp_path_factory.mktemp("api"))


def api_in_thread(store: Store, data_dir: Path) -> Iterator[str]:
    """The API app (anonymous reads on) over ``store`` in a thread: its address until closed."""
    import tacmap.api.app as app_module
    import uvicorn
    from tacmap.graph.settings import Settings

    settings = Settings(store="embedded", data_dir=data_dir, anonymous_read=True)
    app = app_module.create_app(settings, store=store)
    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)


def test_home_page_numbers_and_links(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, f"{server}/?as_of={AS_OF.isoformat()}", map_page=False)
    numbers = {
        li.get_attribute("id"): li.find_element(By.CLASS_NAME, "value").text
        for li in browser.find_elements(By.CSS_SELECTOR, "#numbers li")
    }
    assert numbers == {"states-with-needs": "3", "coverage": "33 %", "overlap-pairs": "1", "orphans": "1"}
    assert_clean(browser)
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")]
    assert len(links) >= 15 and all(link.startswith(server) for link in links)
    statuses = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "Promise.all(arguments[0].map(function (u) { return fetch(u).then(function (r) { return [u, r.status]; }); }))"
        ".then(done, function (e) { done([['error', String(e)]]); });",
        links,
    )
    assert [(u, s) for u, s in statuses if s != 200] == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "home.png"))
    for link in links:
        if "/maps/" in link:
            open_page(browser, link)
            assert_clean(browser)


def test_home_page_forms(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    open_page(browser, f"{server}/", map_page=False)
    Select(browser.find_element(By.NAME, "group")).select_by_value("african")
    browser.find_element(By.CSS_SELECTOR, "#filter-form button[type=submit]").click()
    # the form submits by navigation: wait for the new page rather than read the URL mid-flight
    WebDriverWait(browser, 15).until(lambda b: "group=african" in b.current_url)
    assert "group=african" in browser.current_url
    assert "African Group" in browser.find_element(By.ID, "filters").text
    browser.find_element(By.NAME, "node").send_keys(EGO_NODE)
    browser.find_element(By.CSS_SELECTOR, "#ego-form button[type=submit]").click()
    deadline = time.monotonic() + 15
    while not browser.execute_script("return !!(window.tacmap && window.tacmap.ready)"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "/maps/ego?" in browser.current_url and "Kenya" in browser.title
    assert no_alert(browser)
