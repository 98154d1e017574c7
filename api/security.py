"""Response headers and request limits that protect the people using the API's pages.

- :class:`SecurityHeaders`: ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy:
  no-referrer`` on every response, and a ``Content-Security-Policy``. An HTML page (the home
  page, a map, the API docs) gets one that allows its own inline scripts by their SHA-256 hash
  and nothing else: an injected script has no matching hash and does not run. Styles may be
  inline (``'unsafe-inline'``): vis-network sets style attributes as it draws, and a style
  cannot run code. Every other response gets ``default-src 'none'``.
- :class:`KeyBeforeBody`: the key of a writing request is checked before its body is read.
- :class:`HeavyDownloads`: at most ``max_heavy_downloads`` workbook downloads (``format=xlsx``,
  ``/export``, ``/templates/*.xlsx``) at once per key (per client address when anonymous), so
  one viewer cannot keep every worker busy; more answer 429 with ``Retry-After``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from urllib.parse import parse_qs

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tacmap.api.auth import ApiKey, Role, split_key
from tacmap.api.deps import KEY_INVALID, KEY_REQUIRED, SESSION_ENDED, WRITING, Services, role_refused
from tacmap.api.errors import send_error
from tacmap.api.sessions import COOKIE

INLINE_SCRIPT = re.compile(rb"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
DATA_BLOCK = re.compile(rb"""\btype\s*=\s*["']?application/(?:ld\+)?json""", re.IGNORECASE)
NOT_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'"
RETRY_AFTER_SECONDS = 5


def script_hashes(html: bytes) -> list[str]:
    """CSP sources for the inline scripts of ``html`` (JSON data blocks do not run: not hashed)."""
    found = []
    for match in INLINE_SCRIPT.finditer(html):
        attrs = match["attrs"]
        if b"src=" in attrs.lower() or DATA_BLOCK.search(attrs):
            continue
        digest = base64.b64encode(hashlib.sha256(match["body"]).digest()).decode()
        found.append(f"'sha256-{digest}'")
    return sorted(set(found))


def page_policy(html: bytes) -> str:
    """The Content-Security-Policy of one HTML page."""
    scripts = " ".join(["'self'", *script_hashes(html)])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """Adds the headers above; HTML bodies are held back until complete to hash their scripts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def send_with_headers(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"
                ]
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                message["headers"] = headers
                content_type = {k.lower(): v for k, v in headers}.get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    start = message  # sent with the policy once the whole page is here
                    return
                message["headers"] = [*headers, (b"content-security-policy", NOT_HTML_POLICY.encode())]
                await send(message)
            elif start is not None and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                start["headers"] = [
                    *start["headers"],
                    (b"content-security-policy", page_policy(body).encode()),
                ]
                await send(start)
                await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        await self.app(scope, receive, send_with_headers)


def heavy(scope: Scope) -> bool:
    """Whether a request builds a workbook (seconds of CPU each)."""
    path = scope["path"]
    if path == "/export" or path.endswith(".xlsx"):
        return True
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return "xlsx" in query.get("format", [])


def bucket(scope: Scope) -> str:
    """Who a heavy download counts against: the key id, else the client address."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    token = credentials if scheme.lower() == "bearer" else headers.get("x-api-key", "")
    parsed = split_key(token) if token else None
    if parsed:
        return f"key:{parsed[0]}"
    client = scope.get("client")
    return f"client:{client[0] if client else '?'}"


class HeavyDownloads:
    """At most ``limit`` heavy downloads at once per :func:`bucket`, in this worker process."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.running: Counter[str] = Counter()  # touched on the event loop only: no lock needed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not heavy(scope):
            await self.app(scope, receive, send)
            return
        who = bucket(scope)
        if self.running[who] >= self.limit:
            detail = (
                f"{self.limit} workbook downloads are already being prepared for this key: wait for them, "
                f"or try again in {RETRY_AFTER_SECONDS} s"
            )
            request_id = scope.get("state", {}).get("request_id")
            await send_error(
                send, 429, detail, request_id, [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())]
            )
            return
        self.running[who] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.running[who] -= 1
            if not self.running[who]:
                del self.running[who]


# The least role each writing path needs; any other path with a body needs an editor key.
WRITE_ROLES = {"/imports": Role.editor, "/keys": Role.admin, "/sign-out": Role.viewer}
NO_KEY = {"/sign-in"}  # the form that takes a key (its own double-submit token guards it)


class KeyBeforeBody:
    """Checks the key of every writing request (POST, PUT, PATCH, DELETE) before anything reads
    its body: FastAPI parses a body before it runs the dependencies that check keys, so an
    anonymous 19 MB upload was read whole, and malformed JSON got 422 instead of 401. A browser
    session's cookie counts as its key (its CSRF token is in the body: the route's dependency
    checks it). The route's own dependency checks again (and records who it is)."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "").rstrip("/")
        if scope["type"] != "http" or scope["method"] not in WRITING or path in NO_KEY:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        token = credentials.strip() if scheme.lower() == "bearer" else headers.get("x-api-key", "").strip()
        cookie = cookie_parser(headers.get("cookie", "")).get(COOKIE) if not token else None
        request_id = scope.get("state", {}).get("request_id")
        close = [(b"connection", b"close")]  # the body is left unread: this connection is done
        bearer = [(b"www-authenticate", b"Bearer"), *close]
        key: ApiKey | None
        if cookie:
            session = self.services.sessions.find(cookie)
            key = session.key if session else None
            refusal = SESSION_ENDED
        elif token:
            key, refusal = self.services.keys.verify(token), KEY_INVALID
        else:
            await send_error(send, 401, KEY_REQUIRED, request_id, bearer)
            return
        if key is None:
            await send_error(send, 401, refusal, request_id, bearer)
            return
        minimum = next(
            (r for p, r in WRITE_ROLES.items() if path == p or path.startswith(p + "/")), Role.editor
        )
        if key.role.rank < minimum.rank:
            await send_error(send, 403, role_refused(minimum, key.id, key.role), request_id, close)
            return
        await self.app(scope, receive, send)
