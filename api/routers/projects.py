"""``/projects``: funded technical assistance, filtered the ways officers ask."""

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
    IsoDay,
    Paged,
    download_responses,
    example_of,
    listing,
    same,
)
from tacmap.api.schemas import ProjectOut
from tacmap.graph.schema.models import ProjectStatus

router = APIRouter(prefix="/projects", tags=["projects"], responses=error_responses(401, 403))


@router.get(
    "",
    response_model=Paged[ProjectOut],
    dependencies=RAW_SWITCH,
    responses=download_responses(example_of(ProjectOut)),
    summary="List projects",
)
def list_projects(
    who: Viewer,
    snap: SnapshotDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    state: Annotated[str | None, Query(description="A beneficiary State (ISO3).", examples=["KEN"])] = None,
    provider: Annotated[
        str | None, Query(description="A provider that funds or implements it.", examples=["unodc"])
    ] = None,
    article: Annotated[int | None, Query(ge=1, le=71, examples=[6])] = None,
    status: Annotated[ProjectStatus | None, Query(examples=["ongoing"])] = None,
    network: Annotated[
        str | None, Query(description="Run through this network.", examples=["eaaaca"])
    ] = None,
    active_on: Annotated[
        IsoDay | None,
        Query(description="Running on this date (start and end inclusive).", examples=["2009-09-01"]),
    ] = None,
) -> Any:
    """Projects, filtered by beneficiary, provider, article, status, network and date."""
    rows = [
        p
        for p in snap.projects
        if (state is None or any(same(b, state) for b in p.beneficiaries))
        and (provider is None or provider in p.funders or provider == p.implementer)
        and (article is None or article in p.articles)
        and (status is None or p.status == status)
        and (network is None or same(p.network, network))
        and (active_on is None or p.start <= active_on <= p.end)
    ]
    return listing("projects", rows, page, fmt)


@router.get(
    "/{project_id}",
    response_model=ProjectOut,
    responses=error_responses(404),
    summary="One project",
)
def get_project(
    request: Request,
    who: Viewer,
    snap: SnapshotDep,
    project_id: Annotated[str, Path(description="Project id as in the bundle.", examples=["prj-0001"])],
) -> Any:
    """The project; a browser gets it as a page."""
    found = next((r for r in snap.projects if r.id == project_id), None)
    if found is None:
        raise NotFound(f"no project with id {project_id!r} (see GET /projects)")
    return record_or_page(request, found, found.title)
