"""Pages for browsers: the same URL answers JSON to a client and an HTML page to a browser.

A browser is told apart by its ``Accept`` header (``text/html`` preferred to JSON), or by ``.html``
at the end of the path (``/states/KEN.html``), which :class:`HtmlSuffix` turns into that header so that
every route needs only :func:`wants_html`. An explicit ``format=`` (json, csv, xlsx) always wins.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

HTML = "text/html"


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


def wants_html(request: Request) -> bool:
    """Whether this request should get a page: no ``format=`` given and ``text/html`` accepted before
    ``application/json``."""
    if "format" in request.query_params:
        return False
    accept = request.headers.get("accept", "")
    html = _quality(accept, HTML)
    return html > 0 and html >= _quality(accept, "application/json")


class HtmlSuffix:
    """``GET /path.html`` is served as ``GET /path`` with ``Accept: text/html``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.endswith(".html") and len(path) > len("/.html"):
            headers = [(k, v) for k, v in scope["headers"] if k != b"accept"]
            headers.append((b"accept", HTML.encode()))
            plain = path[: -len(".html")]
            scope = {**scope, "path": plain, "raw_path": plain.encode(), "headers": headers}
        await self.app(scope, receive, send)
