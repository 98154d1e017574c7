"""``/states``: every State in reference data, and one State with everything that concerns it.

Names and regions come in the language of the request (``?lang=`` or ``Accept-Language``, see
:mod:`tacmap.api.lang`): State names are the M49 names in the six UN languages, regions CLDR's names. Filters
take the English or the translated wording.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
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
from tacmap.api.schemas import ImplementationOut, StateDetail, StateOut
from tacmap.graph.schema.reference import countries, region_name, state_name
from tacmap.graph.schema.regions import regions
from tacmap.i18n import group_name, use

EXPERT_NEEDS = 5  # the brief shortlists experts for its first gaps (highest priority first)

router = APIRouter(prefix="/states", tags=["states"], responses=error_responses(401, 403))


def localized(state: StateOut, lang: str) -> StateOut:
    """The State with its name, region, subregion and UN regional group's name in ``lang``."""
    with use(lang):
        group = group_name(state.un_group)
    if lang == "en":
        return state.model_copy(update={"un_group_name": group})
    return state.model_copy(
        update={
            "name": state_name(state.iso3, lang) if state.iso3 in countries() else state.name,
            "region": region_name(state.region, lang),
            "subregion": region_name(state.subregion, lang),
            "un_group_name": group,
        }
    )


@router.get(
    "",
    response_model=Paged[StateOut],
    dependencies=RAW_SWITCH,
    responses=download_responses(example_of(StateOut)),
    summary="List States",
)
def list_states(
    who: Viewer,
    snap: SnapshotDep,
    page: PageDep,
    language: LangDep,
    fmt: FormatDep = Format.json,
    region: Annotated[
        str | None,
        Query(description="M49 region, in English or the response's language.", examples=["Africa"]),
    ] = None,
    un_group: Annotated[
        str | None,
        Query(description="african, asia_pacific, eastern_european, grulac or weog.", examples=["african"]),
    ] = None,
    income_group: Annotated[str | None, Query(examples=["Low"])] = None,
    party: Annotated[
        bool | None, Query(description="Only States parties (true) or non-parties (false).", examples=[True])
    ] = None,
    q: Annotated[
        str | None,
        Query(description="Part of the name (English or the response's language) or code.", examples=["ken"]),
    ] = None,
) -> Any:
    """States with their need and project counts; filter by region, group, income and party status."""
    rows = []
    for s in snap.states:
        here = localized(s, language.code)
        if (
            (region is None or same(s.region, region) or same(here.region, region))
            and (un_group is None or same(s.un_group, un_group))
            and (income_group is None or same(s.income_group, income_group))
            and (party is None or (s.party_since is not None) == party)
            and (q is None or q.casefold() in f"{s.iso3} {s.name} {here.name}".casefold())
        ):
            rows.append(here)
    found = listing("states", rows, page, fmt)
    return language.mark(found) if isinstance(found, Response) else found


@router.get(
    "/{iso3}",
    response_model=StateDetail,
    responses={**error_responses(404), 200: {"content": PAGE_CONTENT}},
    summary="One State with its needs, projects, providers and networks",
)
def get_state(
    request: Request,
    who: Viewer,
    services: ServicesDep,
    snap: SnapshotDep,
    language: LangDep,
    iso3: Annotated[str, Path(description="ISO 3166-1 alpha-3 code.", examples=["KEN"])],
) -> Any:
    """As JSON; a browser gets the State brief (viz/pages/state_brief.py), ``as_of`` as the questions take it."""
    code = iso3.strip().upper()
    state = snap.state_index.get(code)
    if state is None:
        raise NotFound(f"no State with code {iso3!r}: use an ISO3 code such as KEN (see GET /states)")
    projects = [p for p in snap.projects if code in p.beneficiaries]
    including = {r.id for r in regions().values() if code in r.members}
    regional = [p for p in snap.projects if code not in p.beneficiaries and including.intersection(p.regions)]
    provider_ids = {f for p in projects for f in p.funders} | {
        p.implementer for p in projects if p.implementer
    }
    provider_ids |= {p.id for p in snap.providers if p.country == code}
    detail = StateDetail(
        **localized(state, language.code).model_dump(),
        needs=[n for n in snap.needs_shown(services.cache.hidden(who.audience)) if n.state == code],
        projects=projects,
        regional_programmes=regional,
        providers=[snap.provider_index[i] for i in sorted(provider_ids) if i in snap.provider_index],
        networks=[n for n in snap.networks if code in n.members],
        implementation=[
            ImplementationOut(article=r.article, status=r.status)
            for r in snap.bundle.implementation
            if r.state == code
        ],
    )
    if wants_html(request):
        return HTMLResponse(state_brief_page(detail, request, who, services, snap, language.code))
    return detail


def state_brief_page(
    detail: StateDetail, request: Request, who: Any, services: Any, snap: Any, lang: str
) -> str:
    """The State brief, from the answers of the registry questions (the same cache as their endpoints)."""
    from tacmap.api.routers.questions import page_day, rows_of
    from tacmap.viz.pages.state_brief import StateBrief, state_brief

    code = detail.iso3
    as_of = page_day(request, services)
    gaps = rows_of("gaps", {"state": code, "as_of": as_of}, services, who)
    group = detail.un_group
    experts = {}
    for gap in gaps[:EXPERT_NEEDS]:
        found = rows_of("experts", {"need": gap.need, "k": 3}, services, who)
        experts[gap.need] = [e for e in found if group is None or e.group == group]
    brief = StateBrief(
        state=detail,
        as_of=as_of,
        gaps=gaps,
        overlaps=rows_of("overlaps", {"state": code}, services, who),
        presence=rows_of("presence", {"state": code, "as_of": as_of}, services, who),
        pairings=rows_of(
            "pairings",
            {"state": code, "gaps_only": True, "limit_per_need": 1, "as_of": as_of},
            services,
            who,
        ),
        experts=experts,
        provider_names={p.id: p.name for p in snap.providers},
    )
    return state_brief(brief, lang)
