"""What every list endpoint shares: pagination with totals, and CSV/XLSX downloads.

Why downloads ignore ``limit``/``offset``: a spreadsheet user wants every row that matches the
filters, not one page; the filters still apply. CSV downloads neutralise formulas (a ``'`` before a
leading ``=``, ``+``, ``-``, ``@``, tab or carriage return, see :mod:`tacmap.graph.formulas`) because
people open them in spreadsheets; ``?raw=1`` gives the values as they are, for a program. ``?hxl=1``
adds the HXL hashtag row under the header (:mod:`tacmap.graph.export.hxl`), for HDX. File names say what and when
(``overlaps-2026-11-27.csv``) so downloads from different days do not overwrite each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from tacmap.api.deps import Page
from tacmap.api.pages import wants_html
from tacmap.api.tables import csv_bytes, plain_row, table, tagged, xlsx_bytes
from tacmap.graph.queries.spec import IsoDay, UnGroup

T = TypeVar("T")

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Format(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


FormatDep = Annotated[
    Format,
    Query(
        alias="format",
        description="`json` (one page), or `csv` / `xlsx`: a download of every matching row.",
        examples=["json"],
    ),
]


# Set per request by the `raw` and `hxl` parameters of every download route, with the request itself
# (context variables, so that the many routes that pass their rows to `listing` or `download` need not
# each hand them on): `listing` answers a browser with a page.
RAW_CSV: ContextVar[bool] = ContextVar("raw_csv", default=False)
HXL: ContextVar[bool] = ContextVar("hxl", default=False)
REQUEST: ContextVar[Request | None] = ContextVar("request", default=None)


def page_request() -> Request | None:
    """This request when it asks for a page (see :func:`tacmap.api.pages.wants_html`)."""
    request = REQUEST.get()
    return request if request is not None and wants_html(request) else None


async def raw_switch(
    request: Request,
    raw: Annotated[
        bool,
        Query(
            description="With `format=csv`: values exactly as stored. By default a text that a spreadsheet "
            "would run as a formula (leading `=`, `+`, `-`, `@`, tab, carriage return) gets a `'` in front.",
        ),
    ] = False,
    hxl: Annotated[
        bool,
        Query(
            description="With `format=csv` or `xlsx`: a row of HXL hashtags (`#org+funder`, `#country+code`, "
            "`#date+start`, `#value+usd`...) under the header, for HDX and other HXL tools.",
        ),
    ] = False,
) -> None:
    RAW_CSV.set(raw)
    REQUEST.set(request)
    HXL.set(hxl)


RAW_SWITCH = [Depends(raw_switch)]

StateQ = Annotated[str | None, Query(description="Only this State (ISO3).", examples=["KEN"])]
ArticleQ = Annotated[int | None, Query(ge=1, le=71, description="Only this UNCAC article.", examples=[6])]
GroupQ = Annotated[
    UnGroup | None,
    Query(description="UN regional group (primary group of the State).", examples=["african"]),
]
ProviderQ = Annotated[str | None, Query(description="Only this provider (id).", examples=["unodc"])]
AsOfQ = Annotated[
    IsoDay | None, Query(description="The day to look at (default: today).", examples=["2009-09-01"])
]


class Paged(BaseModel, Generic[T]):
    """One page of a list, with the total number of matches."""

    total: int = Field(description="Matches before pagination.", examples=[137])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])
    items: list[T]
    notes: list[str] = Field(
        default_factory=list,
        description="Why candidates were left out or the answer is empty, with counts.",
        examples=[["12 experts on article 9; 12 lack consent to be listed"]],
    )


def example_of(model: Any) -> dict[str, Any]:
    """The first example a pydantic model declares."""
    return model.model_config["json_schema_extra"]["examples"][0]


def download_responses(
    item: dict[str, Any] | None = None, paged: bool = True
) -> dict[int | str, dict[str, Any]]:
    """The 200 response for OpenAPI: a JSON page whose example holds ``item``, or a download."""
    json_example = {"total": 1, "limit": 50, "offset": 0, "items": [item]} if paged else item
    return {
        200: {
            "description": "A page of results as JSON, or every row as CSV or XLSX with `?format=`.",
            "content": {
                "application/json": {"example": json_example},
                CSV: {
                    "schema": {"type": "string"},
                    "example": "id,name\r\nunodc,United Nations Office on Drugs and Crime\r\n",
                },
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }


def same(a: object, b: object) -> bool:
    """Case-insensitive equality of codes and labels in filters (``ken`` finds ``KEN``)."""
    return str(a or "").casefold() == str(b or "").casefold()


def attachment(name: str, fmt: Format, body: bytes) -> Response:
    filename = f"{name}-{date.today().isoformat()}.{fmt.value}"
    media = CSV if fmt is Format.csv else XLSX
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def download(name: str, rows: Iterable[Any], fmt: Format) -> Response:
    """Every row as a CSV or XLSX attachment named ``<name>-<today>.<ext>``."""
    columns, flat = table(rows)
    flat = tagged(name, columns, flat, HXL.get())
    body = (
        csv_bytes(columns, flat, RAW_CSV.get()) if fmt is Format.csv else xlsx_bytes({name: (columns, flat)})
    )
    return attachment(name, fmt, body)


def listing(
    name: str,
    rows: Sequence[Any],
    page: Page,
    fmt: Format,
    notes: Sequence[str] = (),
    as_of: date | None = None,
) -> Any:
    """A page of ``rows`` as :class:`Paged` JSON (an HTML table page for a browser, which says the
    day ``as_of`` the answer is for), or all of them as a download."""
    if fmt is not Format.json:
        return download(name, rows, fmt)
    if (request := page_request()) is not None:
        from tacmap.api.html import table_response  # the page builders load only for pages

        return table_response(request, rows, page.limit, page.offset, notes, as_of=as_of)
    return {
        "total": len(rows),
        "limit": page.limit,
        "offset": page.offset,
        "items": [
            r if isinstance(r, BaseModel) else plain_row(r)
            for r in rows[page.offset : page.offset + page.limit]
        ],
        "notes": list(notes),
    }
