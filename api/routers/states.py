"""``/states``: every State in reference data, and one State with everything that concerns it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import PageDep, Viewer
from api.errors import NotFound, error_responses
from api.routers.common import Format, FormatDep, Paged, download_responses, example_of, listing, same
from api.routers.schemas import ImplementationOut, StateDetail, StateOut
from api.routers.snapshot import SnapshotDep

router = APIRouter(prefix="/states", tags=["states"], responses=error_responses(401, 403))


@router.get(
    "",
    response_model=Paged[StateOut],
    responses=download_responses(example_of(StateOut)),
    summary="List States",
)
def list_states(
    who: Viewer,
    snap: SnapshotDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    region: Annotated[str | None, Query(description="M49 region.", examples=["Africa"])] = None,
    un_group: Annotated[
        str | None,
        Query(description="african, asia_pacific, eastern_european, grulac or weog.", examples=["african"]),
    ] = None,
    income_group: Annotated[str | None, Query(examples=["Low"])] = None,
    party: Annotated[
        bool | None, Query(description="Only States parties (true) or non-parties (false).", examples=[True])
    ] = None,
    q: Annotated[str | None, Query(description="Part of the name or code.", examples=["ken"])] = None,
) -> Any:
    """States with their need and project counts; filter by region, group, income and party status."""
    rows = [
        s
        for s in snap.states
        if (region is None or same(s.region, region))
        and (un_group is None or same(s.un_group, un_group))
        and (income_group is None or same(s.income_group, income_group))
        and (party is None or (s.party_since is not None) == party)
        and (q is None or q.casefold() in f"{s.iso3} {s.name}".casefold())
    ]
    return listing("states", rows, page, fmt)


@router.get(
    "/{iso3}",
    response_model=StateDetail,
    responses=error_responses(404),
    summary="One State with its needs, projects, providers and networks",
)
def get_state(
    who: Viewer,
    snap: SnapshotDep,
    iso3: Annotated[str, Path(description="ISO 3166-1 alpha-3 code.", examples=["KEN"])],
) -> StateDetail:
    code = iso3.strip().upper()
    state = snap.state_index.get(code)
    if state is None:
        raise NotFound(f"no State with code {iso3!r}: use an ISO3 code such as KEN (see GET /states)")
    projects = [p for p in snap.projects if code in p.beneficiaries]
    provider_ids = {f for p in projects for f in p.funders} | {
        p.implementer for p in projects if p.implementer
    }
    provider_ids |= {p.id for p in snap.providers if p.country == code}
    return StateDetail(
        **state.model_dump(),
        needs=[n for n in snap.needs if n.state == code],
        projects=projects,
        providers=[snap.provider_index[i] for i in sorted(provider_ids) if i in snap.provider_index],
        networks=[n for n in snap.networks if code in n.members],
        implementation=[
            ImplementationOut(article=r.article, status=r.status)
            for r in snap.bundle.implementation
            if r.state == code
        ],
    )
