"""Headless Chromium for the browser tests and the map benchmark: Debian's chromium and chromedriver,
driven by Selenium (never a browser download), with console and network logs.

    with chromium(tmp_path) as driver:
        driver.get(page.as_uri())
        assert not console_errors(driver) and not failed_requests(driver)
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


def available() -> bool:
    """Whether Debian's chromium and chromedriver and the selenium package are installed."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


@contextmanager
def chromium(
    profile: Path | None = None,
    width: int = 1600,
    height: int = 1000,
    *,
    page_load: str = "normal",
    command_timeout: float | None = None,
) -> Iterator[Any]:
    """A Selenium driver for a fresh headless Chromium (profile in ``profile`` or a temporary folder).

    ``page_load="none"`` returns from ``get`` at once; ``command_timeout`` (seconds) lets one command wait
    on a page whose script keeps the browser busy for minutes (the benchmark's pyvis defaults)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    own = profile is None
    folder = Path(tempfile.mkdtemp(prefix="tacmap-chromium-")) if own else profile
    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={folder}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.page_load_strategy = page_load
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    if command_timeout is not None:
        driver.command_executor.client_config.timeout = command_timeout
    try:
        yield driver
    finally:
        driver.quit()
        if own:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Traffic:
    """What the page asked the network for, from Chromium's performance log."""

    urls: list[str]
    failed: list[str]


def traffic(driver: Any) -> Traffic:
    """Requests made and requests failed since the last call (the log is drained when read)."""
    urls: list[str] = []
    failed: list[str] = []
    ids: dict[str, str] = {}
    for entry in driver.get_log("performance"):
        message: dict[str, Any] = json.loads(entry["message"])["message"]
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            ids[params["requestId"]] = url
            urls.append(url)
        elif method == "Network.loadingFailed":
            failed.append(f"{ids.get(params['requestId'], '?')}: {params.get('errorText')}")
        elif method == "Network.responseReceived" and params["response"].get("status", 200) >= 400:
            failed.append(f"{params['response']['url']}: HTTP {params['response']['status']}")
    return Traffic(urls, failed)


def console_errors(driver: Any) -> list[str]:
    """Console messages of level SEVERE (errors) since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def local(url: str) -> bool:
    """Whether a request stays on this machine (the page itself, inline data, or 127.0.0.1)."""
    return url.startswith(("file://", "data:", "blob:", "about:", "http://127.0.0.1", "http://localhost"))
