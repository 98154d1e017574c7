"""Table and record pages in a real headless Chromium (real clicks): an officer goes from the home
page to Kenya's overlaps in three clicks, sorts and pages, and opens a record; no request leaves the
machine, no console error. Screenshots of each page type land in ``test-artifacts/pages/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import chromium
from tests.map_world import world
from tests.test_maps_browser import assert_clean, server
from tests.test_maps_browser import open_page as open_map

__all__ = ["server", "world"]  # the module-scoped fixtures, imported

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "pages"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def wait_for(driver: Any, what: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(
        lambda b: what in b.current_url and b.execute_script("return document.readyState") == "complete"
    )


def open_page(driver: Any, url: str) -> None:
    open_map(driver, url, map_page=False)


def shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def test_home_to_kenyas_overlaps_in_three_clicks(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(browser, f"{server}/")
    Select(browser.find_element(By.NAME, "state")).select_by_value("KEN")
    browser.find_element(By.CSS_SELECTOR, "#filter-form button[type=submit]").click()  # 1
    wait_for(browser, "state=KEN")
    browser.find_element(By.LINK_TEXT, "Overlaps: possible duplication").click()  # 2
    wait_for(browser, "/overlaps")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Overlaps: possible duplication"
    assert browser.find_element(By.NAME, "state").get_attribute("value") == "KEN"
    table = browser.find_element(By.CSS_SELECTOR, "main table")
    assert "X1" in table.text and "X2" in table.text and "KEN" in table.text
    shot(browser, "question-overlaps")
    assert_clean(browser)
    browser.find_element(By.CSS_SELECTOR, 'main table a[href="/projects/X1"]').click()  # 3: the record
    wait_for(browser, "/projects/X1")
    assert "X1" in browser.find_element(By.CSS_SELECTOR, "table.record").text
    shot(browser, "record-project")
    assert_clean(browser)


def test_sort_page_and_filter_by_clicks(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, f"{server}/states?limit=20")
    shot(browser, "list-states")
    browser.find_element(By.LINK_TEXT, "Next page").click()
    wait_for(browser, "offset=20")
    first = browser.find_element(By.CSS_SELECTOR, "main tbody tr").text
    browser.find_element(By.CSS_SELECTOR, 'th a[href*="sort=iso3"]').click()
    wait_for(browser, "sort=iso3")
    browser.find_element(By.CSS_SELECTOR, 'th a[href*="sort=iso3"]').click()  # again: descending
    wait_for(browser, "order=desc")
    top = browser.find_element(By.CSS_SELECTOR, "main tbody tr td").text
    assert top == "ZWE" and first != browser.find_element(By.CSS_SELECTOR, "main tbody tr").text
    field = browser.find_element(By.NAME, "q")
    field.send_keys("kenya")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(browser, "q=kenya")
    assert [r.text.split()[0] for r in browser.find_elements(By.CSS_SELECTOR, "main tbody tr")] == ["KEN"]
    assert_clean(browser)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/gaps", "question-gaps"),
        ("/networks/metrics", "question-metrics"),
        ("/overlaps?state=GHA", "question-empty"),
        ("/gaps?lang=ar", "question-gaps-arabic"),
    ],
)
def test_question_pages_render_clean(browser: Any, server: str, path: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, f"{server}{path}")
    assert browser.find_element(By.CSS_SELECTOR, "main form")
    if name == "question-empty":
        assert browser.find_element(By.CSS_SELECTOR, "p.empty").text
    else:
        assert browser.find_elements(By.CSS_SELECTOR, "main tbody tr")
    shot(browser, name)
    assert_clean(browser)
