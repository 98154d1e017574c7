"""``GET /maps/{kind}`` and ``GET /``: the maps and the home page as HTML, for the same readers
as the data they show (viewers, or anonymous when allowed). The pages hold no personal data and
load nothing from outside the server (``viz`` inlines what it needs). A page is built once per
version of the data, filters and language (see :class:`tacmap.api.cache.DataCache`); the language
is ``?lang=`` or the browser's ``Accept-Language`` (:mod:`tacmap.api.lang`). ``?format=gexf`` (or
``graphml``, ``json``, ``cytoscape``, ``kumu``, ``geojson``) gives the map's subgraph as a file, placed
as on the map (:mod:`tacmap.api.routers.export`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from tacmap.api.deps import ServicesDep, Viewer
from tacmap.api.errors import error_responses
from tacmap.api.lang import LangDep
from tacmap.api.listing import ArticleQ, AsOfQ, GroupQ, ProviderQ, StateQ
from tacmap.api.pages import PAGE_CONTENT
from tacmap.api.routers.export import FILES, graph_file
from tacmap.graph.export import FORMATS
from tacmap.viz.filters import KINDS

router = APIRouter(tags=["maps"], responses=error_responses(400, 401, 403, 404))

MapKind = StrEnum("MapKind", {k: k for k in KINDS})  # type: ignore[misc]
MapFormat = StrEnum("MapFormat", {name: name for name in ("html", *FORMATS)})  # type: ignore[misc]
PAGE = MapFormat("html")

HTML: dict[int | str, dict[str, Any]] = {
    200: {
        "content": PAGE_CONTENT,
        "description": "A self-contained HTML page.",
    }
}


@router.get(
    "/maps/{kind}",
    response_class=HTMLResponse,
    responses={200: {**FILES[200], "content": {**HTML[200]["content"], **FILES[200]["content"]}}},
    summary="A map as an HTML page, or its subgraph as a file",
)
def get_map(
    who: Viewer,
    services: ServicesDep,
    language: LangDep,
    kind: MapKind,
    state: StateQ = None,
    article: ArticleQ = None,
    group: GroupQ = None,
    provider: ProviderQ = None,
    as_of: AsOfQ = None,
    node: Annotated[
        str | None, Query(description="`ego` maps only: the centre, as `Label:key`.", examples=["State:KEN"])
    ] = None,
    fmt: Annotated[
        MapFormat,
        Query(
            alias="format",
            description="`html` (the page), or the map's subgraph as a file: "
            + ", ".join(f"`{f.name}` ({f.opens_in})" for f in FORMATS.values())
            + ".",
        ),
    ] = PAGE,
) -> Response:
    """coordination, overlaps, gaps, pairings, or ego (everything within two hops of `node`)."""
    from tacmap.viz.maps import build_map

    filters: dict[str, Any] = {
        "state": state,
        "article": article,
        "group": group and group.value,
        "provider": provider,
        "as_of": as_of,
        "node": node,
    }
    if fmt.value != "html":
        return graph_file(services, who, language, fmt.value, kind.value, filters)
    cache = services.cache
    seen, audience = cache.view(who.audience)  # without restricted needs the caller may not see
    html = cache.get(
        ("map", kind.value, audience, language.code, *sorted(filters.items())),
        lambda: build_map(seen, kind.value, lang=language.code, **filters),
    )
    return language.mark(HTMLResponse(html))


@router.get("/", response_class=HTMLResponse, responses=HTML, summary="Home page")
def home(
    who: Viewer,
    services: ServicesDep,
    language: LangDep,
    state: StateQ = None,
    article: ArticleQ = None,
    group: GroupQ = None,
    provider: ProviderQ = None,
    as_of: AsOfQ = None,
) -> HTMLResponse:
    """The home page: what the graph holds, and links to every map and question."""
    from tacmap.viz.home import home_page

    filters = {
        "state": state,
        "article": article,
        "group": group and group.value,
        "provider": provider,
        "as_of": as_of,
    }
    given = {k: v for k, v in filters.items() if v is not None}
    cache = services.cache
    link_lang = language.code if language.explicit else None
    html = cache.get(
        ("home", language.code, link_lang, *sorted(given.items())),
        lambda: home_page(cache.reader, lang=language.code, link_lang=link_lang, **given),
    )
    return language.mark(HTMLResponse(html))
