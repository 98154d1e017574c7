"""Every page type passes axe-core with no serious or critical violation, and is usable with the
keyboard: Tab reaches every link and form control, each with a visible focus ring (issue 14).

A page type is a name and how a person gets there (:data:`PAGE_TYPES`); a new kind of page is one
more entry, and both tests run on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.axe import keyboard_walk, violations
from tests.chromium import chromium, console_errors
from tests.editors_world import Site, click, sign_in, site
from tests.test_api_imports import bad_zip

__all__ = ["site"]

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "pages"


def signed_in(driver: Any, site: Site, path: str) -> None:
    """Open ``path`` as the editor, signing in first when this browser has no session."""
    if driver.get_cookie("tacmap_session") is None:
        sign_in(driver, site, site.keys["editor"])
    driver.get(site.url + path)


def signed_out(driver: Any, site: Site, path: str) -> None:
    driver.delete_all_cookies()
    driver.get(site.url + path)


def upload(file: Path, form: str = "bundle") -> Callable[[Any, Site], None]:
    """Choose ``file`` on the upload page and click the form's button: the page that comes back."""

    def reach(driver: Any, site: Site) -> None:
        from selenium.webdriver.common.by import By

        signed_in(driver, site, "/imports")
        driver.find_element(By.ID, f"{form}-file").send_keys(str(file))
        click(driver, f"form:has(#{form}-file) button")

    return reach


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tacmap.graph.ingest.bundle import write_bundle

    from tests.test_api_imports import small_world

    folder = tmp_path_factory.mktemp("uploads")
    broken = folder / "broken.zip"
    broken.write_bytes(bad_zip())
    clean = write_bundle(small_world(), folder / "clean.zip", "zip")
    return {"broken": broken, "clean": clean, "iati": Path(__file__).parent / "data/iati/hand/eu.xml"}


def imported(driver: Any, site: Site, files: dict[str, Path]) -> None:
    """A clean bundle checked, then imported from the checked page: the import report."""
    from selenium.webdriver.common.by import By

    upload(files["clean"])(driver, site)
    driver.find_element(By.ID, "bundle-file").send_keys(str(files["clean"]))
    click(driver, "form:has(#bundle-file) button")


PAGE_TYPES: dict[str, Callable[[Any, Site, dict[str, Path]], None]] = {
    "home": lambda d, s, f: signed_in(d, s, "/"),
    "map": lambda d, s, f: signed_in(d, s, "/maps/coordination"),
    "sign-in": lambda d, s, f: signed_out(d, s, "/sign-in"),
    "signed-in": lambda d, s, f: signed_in(d, s, "/sign-in"),
    "imports": lambda d, s, f: signed_in(d, s, "/imports"),
    "import-problems": lambda d, s, f: upload(f["broken"])(d, s),
    "import-checked": lambda d, s, f: upload(f["clean"])(d, s),
    "import-report": imported,
    "iati-checked": lambda d, s, f: upload(f["iati"], "iati")(d, s),
    "sign-in-arabic": lambda d, s, f: signed_out(d, s, "/sign-in?lang=ar"),
    "imports-arabic": lambda d, s, f: signed_in(d, s, "/imports?lang=ar"),
}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("a11y-profile"), width=1280, height=900) as driver:
        yield driver


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_serious_or_critical_axe_violation(
    browser: Any, site: Site, files: dict[str, Path], kind: str
) -> None:
    PAGE_TYPES[kind](browser, site, files)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{kind}.png"))
    assert violations(browser) == []
    own_status = f"{browser.current_url} - Failed to load resource"  # a problems page is a 422
    assert [m for m in console_errors(browser) if not m.startswith(own_status)] == []


@pytest.mark.parametrize("kind", [k for k in PAGE_TYPES if k != "map"])
def test_tab_reaches_every_control_with_a_visible_focus(
    browser: Any, site: Site, files: dict[str, Path], kind: str
) -> None:
    PAGE_TYPES[kind](browser, site, files)
    walk = keyboard_walk(browser)
    assert walk.controls > 0
    assert walk.missed == 0, f"Tab reached {sorted(walk.reached)} of {walk.controls} controls"
    assert walk.unmarked == []
