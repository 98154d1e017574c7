"""``/networks`` (the list) and ``/networks/metrics`` (who brokers between networks)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from tacmap.api.cache import SnapshotDep
from tacmap.api.deps import PageDep, Viewer
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
from tacmap.api.schemas import NetworkOut

router = APIRouter(prefix="/networks", tags=["networks"], responses=error_responses(401, 403))


@router.get(
    "",
    response_model=Paged[NetworkOut],
    dependencies=RAW_SWITCH,
    responses=download_responses(example_of(NetworkOut)),
    summary="List networks",
)
def list_networks(
    who: Viewer,
    snap: SnapshotDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    member: Annotated[
        str | None, Query(description="Only networks this State (ISO3) belongs to.", examples=["KEN"])
    ] = None,
    q: Annotated[str | None, Query(description="Part of the id or name.", examples=["arin"])] = None,
) -> Any:
    """Regional and thematic networks with their member States."""
    rows = [
        n
        for n in snap.networks
        if (member is None or any(same(m, member) for m in n.members))
        and (q is None or q.casefold() in f"{n.id} {n.name}".casefold())
    ]
    return listing("networks", rows, page, fmt)


@router.get(
    "/{network_id}",
    response_model=NetworkOut,
    responses=error_responses(404),
    summary="One network",
)
def get_network(
    request: Request,
    who: Viewer,
    snap: SnapshotDep,
    network_id: Annotated[str, Path(description="Network id as in the bundle.", examples=["eaaaca"])],
) -> Any:
    """The network; a browser gets it as a page."""
    found = next((r for r in snap.networks if r.id == network_id), None)
    if found is None:
        raise NotFound(f"no network with id {network_id!r} (see GET /networks)")
    return record_or_page(request, found, found.name)
