"""``/needs``: what States asked for, by article and form of assistance."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from tacmap.api.cache import SnapshotDep
from tacmap.api.deps import PageDep, ServicesDep, Viewer
from tacmap.api.errors import NotFound, error_responses
from tacmap.api.html import record_or_page
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
from tacmap.api.schemas import NeedOut
from tacmap.graph.schema.models import Priority, Visibility

router = APIRouter(prefix="/needs", tags=["needs"], responses=error_responses(401, 403))


@router.get(
    "",
    response_model=Paged[NeedOut],
    dependencies=RAW_SWITCH,
    responses=download_responses(example_of(NeedOut)),
    summary="List needs",
)
def list_needs(
    who: Viewer,
    services: ServicesDep,
    snap: SnapshotDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    state: Annotated[str | None, Query(description="ISO3 of the State in need.", examples=["KEN"])] = None,
    article: Annotated[int | None, Query(ge=1, le=71, description="UNCAC article.", examples=[6])] = None,
    form: Annotated[
        str | None, Query(description="Form of assistance.", examples=["capacity_building"])
    ] = None,
    priority: Annotated[Priority | None, Query(examples=["high"])] = None,
    visibility: Annotated[Visibility | None, Query(examples=["restricted"])] = None,
) -> Any:
    """Needs, filtered by State, article, form, priority and visibility. Restricted needs are
    listed for editor and admin keys, and for viewer keys scoped to the need's State."""
    rows = [
        n
        for n in snap.needs_shown(services.cache.hidden(who.audience))
        if (state is None or same(n.state, state))
        and (article is None or n.article == article)
        and (form is None or same(n.form, form))
        and (priority is None or n.priority == priority)
        and (visibility is None or n.visibility == visibility)
    ]
    return listing("needs", rows, page, fmt)


@router.get(
    "/{need_id}",
    response_model=NeedOut,
    responses=error_responses(404),
    summary="One need",
)
def get_need(
    request: Request,
    who: Viewer,
    services: ServicesDep,
    snap: SnapshotDep,
    need_id: Annotated[
        str, Path(description="Need id as in the bundle.", examples=["need-KEN-006-capacity_building"])
    ],
) -> Any:
    """The need; a browser gets it as a page."""
    found = next((r for r in snap.needs_shown(services.cache.hidden(who.audience)) if r.id == need_id), None)
    if found is None:
        raise NotFound(f"no need with id {need_id!r} (see GET /needs)")
    return record_or_page(request, found, found.id)
