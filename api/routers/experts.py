"""``/experts``: the roster (``/experts/shortlist``, who fits a need, is a question: see
``questions.py``).

Experts' emails are personal data: only editors and admins see them; for anyone else the field
is null, in JSON and in downloads alike.
"""

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
from tacmap.api.schemas import ExpertOut

router = APIRouter(prefix="/experts", tags=["experts"], responses=error_responses(401, 403))


@router.get(
    "",
    response_model=Paged[ExpertOut],
    dependencies=RAW_SWITCH,
    responses=download_responses(example_of(ExpertOut)),
    summary="List experts",
)
def list_experts(
    who: Viewer,
    snap: SnapshotDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    nationality: Annotated[str | None, Query(description="ISO3.", examples=["KEN"])] = None,
    article: Annotated[int | None, Query(ge=1, le=71, examples=[46])] = None,
    language: Annotated[str | None, Query(description="ISO 639-1 code.", examples=["fr"])] = None,
    form: Annotated[str | None, Query(examples=["legal_advice"])] = None,
) -> Any:
    """The expert roster, filtered by nationality, article, language and form of assistance."""
    rows = [
        e
        for e in snap.experts(who.sees_personal_data)
        if (nationality is None or same(e.nationality, nationality))
        and (article is None or article in e.articles)
        and (language is None or any(same(x, language) for x in e.languages))
        and (form is None or any(same(x, form) for x in e.forms))
    ]
    return listing("experts", rows, page, fmt)


@router.get(
    "/{expert_id}",
    response_model=ExpertOut,
    responses=error_responses(404),
    summary="One expert",
)
def get_expert(
    request: Request,
    who: Viewer,
    snap: SnapshotDep,
    expert_id: Annotated[str, Path(description="Expert id as in the bundle.", examples=["exp-0001"])],
) -> Any:
    """The expert; a browser gets it as a page."""
    found = next((r for r in snap.experts(who.sees_personal_data) if r.id == expert_id), None)
    if found is None:
        raise NotFound(f"no expert with id {expert_id!r} (see GET /experts)")
    return record_or_page(request, found, found.name)
