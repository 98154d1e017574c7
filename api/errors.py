"""Errors as JSON: a message a person can act on, and the request id; never a traceback.

Every error body has the same shape (:class:`ErrorBody`), so a script handles them one way:
``{"detail": "...", "request_id": "..."}``, plus ``problems`` (every row-level problem) when an
uploaded bundle is refused. User errors (:class:`~tacmap.graph.errors.TacmapError`) keep their message;
anything unexpected is logged with its traceback and answered with 500 and the request id only,
which the operator finds in the log.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send
from tacmap.api.pages import wants_html
from tacmap.graph.errors import Conflict, NotFound, TacmapError

__all__ = ["Conflict", "NotFound", "install", "invalid", "send_error"]

log = logging.getLogger("tacmap.api")


class BodyTooLarge(StarletteHTTPException):
    """The request body is larger than ``max_upload_bytes`` (413). An HTTP exception, so that
    FastAPI's body parsing lets it through instead of turning it into a 400."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"the upload is larger than the server's limit of {limit:,} bytes: split the bundle or ask the operator"


class ProblemOut(BaseModel):
    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    message: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    detail: str | list[Any] = Field(description="What went wrong and what to do about it.")
    request_id: str | None = Field(None, description="Quote it when reporting a problem.")
    problems: list[ProblemOut] | None = Field(
        None, description="Bundle uploads only: every problem found, one per cell."
    )

    model_config = {
        "json_schema_extra": {
            "examples": [{"detail": "no State with code 'XXX'", "request_id": "6f1d2c0e9a8b4f7c"}]
        }
    }


def invalid(name: str, message: str, where: str = "query") -> RequestValidationError:
    """A 422 for a parameter that is well-formed but unusable (same body as FastAPI's own)."""
    return RequestValidationError([{"type": "value_error", "loc": (where, name), "msg": message}])


def _body(request: Request, status: int, detail: Any, retry_after: int | None = None) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    headers = {"X-Request-ID": request_id} if request_id else {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse({"detail": detail, "request_id": request_id}, status_code=status, headers=headers)


async def send_error(
    send: Send,
    status: int,
    detail: str,
    request_id: str | None,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """An :class:`ErrorBody` answer from ASGI middleware, before the app (and its body parsing) runs."""
    body = json.dumps({"detail": detail, "request_id": request_id}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the given error statuses, all with :class:`ErrorBody`."""
    text = {
        400: "The request cannot be answered as asked.",
        401: "No key, or a wrong or revoked key.",
        403: "The key's role may not do this.",
        404: "Not found.",
        409: "Refused: it would lock everyone out of key management.",
        413: "Upload larger than the server's limit.",
        422: "Invalid parameters, or a bundle with problems (listed in `problems`).",
        429: "Too many heavy downloads at once for this key: try again after `Retry-After` seconds.",
        503: "The store cannot be reached, or another writer holds it: try again after `Retry-After` seconds.",
    }
    return {s: {"model": ErrorBody, "description": text.get(s, "Error.")} for s in statuses}


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into an :class:`ErrorBody`."""

    @app.exception_handler(TacmapError)
    async def user_error(request: Request, exc: TacmapError) -> JSONResponse:
        return _body(request, getattr(exc, "http_status", 400), str(exc), getattr(exc, "retry_after", None))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 401 and request.method == "GET" and wants_html(request):
            # a browser not signed in (or whose session ended) is sent to sign in, then back here
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)
        response: Response = _body(request, exc.status_code, exc.detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
        return _body(request, 422, errors)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", extra={"request_id": getattr(request.state, "request_id", None)})
        return _body(request, 500, "internal error: the operator can find it in the log by request id")
