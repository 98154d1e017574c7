"""``/networks`` (the list) and ``/networks/metrics`` (who brokers between networks)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from tacmap.api.cache import SnapshotDep
from tacmap.api.deps import PageDep, Viewer
from tacmap.api.errors import error_responses
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
