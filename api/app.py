"""The FastAPI application, built by :func:`create_app` from one :class:`Settings` object.

Tests build it against either store (``create_app(settings, store=open_store)``); ``tacmap serve``
builds it in each worker through :func:`app_from_env`. Around every request one small ASGI
middleware gives a request id (``X-Request-ID``, echoed or generated), refuses bodies over the
upload limit (413), and writes one JSON log line; inside it, those of :mod:`tacmap.api.security` add
security headers, check ``Host`` when allowed hosts are set, check the key of a writing request
before its body is read, and bound the workbook downloads of each key. ``/docs`` is Swagger UI served from the
``fastapi-offline`` package's files: no CDN, so it works without a network.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.trustedhost import TrustedHostMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tacmap.api import errors
from tacmap.api.deps import Services
from tacmap.api.errors import BodyTooLarge, send_error, too_large_message
from tacmap.api.pages import HtmlSuffix
from tacmap.api.routers import (
    audit,
    experts,
    export,
    imports,
    keys,
    maps,
    needs,
    networks,
    ops,
    projects,
    providers,
    questions,
    session,
    states,
    templates,
)
from tacmap.api.security import HeavyDownloads, KeyBeforeBody, SecurityHeaders
from tacmap.graph.settings import Settings
from tacmap.graph.store import Store

access_log = logging.getLogger("tacmap.api.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
KEY_SECRET = re.compile(r"(tm_[A-Za-z0-9]+_)[^/?#]+")  # `DELETE /keys/<full key>` must not log the secret


def redact(path: str) -> str:
    """``path`` with the secret part of any API key in it replaced by ``…``."""
    return KEY_SECRET.sub(r"\1…", path)


STATIC = "/docs-static"

DESCRIPTION = """\
Every coordination question and every map of **tacmap** over HTTP.

Send an API key as `Authorization: Bearer tm_<id>_<secret>` or `X-API-Key: tm_<id>_<secret>`
(`tacmap keys create --role viewer|editor|admin`). Viewers read; editors also import and export;
admins also manage keys and read the audit trail. Experts' emails are shown to editors and admins only.

Lists are paginated (`limit`, `offset`, with `total`) and download as `?format=csv` or `?format=xlsx`.
Errors are JSON: `{"detail": ..., "request_id": ...}`.
"""


class RequestContext:
    """Request id, upload limit and one JSON access-log line per request (pure ASGI: streams
    are not buffered, so the limit holds while the body arrives)."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                raw = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message["headers"] = [*raw, (b"x-request-id", request_id.encode())]
            await send(message)

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            length = 0
        try:
            if length > self.max_body:
                await _too_large(send_with_id, request_id, self.max_body)
            else:
                await self.app(scope, limited_receive, send_with_id)
        finally:
            client = scope.get("client")
            access_log.info(
                "request",
                extra={
                    "fields": {
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": redact(scope["path"]),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "client": client[0] if client else None,
                        "key_id": state.get("key_id"),
                    }
                },
            )


async def _too_large(send: Send, request_id: str, limit: int) -> None:
    await send_error(send, 413, too_large_message(limit), request_id, [(b"connection", b"close")])


class JsonFormatter(logging.Formatter):
    """One JSON object per line: UTC time, level, logger, message and ``extra={"fields": ...}``."""

    converter = staticmethod(time.gmtime)  # UTC; a plain function here would read as a method

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}) or {})
        if getattr(record, "request_id", None):
            line["request_id"] = record.request_id  # type: ignore[attr-defined]
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def log_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for ``tacmap serve``: JSON lines on stderr, uvicorn's own
    access log off (ours has the request id and key id)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "tacmap.api.app.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "tacmap": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def _openapi(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The generated schema, with the page-size maximum of these settings written into it, and
    error bodies documented as JSON everywhere (FastAPI gives them the media type of the route)."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for param in operation.get("parameters", []):
                    if param.get("name") == "limit" and param.get("in") == "query":
                        inner = param["schema"].get("anyOf", [param["schema"]])[0]
                        inner["maximum"] = settings.max_page_size
                for status, response in operation.get("responses", {}).items():
                    # errors are JSON even on routes that answer HTML or files
                    content = response.get("content", {})
                    if status[0] in "45" and content and "application/json" not in content:
                        response["content"] = {"application/json": next(iter(content.values()))}
        app.openapi_schema = schema
    return app.openapi_schema


def _docs(app: FastAPI) -> None:
    """Swagger UI from the installed ``fastapi-offline`` assets; no request leaves the server."""
    app.mount(STATIC, StaticFiles(directory=str(files("fastapi_offline") / "static")), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API docs",
            swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
        )


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The API for ``settings``; pass an open ``store`` to share it (tests), else the settings'
    store is opened on first use and closed at shutdown."""
    settings = settings or Settings.from_env()
    services = Services(settings, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        services.close()

    app = FastAPI(
        title="tacmap",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.services = services
    errors.install(app)
    for module in (
        ops,
        states,
        providers,
        questions,  # before the lists: /networks/metrics and /experts/shortlist are not record ids
        networks,
        needs,
        projects,
        experts,
        imports,
        export,
        audit,
        keys,
        maps,
        templates,
        session,
    ):
        app.include_router(module.router)
    _docs(app)
    app.openapi = lambda: _openapi(app, settings)  # type: ignore[method-assign]
    # the last added runs first: request id and log, headers, Host, CORS (so that refusals below carry
    # its headers), then the key of a writing request before its body, then the download bound, then
    # `.html` paths turned into pages
    app.add_middleware(HtmlSuffix)
    app.add_middleware(HeavyDownloads, limit=settings.max_heavy_downloads)
    app.add_middleware(KeyBeforeBody, services=services)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Content-Disposition", "Retry-After"],
        )
    if settings.allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestContext, max_body=settings.max_upload_bytes)
    return app


def app_from_env() -> FastAPI:
    """The factory ``tacmap serve`` gives uvicorn: each worker reads the same environment."""
    return create_app(Settings.from_env())
