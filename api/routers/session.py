"""``/sign-in`` and ``/sign-out``: a browser session opened with an API key (see :mod:`tacmap.api.sessions`).

Pages only, left out of the API schema: a client sends its key on every request instead.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from tacmap.api.deps import ServicesDep, Viewer, client_address
from tacmap.api.lang import LangDep, Language
from tacmap.api.sessions import COOKIE, CSRF_COOKIE, LIFETIME, same_token
from tacmap.viz.pages.sign_in import sign_in_page

router = APIRouter(include_in_schema=False)


def _cookie(response: Response, request: Request, name: str, value: str, path: str = "/") -> None:
    """A cookie no script reads and no other site sends; Secure when the page came over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=int(LIFETIME.total_seconds()),
        path=path,
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="strict",
    )


def _local(path: str) -> str:
    """Where to go after signing in: a path on this site only (never ``//elsewhere``)."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


def _form(
    request: Request, language: Language, status: int = 200, error: str | None = None, next_path: str = "/"
) -> HTMLResponse:
    """The sign-in form with a fresh double-submit token, set as a cookie for the form's path."""
    token = secrets.token_urlsafe(32)
    html = sign_in_page(language.code, csrf=token, next_path=_local(next_path), error=error)
    response = language.mark(HTMLResponse(html, status_code=status))
    _cookie(response, request, CSRF_COOKIE, token, path="/sign-in")
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, services: ServicesDep, language: LangDep, next: str = "/") -> Response:
    """The form; a browser already signed in sees its key's id and the sign-out button."""
    session = services.sessions.find(request.cookies[COOKIE]) if COOKIE in request.cookies else None
    if session is None:
        return _form(request, language, next_path=next)
    html = sign_in_page(language.code, csrf=session.csrf, key_id=session.key.id, role=session.key.role.value)
    return language.mark(HTMLResponse(html))


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    services: ServicesDep,
    language: LangDep,
    key: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Open a session for a valid key and go on to ``next``; a wrong key or a stale form shows why."""
    if not same_token(csrf, request.cookies.get(CSRF_COOKIE, "")):
        return _form(request, language, 403, "form", next)
    found = services.keys.verify(key)
    if found is None:
        services.audit.record(
            actor="anonymous", action="sign-in", outcome="refused", client=client_address(request)
        )
        return _form(request, language, 401, "key", next)
    token, _ = services.sessions.open(found)
    services.audit.record(actor=found.id, action="sign-in", outcome="ok", client=client_address(request))
    response = RedirectResponse(_local(next), status_code=303)
    _cookie(response, request, COOKIE, token)
    response.delete_cookie(CSRF_COOKIE, path="/sign-in")
    return response


@router.post("/sign-out")
def sign_out(request: Request, services: ServicesDep, who: Viewer) -> Response:
    """End this browser's session (the CSRF token was checked with the session)."""
    if COOKIE in request.cookies:
        services.sessions.close(request.cookies[COOKIE])
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
