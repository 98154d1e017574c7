"""The editors' pages with real clicks in headless Chromium (issue 14): sign in with a key, sign out,
a revoked key's session refused; an editor uploads a broken bundle, sees the row errors, fixes
nothing and finds the store unchanged; a form without its CSRF token is refused. No request leaves
the machine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import chromium, console_errors, local, traffic
from tests.editors_world import Site, click, sign_in, site
from tests.test_api_imports import bad_zip

__all__ = ["site"]

pytestmark = pytest.mark.browser


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    with chromium(tmp_path / "profile", width=1280, height=900) as driver:
        yield driver


def text(driver: Any) -> str:
    return driver.find_element("tag name", "body").text


def test_sign_in_then_sign_out(browser: Any, site: Site) -> None:
    from selenium.webdriver.common.by import By

    browser.get("about:blank")
    traffic(browser)  # a fresh browser's own start-up requests
    browser.get(site.url + "/")
    assert "/sign-in?next=%2F" in browser.current_url  # not signed in: sent to sign in
    browser.find_element(By.ID, "key").send_keys(site.keys["viewer"])
    click(browser, "form[action='/sign-in'] button")
    assert browser.current_url == site.url + "/"
    assert browser.find_elements(By.CSS_SELECTOR, "#numbers li")  # the home page, for a viewer
    cookie = browser.get_cookie("tacmap_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert browser.execute_script("return document.cookie") == ""  # no script can read it
    browser.get(site.url + "/sign-in")
    assert "(viewer)" in text(browser)
    click(browser, "form[action='/sign-out'] button")
    assert browser.current_url == site.url + "/sign-in"
    assert browser.get_cookie("tacmap_session") is None
    browser.get(site.url + "/")
    assert "/sign-in" in browser.current_url
    seen = traffic(browser)
    assert [u for u in seen.urls if not local(u)] == []


def test_a_wrong_key_is_refused_on_the_page(browser: Any, site: Site) -> None:
    from selenium.webdriver.common.by import By

    sign_in(browser, site, "tm_000000000000_not-a-key")
    assert "not valid or has been revoked" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert browser.get_cookie("tacmap_session") is None


def test_a_revoked_keys_session_is_refused(browser: Any, site: Site) -> None:
    record, key = site.services.keys.create("editor", "revoked soon")
    sign_in(browser, site, key, "/sign-in?next=/imports")
    assert browser.current_url == site.url + "/imports"
    site.services.keys.revoke(record.id)
    browser.get(site.url + "/imports")
    assert "/sign-in?next=%2Fimports" in browser.current_url
    browser.get(site.url + "/needs?format=json")
    assert "session has ended" in text(browser)


def test_broken_bundle_shows_row_errors_and_changes_nothing(browser: Any, site: Site, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    broken = tmp_path / "broken.zip"
    broken.write_bytes(bad_zip())
    before = site.store.export()
    sign_in(browser, site, site.keys["editor"], "/sign-in?next=/imports")
    browser.find_element(By.ID, "bundle-file").send_keys(str(broken))
    click(browser, "form:has(#bundle-file) button")
    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    assert [r[:4] for r in rows] == [["needs.csv", "2", "state", "XXK"], ["needs.csv", "3", "article", "99"]]
    assert all(r[4] for r in rows)  # each says how to fix it
    assert "nothing was written" in text(browser)
    browser.find_element(By.LINK_TEXT, "Back to imports").click()
    assert browser.current_url == site.url + "/imports"
    assert site.store.export() == before
    own = f"{site.url}/imports - Failed to load resource"  # the problems page is a 422
    assert [m for m in console_errors(browser) if not m.startswith(own)] == []


def test_a_form_without_its_csrf_token_is_refused(browser: Any, site: Site, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    broken = tmp_path / "broken.zip"
    broken.write_bytes(bad_zip())
    sign_in(browser, site, site.keys["editor"], "/sign-in?next=/imports")
    browser.execute_script("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    browser.find_element(By.ID, "bundle-file").send_keys(str(broken))
    click(browser, "form:has(#bundle-file) button")
    assert "not sent from tacmap's own page" in text(browser)
    browser.get(site.url + "/imports")
    browser.execute_script("document.querySelectorAll('input[name=csrf]').forEach(e => e.value = 'forged')")
    click(browser, "form[action='/sign-out'] button")
    assert "not sent from tacmap's own page" in text(browser)
    assert (
        browser.get_cookie("tacmap_session") is not None
    )  # still signed in: the forged sign-out did nothing
