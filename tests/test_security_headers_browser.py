"""The Content-Security-Policy the API sends (issue 16) is one the pages actually satisfy: the
home page, every kind of map and the API docs load in headless Chromium with the policy in force,
draw, and log no CSP violation; a script the page did not ship is refused."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from tacmap.viz.filters import KINDS

from tests.chromium import console_errors
from tests.map_world import AS_OF, world
from tests.test_maps_browser import browser, open_page, server

__all__ = ["browser", "server", "world"]

pytestmark = pytest.mark.browser


def violations(driver: Any) -> list[str]:
    """CSP violations since the last call: the console's and those the page itself counted."""
    logged = [m for m in console_errors(driver) if "Content Security Policy" in m]
    counted = driver.execute_script("return window.__csp || [];")
    return logged + counted


def watch(driver: Any) -> None:
    """Count violations from the start of every page from now on (before its own scripts run)."""
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.__csp = []; document.addEventListener('securitypolicyviolation', "
            "function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });"
        },
    )


def test_pages_send_the_security_headers(server: str) -> None:
    for path in ("/", f"/maps/gaps?as_of={AS_OF.isoformat()}", "/docs", "/states"):
        headers = httpx.get(server + path, timeout=60).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        policy = headers["content-security-policy"]
        if path == "/states":
            assert policy == "default-src 'none'; frame-ancestors 'none'"
        else:
            assert (
                "script-src 'self' 'sha256-" in policy
                and "'unsafe-inline'" not in policy.split("style-src")[0]
            )


def test_home_page_and_docs_satisfy_the_policy(browser: Any, server: str) -> None:
    watch(browser)
    open_page(browser, f"{server}/?as_of={AS_OF.isoformat()}", map_page=False)
    assert browser.find_elements("css selector", "#numbers li")
    assert violations(browser) == []
    open_page(browser, f"{server}/docs", map_page=False)
    deadline = time.monotonic() + 20
    while not browser.find_elements("css selector", ".swagger-ui .info"):
        assert time.monotonic() < deadline, "Swagger UI never drew"
        time.sleep(0.1)
    assert violations(browser) == []


@pytest.mark.parametrize("kind", KINDS)
def test_maps_satisfy_the_policy(browser: Any, server: str, kind: str) -> None:
    watch(browser)
    query = "node=State:KEN&" if kind == "ego" else ""
    open_page(browser, f"{server}/maps/{kind}?{query}as_of={AS_OF.isoformat()}")
    assert browser.execute_script("return tacmap.network.body.data.nodes.length") > 0
    assert violations(browser) == []


def test_a_script_the_page_did_not_ship_is_refused(browser: Any, server: str) -> None:
    watch(browser)
    open_page(browser, f"{server}/", map_page=False)
    ran = browser.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.__injected = true;';"
        "document.body.appendChild(s); return !!window.__injected;"
    )
    assert ran is False
    assert any("script-src" in v for v in violations(browser))
