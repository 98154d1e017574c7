"""How a URL tells a browser from a client: ``Accept`` and the ``.html`` suffix (api/pages.py), and
the frame every page shares (viz/pages/layout.py)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from markupsafe import Markup
from tacmap.api.pages import HtmlSuffix, wants_html
from tacmap.viz.pages.layout import page
from tacmap.viz.render import check_offline


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()

    @app.get("/things/{key}")
    def thing(key: str, request: Request) -> dict[str, object]:
        return {"key": key, "html": wants_html(request)}

    app.add_middleware(HtmlSuffix)
    return TestClient(app)


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Chromium's
        ("application/json", False),
        ("*/*", False),  # curl's
        ("", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0.9, application/json;q=0.8", True),
        ("text/html;q=bad", False),
    ],
)
def test_accept_decides(client: TestClient, accept: str, html: bool) -> None:
    assert client.get("/things/KEN", headers={"accept": accept}).json() == {"key": "KEN", "html": html}


def test_an_explicit_format_wins(client: TestClient) -> None:
    assert client.get("/things/KEN?format=json", headers={"accept": "text/html"}).json()["html"] is False


def test_html_suffix_is_a_page_of_the_same_path(client: TestClient) -> None:
    answer = client.get("/things/KEN.html", headers={"accept": "application/json"})
    assert answer.json() == {"key": "KEN", "html": True}


def test_page_frame_is_offline_translated_and_mirrors_for_arabic() -> None:
    html = page("Kenya", Markup("<p>body &amp; soul</p>"), "ar", twins=[("JSON", "/states/KEN?format=json")])
    check_offline(html)
    assert '<html lang="ar" dir="rtl">' in html
    assert "<p>body &amp; soul</p>" in html
    assert 'href="/states/KEN?format=json"' in html
    assert "@media print" in html and "size:A4" in html


def test_a_browsers_empty_form_fields_count_as_not_given() -> None:
    app = FastAPI()

    @app.get("/things")
    def things(request: Request) -> dict[str, str]:
        return dict(request.query_params)

    app.add_middleware(HtmlSuffix)
    client = TestClient(app)
    assert client.get("/things?state=&article=6", headers={"accept": "text/html"}).json() == {"article": "6"}
    assert client.get("/things?state=&article=6").json() == {"state": "", "article": "6"}  # a client's own
