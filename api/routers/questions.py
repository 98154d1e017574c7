"""The coordination questions over HTTP, one endpoint per entry of
:data:`tacmap.graph.queries.spec.QUESTIONS`, generated: the same parameters, defaults, bounds and
rules as ``tacmap query`` (both read the question's parameter model), each answer computed once per
version of the data and parameters.

Every list answer is paginated with a total, and downloads whole as ``?format=csv|xlsx``.
Bad parameters are 422 with the parameter named; an unknown need is 404.
"""

from __future__ import annotations

import inspect
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from tacmap.api.deps import PageDep, ServicesDep, Viewer
from tacmap.api.errors import NotFound, error_responses, invalid
from tacmap.api.lang import LangDep
from tacmap.api.listing import (
    RAW_CSV,
    RAW_SWITCH,
    Format,
    FormatDep,
    Paged,
    attachment,
    download_responses,
    listing,
)
from tacmap.api.pages import wants_html
from tacmap.api.results import plain, result_model
from tacmap.api.tables import csv_bytes, localized, table, xlsx_bytes
from tacmap.graph.errors import TacmapError
from tacmap.graph.queries.spec import BY_NAME, QUESTIONS, BadParams, MetricsTable, Params, Question, bounds
from tacmap.viz.pages import question_page

router = APIRouter(tags=["questions"], responses=error_responses(400, 401, 403))


class MatrixPage(BaseModel):
    """One page of matrix cells, with the table's dimensions, date and totals."""

    rows: str
    cols: str
    as_of: str
    totals: dict[str, Any]
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


def answer(services: Any, q: Question, params: Params, who: Any, lang: str) -> tuple[Any, list[str]]:
    """The answer, cached per version of the data, audience and parameters; the questions'
    LookupError (no such need) is 404 and ValueError (unusable parameter) is 400.

    A question whose rows name needs is computed on the store as the caller may see it (restricted
    needs left out); aggregates count restricted needs for everyone. Rows with State names in
    another language are cached too, so a page in French costs what a page in English does.
    Returns the rows and the notes that say why candidates were left out."""
    cache = services.cache
    reader, audience = cache.view(who.audience) if q.names_needs else (cache.reader, "everything")
    key = (q.name, audience, *sorted(params.model_dump(mode="json").items()))
    try:
        rows = cache.get(key, lambda: q.ask(reader, params))
    except LookupError as exc:
        raise NotFound(str(exc).strip("'\"")) from None
    except ValueError as exc:
        raise TacmapError(str(exc)) from None
    notes = cache.get(("notes", *key), lambda: q.notes(reader, params, rows))
    if lang == "en" or not q.state_fields:
        return rows, notes
    return cache.get(("localized", lang, *key), lambda: localized(rows, q.state_fields, lang)), notes


def checked(q: Question, values: dict[str, Any]) -> Params:
    """The parameters checked, or 422 naming the first bad one."""
    try:
        return q.check(**values)
    except BadParams as exc:
        first = exc.problems[0]
        raise invalid(first.name, first.message) from None


def rows_of(name: str, values: dict[str, Any], services: Any, who: Any) -> Any:
    """A question's answer as records for a page (a brief), checked and cached as its endpoint does;
    the page names States in its own language."""
    q = BY_NAME[name]
    return answer(services, q, checked(q, values), who, "en")[0]


def page_day(request: Request) -> date:
    """The day a page looks at: its ``as_of`` checked as the questions check it, else their default."""
    asked = checked(BY_NAME["gaps"], {"as_of": request.query_params.get("as_of")})
    return asked.as_of or date.today()  # type: ignore[attr-defined]


def render(q: Question, result: Any, notes: list[str], params: Params, page: Any, fmt: Format) -> Any:
    """The answer as one JSON page, or whole as a CSV or XLSX download."""
    if q.shape == "matrix":
        from tacmap.graph.queries import matrix

        cells = matrix.to_records(result)
        if fmt is Format.xlsx:
            with tempfile.TemporaryDirectory() as tmp:
                body = matrix.to_xlsx(result, Path(tmp) / "matrix.xlsx").read_bytes()
            return attachment("matrix", fmt, body)
        if fmt is Format.csv:
            return listing("matrix", cells, page, fmt)
        return {
            **{k: result.attrs[k] for k in ("rows", "cols", "as_of", "totals")},
            "total": len(cells),
            "limit": page.limit,
            "offset": page.offset,
            "items": cells[page.offset : page.offset + page.limit],
        }
    if q.shape == "metrics":
        metrics = plain(result)
        if isinstance(metrics, BaseModel):
            metrics = metrics.model_dump(mode="json")
        if fmt is Format.json:
            return metrics
        tables = {t.value: table(metrics[t.value]) for t in MetricsTable}
        chosen = params.table.value  # type: ignore[attr-defined]
        if fmt is Format.csv:
            return attachment(f"{q.name}-{chosen}", fmt, csv_bytes(*tables[chosen], RAW_CSV.get()))
        return attachment(q.name, fmt, xlsx_bytes(tables))
    found = listing(q.name, result, page, fmt)
    return {**found, "notes": notes} if fmt is Format.json else found


def _query(spec: Any) -> Any:
    """A model field as a query parameter: its type, default, help, examples and bounds."""
    return Annotated[
        spec.annotation, Query(description=spec.description, examples=spec.examples, **bounds(spec))
    ]


def endpoint(q: Question) -> Any:
    """The route function of one question, its signature built from the parameter model."""

    def ask(
        request: Request, who: Any, services: Any, page: Any, language: Any, fmt: Format, **values: Any
    ) -> Any:
        params = checked(q, values)
        rows, notes = answer(services, q, params, who, language.code)
        html = question_page(q.name) if wants_html(request) else None  # a question with a page of its own
        if html is not None:
            return HTMLResponse(html(q, rows, language.code))
        return render(q, rows, notes, params, page, fmt)

    fixed = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        inspect.Parameter("who", inspect.Parameter.KEYWORD_ONLY, annotation=Viewer),
        inspect.Parameter("services", inspect.Parameter.KEYWORD_ONLY, annotation=ServicesDep),
        inspect.Parameter("page", inspect.Parameter.KEYWORD_ONLY, annotation=PageDep),
        inspect.Parameter("language", inspect.Parameter.KEYWORD_ONLY, annotation=LangDep),
        inspect.Parameter("fmt", inspect.Parameter.KEYWORD_ONLY, annotation=FormatDep, default=Format.json),
    ]
    own = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=_query(spec), default=spec.default)
        for name, spec in q.params.model_fields.items()
    ]
    ask.__signature__ = inspect.Signature([*fixed, *own])  # type: ignore[attr-defined]
    ask.__name__ = q.name.replace("-", "_")
    ask.__doc__ = q.doc
    return ask


def _response_model(q: Question) -> Any:
    if q.shape == "matrix":
        return MatrixPage
    if q.shape == "metrics":
        return result_model(q.result_type())
    return Paged[result_model(q.result_type())]  # type: ignore[misc]


for _q in QUESTIONS:
    router.add_api_route(
        _q.path,
        endpoint(_q),
        methods=["GET"],
        response_model=_response_model(_q),
        dependencies=RAW_SWITCH,
        responses={
            **download_responses(dict(_q.example), paged=_q.shape == "rows"),
            **(error_responses(404) if any(f == "need" for f in _q.params.model_fields) else {}),
        },
        summary=_q.title,
    )
