"""``/needs``: what States asked for, by article and form of assistance."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import PageDep, Viewer
from api.errors import error_responses
from api.routers.common import Format, FormatDep, Paged, download_responses, example_of, listing, same
from api.routers.schemas import NeedOut
from api.routers.snapshot import SnapshotDep
from graph.schema.models import Priority

router = APIRouter(prefix="/needs", tags=["needs"], responses=error_responses(401, 403))


@router.get(
    "", response_model=Paged[NeedOut], responses=download_responses(example_of(NeedOut)), summary="List needs"
)
def list_needs(
    who: Viewer,
    snap: SnapshotDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    state: Annotated[str | None, Query(description="ISO3 of the State in need.", examples=["KEN"])] = None,
    article: Annotated[int | None, Query(ge=1, le=71, description="UNCAC article.", examples=[6])] = None,
    form: Annotated[
        str | None, Query(description="Form of assistance.", examples=["capacity_building"])
    ] = None,
    priority: Annotated[Priority | None, Query(examples=["high"])] = None,
) -> Any:
    """Needs, filtered by State, article, form and priority."""
    rows = [
        n
        for n in snap.needs
        if (state is None or same(n.state, state))
        and (article is None or n.article == article)
        and (form is None or same(n.form, form))
        and (priority is None or n.priority == priority)
    ]
    return listing("needs", rows, page, fmt)
