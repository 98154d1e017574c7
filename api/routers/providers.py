"""``/providers``: donors, agencies and organisations, and what each funds or implements."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from tacmap.api.cache import SnapshotDep
from tacmap.api.deps import PageDep, Viewer
from tacmap.api.errors import NotFound, error_responses
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
    responses=error_responses(404),
    summary="One provider with the projects it funds and implements",
)
def get_provider(
    who: Viewer,
    snap: SnapshotDep,
    provider_id: Annotated[str, Path(description="Provider id as in the bundle.", examples=["unodc"])],
) -> ProviderDetail:
    provider = snap.provider_index.get(provider_id)
    if provider is None:
        raise NotFound(f"no provider with id {provider_id!r} (see GET /providers)")
    return ProviderDetail(
        **provider.model_dump(),
        funds=[p for p in snap.projects if provider_id in p.funders],
        implements=[p for p in snap.projects if p.implementer == provider_id],
    )
