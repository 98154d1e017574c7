"""A running API (in a thread) with anonymous reading off, over a small world, and a key per role:
the server of the editors' browser tests and of the accessibility test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tacmap.graph.store import EmbeddedStore

from tests.processes import free_port
from tests.test_api_imports import small_world
from tests.test_api_support import ROLES


@dataclass
class Site:
    url: str
    store: EmbeddedStore
    services: Any
    keys: dict[str, str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    import uvicorn
    from tacmap.api.app import create_app
    from tacmap.graph.ingest.load import import_bundle
    from tacmap.graph.settings import Settings

    folder: Path = tmp_path_factory.mktemp("editors-site")
    store = EmbeddedStore(folder / "graph")
    import_bundle(store, small_world())
    app = create_app(Settings(store="embedded", data_dir=folder / "api", anonymous_read=False), store=store)
    services = app.state.services
    keys = {role: services.keys.create(role, f"browser {role}")[1] for role in ROLES}
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", store, services, keys)
    server.should_exit = True
    thread.join(10)
    store.close()


def click(driver: Any, css: str) -> None:
    """Click the button ``css`` finds and wait for the page it leads to."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, css).click()

    def gone(_: Any) -> bool:
        # Chromium answers "stale" or, mid-navigation, "node does not belong to the document": both mean gone
        try:
            old.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, 30).until(gone)


def sign_in(driver: Any, site: Site, key: str, path: str = "/sign-in") -> None:
    """Type the key into the sign-in form and click the button, as a person would."""
    from selenium.webdriver.common.by import By

    driver.get(site.url + path)
    driver.find_element(By.ID, "key").send_keys(key)
    click(driver, "form[action='/sign-in'] button")
