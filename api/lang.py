"""The language of a response: ``?lang=`` (one of the six UN languages), else the ``Accept-Language``
header, else English.

``?lang=`` wins because a person chose it for this page, while the header is a browser's standing
preference. Responses say which language they are in (``Content-Language``) and that it depends on the
header (``Vary: Accept-Language``), so that a shared cache does not serve French to an Arabic reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Query, Response
from tacmap.api.errors import invalid
from tacmap.graph.schema.reference import UN_LANGUAGES
from tacmap.i18n import UnknownLanguage, check, choices, negotiate

R = TypeVar("R", bound=Response)


@dataclass(frozen=True)
class Language:
    """The language chosen for a response, and whether the reader asked for it by ``?lang=``."""

    code: str
    explicit: bool

    def mark(self, response: R) -> R:
        """Add ``Content-Language`` and ``Vary`` to a response the route builds itself."""
        response.headers["Content-Language"] = self.code
        response.headers.append("Vary", "Accept-Language")
        return response


async def request_language(
    response: Response,
    lang: Annotated[
        str | None,
        Query(
            description=f"Language of names and page text: {choices()}. Wins over `Accept-Language`.",
            json_schema_extra={"enum": list(UN_LANGUAGES)},
            examples=["fr"],
        ),
    ] = None,
    accept_language: Annotated[
        str | None,
        Header(description="Used when `lang` is not given.", examples=["fr-CA,fr;q=0.9,en;q=0.5"]),
    ] = None,
) -> Language:
    """The language of this request; a ``?lang=`` that is not one of the six is a 422 naming them."""
    if lang is not None:
        try:
            chosen = Language(check(lang), explicit=True)
        except UnknownLanguage as exc:
            raise invalid("lang", str(exc)) from None
    else:
        chosen = Language(negotiate(accept_language), explicit=False)
    chosen.mark(response)  # for routes that return data; routes returning a Response call mark()
    return chosen


LangDep = Annotated[Language, Depends(request_language)]
