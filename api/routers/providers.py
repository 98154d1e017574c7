"""``/providers``: donors, agencies and organisations, and what each funds or implements."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from tacmap.api.cache import SnapshotDep
from tacmap.api.deps import PageDep, ServicesDep, Viewer
from tacmap.api.errors import NotFound, error_responses
from tacmap.api.lang import LangDep
from tacmap.api.listing import (
    RAW_SWITCH,
    Format,
    FormatDep,
    Paged,
    download_responses,
    example_of,
    listing,
    same,
)
from tacmap.api.pages import PAGE_CONTENT, wants_html
from tacmap.api.schemas import ProviderDetail, ProviderOut
from tacmap.graph.schema.models import ProviderKind

router = APIRouter(prefix="/providers", tags=["providers"], responses=error_responses(401, 403))


@router.get(
    "",
    response_model=Paged[ProviderOut],
    dependencies=RAW_SWITCH,
    responses=download_responses(example_of(ProviderOut)),
    summary="List providers",
)
def list_providers(
    who: Viewer,
    snap: SnapshotDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    kind: Annotated[ProviderKind | None, Query(examples=["bilateral"])] = None,
    country: Annotated[str | None, Query(description="ISO3 of where it is based.", examples=["GBR"])] = None,
    q: Annotated[str | None, Query(description="Part of the id or name.", examples=["unodc"])] = None,
) -> Any:
    """Providers, filtered by kind, home country or name."""
    rows = [
        p
        for p in snap.providers
        if (kind is None or p.kind == kind)
        and (country is None or same(p.country, country))
        and (q is None or q.casefold() in f"{p.id} {p.name}".casefold())
    ]
    return listing("providers", rows, page, fmt)


@router.get(
    "/{provider_id}",
    response_model=ProviderDetail,
    responses={**error_responses(404), 200: {"content": PAGE_CONTENT}},
    summary="One provider with the projects it funds and implements",
)
def get_provider(
    request: Request,
    who: Viewer,
    services: ServicesDep,
    snap: SnapshotDep,
    language: LangDep,
    provider_id: Annotated[str, Path(description="Provider id as in the bundle.", examples=["unodc"])],
) -> Any:
    """As JSON; a browser gets the donor brief (viz/pages/donor_brief.py), ``as_of`` as the questions take it."""
    provider = snap.provider_index.get(provider_id)
    if provider is None:
        raise NotFound(f"no provider with id {provider_id!r} (see GET /providers)")
    if wants_html(request):
        return HTMLResponse(donor_brief_page(provider, request, who, services, snap, language.code))
    return ProviderDetail(
        **provider.model_dump(),
        funds=[p for p in snap.projects if provider_id in p.funders],
        implements=[p for p in snap.projects if p.implementer == provider_id],
    )


def donor_brief_page(provider: Any, request: Request, who: Any, services: Any, snap: Any, lang: str) -> str:
    """The donor brief, from the answers of the registry questions (the same cache as their endpoints)."""
    from tacmap.api.routers.questions import page_day, rows_of
    from tacmap.graph.queries.nearby import gaps_near
    from tacmap.graph.schema.reference import countries
    from tacmap.viz.pages.donor_brief import DonorBrief, donor_brief

    as_of = page_day(request, services)
    presence = rows_of("presence", {"provider": provider.id, "as_of": as_of}, services, who)
    theirs = {p for row in presence for p in row.project_ids}
    articles_of = {p.id: p.articles for p in snap.projects if p.id in theirs}
    known = countries()
    near = gaps_near(
        rows_of("gaps", {"as_of": as_of}, services, who),
        presence,
        articles_of,
        lambda iso3: known[iso3].subregion if iso3 in known else None,
    )
    overlaps = rows_of("overlaps", {"provider": provider.id}, services, who)
    brief = DonorBrief(
        provider=provider,
        as_of=as_of,
        presence=presence,
        articles_of=articles_of,
        overlaps=[o for o in overlaps if o.project_a in theirs or o.project_b in theirs],
        near=near,
        provider_names={p.id: p.name for p in snap.providers},
    )
    return donor_brief(brief, lang)
