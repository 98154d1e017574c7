"""The briefs and the matrix picture in headless Chromium, over the seed: the State brief printed
to PDF (A4 pages, its sections present), a donor finding gaps next to its portfolio from the home
page with real clicks, a click on a matrix cell opening the gaps behind it. Screenshots of each
page kind go to ``test-artifacts/``."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tacmap.graph.store import EmbeddedStore, Store

from tests.chromium import chromium, console_errors
from tests.test_api_support import load_seed
from tests.test_maps_browser import api_in_thread

pytestmark = pytest.mark.browser

AS_OF = "2009-09-01"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = EmbeddedStore(tmp_path_factory.mktemp("seed"))
    load_seed(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def server(seeded: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API (anonymous reads on) over the seed, in a thread."""
    yield from api_in_thread(seeded, tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), width=1280, height=900) as driver:
        yield driver


def shot(driver: Any, name: str) -> None:
    """The whole page as ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 900), 6000))
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    driver.set_window_size(1280, 900)


def test_state_brief_prints_as_clean_a4_pages(browser: Any, server: str) -> None:
    from pypdf import PdfReader

    browser.get(f"{server}/states/KEN.html?as_of={AS_OF}")
    assert console_errors(browser) == []
    shot(browser, "state-brief")
    printed = browser.execute_cdp_cmd(
        "Page.printToPDF",
        {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True, "preferCSSPageSize": True},
    )
    body = base64.b64decode(printed["data"])
    (ARTIFACTS / "state-brief.pdf").write_bytes(body)
    pdf = PdfReader(io.BytesIO(body))
    assert 1 <= len(pdf.pages) <= 6
    for p in pdf.pages:  # A4: 595 x 842 points
        assert (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842)
    text = " ".join(p.extract_text() for p in pdf.pages)
    for words in ("State brief: Kenya", "Needs by article", "Live projects", "Funders' shares", "Networks"):
        assert words in text
    assert "As of" not in text and "This page as data" not in text  # forms and twins are not printed


def test_matrix_cell_shows_details_on_focus_and_opens_its_gaps(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{server}/matrix.html?as_of={AS_OF}")
    assert console_errors(browser) == []
    shot(browser, "matrix")
    cell = browser.find_element(By.CSS_SELECTOR, "table.heat td a")
    tip = cell.find_element(By.XPATH, "following-sibling::span[@class='tip']")
    assert not tip.is_displayed()
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # from the top, by keyboard
    while browser.switch_to.active_element != cell:
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert tip.is_displayed() and "needs covered" in tip.text
    target = cell.get_attribute("href")
    assert "/gaps?" in target and "article=" in target and "group=" in target
    cell.click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url == target)


def test_matrix_form_changes_the_dimensions(browser: Any, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(f"{server}/matrix.html?as_of={AS_OF}")
    Select(browser.find_element(By.NAME, "rows")).select_by_value("chapter")
    Select(browser.find_element(By.NAME, "cols")).select_by_value("level")
    browser.find_element(By.CSS_SELECTOR, "main form button").click()
    WebDriverWait(browser, 10).until(lambda d: "rows=chapter" in d.current_url)
    assert "cols=level" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "table.heat tbody th")
    assert rows and rows[0].text.startswith("II. ")  # chapters in the Convention's order (I has no needs)


def test_donor_brief_in_arabic_screenshot(browser: Any, server: str) -> None:
    browser.get(f"{server}/providers/dfid.html?as_of={AS_OF}&lang=ar")
    assert console_errors(browser) == []
    assert browser.find_element("css selector", "html").get_attribute("dir") == "rtl"
    shot(browser, "donor-brief-ar")


def test_a_donor_finds_gaps_next_to_its_portfolio_from_the_home_page(browser: Any, server: str) -> None:
    """Home page: choose the provider and the day in the filters, apply, open its brief, read the gaps
    next to its work, open the gaps behind one (each a real click)."""
    import httpx
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    def click(element: Any) -> None:
        before = browser.current_url
        element.click()
        WebDriverWait(browser, 10).until(lambda d: d.current_url != before)

    browser.get(f"{server}/")
    form = browser.find_element(By.ID, "filter-form")
    Select(form.find_element(By.NAME, "provider")).select_by_value("dfid")
    browser.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "as_of"), AS_OF)
    click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    click(browser.find_element(By.PARTIAL_LINK_TEXT, "Donor brief: "))
    assert browser.current_url == f"{server}/providers/dfid?as_of={AS_OF}"
    rows = browser.find_elements(By.CSS_SELECTOR, "#near tbody tr")
    assert rows, "DFID has gaps next to its work in the seed"
    assert browser.find_elements(By.CSS_SELECTOR, "#portfolio tbody tr")
    assert console_errors(browser) == []
    shot(browser, "donor-brief")
    gap_link = rows[0].find_elements(By.TAG_NAME, "td")[1].find_element(By.TAG_NAME, "a")
    target = gap_link.get_attribute("href")
    click(gap_link)
    assert browser.current_url == target and "/gaps?" in target
    gaps = httpx.get(target.replace("/gaps?", "/gaps?format=json&"), timeout=30).json()
    assert gaps["total"] >= 1  # the gap it listed is among the gaps behind the link
