"""The glue between a route and its page: the language, the route's own parameters for the form, and
the HTML response. Routes call :func:`table_response` through :func:`tacmap.api.listing.listing`, so
every list and question answer is a page for a browser without code of its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic.fields import FieldInfo
from tacmap.api.pages import wants_html
from tacmap.api.tables import plain_row
from tacmap.i18n import UnknownLanguage, check, negotiate, use
from tacmap.viz.pages.table import Table, inputs, record_page, table_page

# Parameters every list takes that the form does not show as filters (paging is links, sorting headings).
NOT_FILTERS = frozenset({"format", "raw", "limit", "offset", "lang"})


def language(request: Request) -> str:
    """``?lang=`` when it is one of the six, else the browser's ``Accept-Language``."""
    try:
        return check(request.query_params["lang"])
    except (KeyError, UnknownLanguage):
        return negotiate(request.headers.get("accept-language"))


def route_fields(request: Request) -> dict[str, FieldInfo]:
    """The filters the route declares, by query name: for a question, its parameter model's fields
    (the question routes are generated from them)."""
    route = request.scope.get("route")
    params = route.dependant.query_params if route is not None else []
    return {p.alias: p.field_info for p in params if p.alias not in NOT_FILTERS}


def table_response(
    request: Request,
    rows: Sequence[Any],
    limit: int,
    offset: int,
    notes: Sequence[str] = (),
    summary: Sequence[tuple[str, Any]] = (),
    as_of: date | None = None,
) -> HTMLResponse:
    """Every matching row as a sortable, paged table page with the route's filter form."""
    lang = language(request)
    query = dict(request.query_params)
    fields = route_fields(request)
    table = Table(
        path=request.url.path,
        rows=[plain_row(r) for r in rows],
        fields=inputs(fields, {"as_of": as_of.isoformat(), **query} if as_of else query),
        query=query,
        limit=limit,
        offset=offset,
        notes=notes,
        summary=summary,
        as_of=as_of.isoformat() if as_of else None,
    )
    with use(lang):
        return HTMLResponse(table_page(table, lang), headers={"Content-Language": lang})


def record_or_page(request: Request, record: Any, title: str) -> Any:
    """The record for a client, its page for a browser."""
    return record_response(request, record, title) if wants_html(request) else record


def record_response(request: Request, record: Any, title: str) -> HTMLResponse:
    """One record as a page."""
    lang = language(request)
    with use(lang):
        return HTMLResponse(
            record_page(request.url.path, plain_row(record), title, lang), headers={"Content-Language": lang}
        )
