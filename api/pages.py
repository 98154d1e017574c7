"""Pages for browsers: the same URL answers JSON to a client and an HTML page to a browser.

A browser is told apart by its ``Accept`` header (``text/html`` preferred to JSON), or by ``.html``
at the end of the path (``/states/KEN.html``), which :class:`HtmlSuffix` turns into that header so that
every route needs only :func:`wants_html`. An explicit ``format=`` (json, csv, xlsx) always wins.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

HTML = "text/html"
# The OpenAPI content of a route's page, for its 200 response.
PAGE_CONTENT: dict[str, Any] = {
    HTML: {"schema": {"type": "string"}, "example": "<!DOCTYPE html><html>…</html>"}
}


def _quality(accept: str, media: str) -> float:
    """The ``q`` the ``Accept`` header gives ``media`` (0 when absent; ``*/*`` counts a little less)."""
    best = 0.0
    for part in accept.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if kind == media:
            best = max(best, q)
    return best


def _prefers_html(accept: str) -> bool:
    html = _quality(accept, HTML)
    return html > 0 and html >= _quality(accept, "application/json")


def wants_html(request: Request) -> bool:
    """Whether this request should get a page: no ``format=`` given and ``text/html`` accepted before
    ``application/json``."""
    return "format" not in request.query_params and _prefers_html(request.headers.get("accept", ""))


class HtmlSuffix:
    """``GET /path.html`` is served as ``GET /path`` with ``Accept: text/html``; and for a browser the
    empty fields of a submitted filter form (``?state=&article=6``) are left out, as if not given,
    so that forms work without script."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.endswith(".html") and len(path) > len("/.html"):
            headers = [(k, v) for k, v in scope["headers"] if k != b"accept"]
            headers.append((b"accept", HTML.encode()))
            plain = path[: -len(".html")]
            scope = {**scope, "path": plain, "raw_path": plain.encode(), "headers": headers}
        if scope["type"] == "http" and scope.get("query_string"):
            accept = b",".join(v for k, v in scope["headers"] if k == b"accept").decode("latin-1")
            if _prefers_html(accept):
                given = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
                kept = urlencode([(k, v) for k, v in given if v != ""]).encode("latin-1")
                scope = {**scope, "query_string": kept}
        await self.app(scope, receive, send)
