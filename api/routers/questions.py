"""The coordination questions over HTTP: the same functions, parameters and field names as the
command line (``graph/queries``), each answer computed once per version of the data and filters.

Every list answer is paginated with a total, and downloads whole as ``?format=csv|xlsx``.
Bad parameters are 422 (FastAPI) or 400 with the question's own message; an unknown need is 404.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from tacmap.api.deps import PageDep, Principal, ServicesDep, Viewer
from tacmap.api.errors import NotFound, error_responses, invalid
from tacmap.api.lang import LangDep
from tacmap.api.routers import examples
from tacmap.api.routers.common import (
    RAW_CSV,
    RAW_SWITCH,
    ArticleQ,
    AsOfQ,
    Format,
    FormatDep,
    GroupQ,
    IsoDay,
    Paged,
    ProviderQ,
    StateQ,
    attachment,
    download_responses,
    listing,
)
from tacmap.api.routers.results import plain, result_model
from tacmap.api.tables import csv_bytes, localized, table, xlsx_bytes
from tacmap.graph.errors import TacmapError
from tacmap.graph.queries import experts as experts_q
from tacmap.graph.queries import fragmentation as fragmentation_q
from tacmap.graph.queries import gaps as gaps_q
from tacmap.graph.queries import matrix as matrix_q
from tacmap.graph.queries import networks as networks_q
from tacmap.graph.queries import orphans as orphans_q
from tacmap.graph.queries import overlaps as overlaps_q
from tacmap.graph.queries import pairings as pairings_q

router = APIRouter(tags=["questions"], responses=error_responses(400, 401, 403))

NeedQ = Annotated[str | None, Query(description="One need (id).", examples=["need-KEN-006-good_practices"])]
FormQ = Annotated[str | None, Query(description="Form of assistance.", examples=["legal_advice"])]


def answer(
    services: Any,
    question: str,
    compute: Callable[..., Any],
    who: Principal | None = None,
    lang: str = "en",
    **params: Any,
) -> Any:
    """``compute(store, **params)``, cached per version of the data and parameters; the
    questions' LookupError (no such need) is 404 and ValueError (unusable parameter) is 400.

    Questions that list needs (gaps, pairings, shortlists of a need) pass ``who``: they are
    computed on the store as that caller may see it (restricted needs left out). Aggregates pass
    no ``who``: restricted needs count in them for everyone. Questions that name States pass
    ``lang``: the rows with names in that language are cached too (one answer, one copy per
    language), so a page in French costs what a page in English does."""
    cache = services.cache
    reader, audience = (cache.reader, "everything") if who is None else cache.view(who.audience)
    params = {k: v.value if isinstance(v, StrEnum) else v for k, v in params.items()}
    key = (question, audience, *sorted(params.items()))
    try:
        rows = cache.get(key, lambda: compute(reader, **params))
    except LookupError as exc:
        raise NotFound(str(exc).strip("'\"")) from None
    except ValueError as exc:
        raise TacmapError(str(exc)) from None
    if lang == "en":
        return rows
    return cache.get(("localized", lang, *key), lambda: localized(question, rows, lang))


def page_of(cls: type) -> Any:
    return Paged[result_model(cls)]  # type: ignore[valid-type]


@router.get(
    "/overlaps",
    response_model=page_of(overlaps_q.Overlap),
    dependencies=RAW_SWITCH,
    responses=download_responses(examples.OVERLAP),
    summary="Overlaps: projects that may duplicate each other",
)
def overlaps(
    who: Viewer,
    services: ServicesDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    state: StateQ = None,
    article: ArticleQ = None,
    provider: ProviderQ = None,
    group: GroupQ = None,
    start: Annotated[
        IsoDay | None, Query(description="Period start (inclusive).", examples=["2008-01-01"])
    ] = None,
    end: Annotated[
        IsoDay | None, Query(description="Period end (inclusive).", examples=["2009-12-31"])
    ] = None,
) -> Any:
    """Pairs of live projects with a shared State, article and period and no common funder, best
    score first; `score_parts` and `explanation` say why."""
    rows = answer(
        services,
        "overlaps",
        overlaps_q.overlaps,
        state=state,
        article=article,
        provider=provider,
        group=group,
        start=start,
        end=end,
    )
    return listing("overlaps", rows, page, fmt)


@router.get(
    "/gaps",
    response_model=page_of(gaps_q.Gap),
    dependencies=RAW_SWITCH,
    responses=download_responses(examples.GAP),
    summary="Gaps: needs no live project covers, with near misses",
)
def gaps(
    who: Viewer,
    services: ServicesDep,
    page: PageDep,
    language: LangDep,
    fmt: FormatDep = Format.json,
    as_of: AsOfQ = None,
    state: StateQ = None,
    article: ArticleQ = None,
    group: GroupQ = None,
    form: FormQ = None,
    need: NeedQ = None,
) -> Any:
    """Needs not covered on `as_of`, highest priority first; each with up to 3 near misses (a live
    project on the same State and article that misses on form or period)."""
    rows = answer(
        services,
        "gaps",
        gaps_q.gaps,
        who,
        language.code,
        as_of=as_of,
        state=state,
        article=article,
        group=group,
        form=form,
        need=need,
    )
    return listing("gaps", rows, page, fmt)


Dimension = StrEnum("Dimension", {d: d for d in matrix_q.DIMENSIONS})  # type: ignore[misc]


class MatrixPage(BaseModel):
    """One page of matrix cells, with the table's dimensions, date and totals."""

    rows: str
    cols: str
    as_of: str
    totals: dict[str, Any]
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


@router.get(
    "/matrix",
    response_model=MatrixPage,
    dependencies=RAW_SWITCH,
    responses=download_responses(examples.MATRIX, paged=False),
    summary="Needs-vs-supply matrix",
)
def matrix(
    who: Viewer,
    services: ServicesDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    rows: Annotated[Dimension, Query(description="Row dimension.", examples=["article"])] = Dimension.article,
    cols: Annotated[Dimension, Query(description="Column dimension.", examples=["group"])] = Dimension.group,
    as_of: AsOfQ = None,
) -> Any:
    """Needs, covered needs, coverage %, live projects and budget for every non-empty cell of two
    dimensions (article, chapter, group, form, level). `xlsx` adds a coverage grid and totals."""
    frame = answer(services, "matrix", matrix_q.matrix, rows=rows, cols=cols, as_of=as_of)
    cells = matrix_q.to_records(frame)
    if fmt is Format.xlsx:
        with tempfile.TemporaryDirectory() as tmp:
            body = matrix_q.to_xlsx(frame, Path(tmp) / "matrix.xlsx").read_bytes()
        return attachment("matrix", fmt, body)
    if fmt is Format.csv:
        return listing("matrix", cells, page, fmt)
    return {
        "rows": frame.attrs["rows"],
        "cols": frame.attrs["cols"],
        "as_of": frame.attrs["as_of"],
        "totals": frame.attrs["totals"],
        "total": len(cells),
        "limit": page.limit,
        "offset": page.offset,
        "items": cells[page.offset : page.offset + page.limit],
    }


@router.get(
    "/orphans",
    response_model=page_of(orphans_q.Orphan),
    dependencies=RAW_SWITCH,
    responses=download_responses(examples.ORPHAN),
    summary="Orphans: States with needs and no live project",
)
def orphans(
    who: Viewer,
    services: ServicesDep,
    page: PageDep,
    language: LangDep,
    fmt: FormatDep = Format.json,
    as_of: AsOfQ = None,
    group: GroupQ = None,
) -> Any:
    """States with at least one need and no live project benefiting them on `as_of`, most
    high-priority needs first."""
    rows = answer(services, "orphans", orphans_q.orphans, lang=language.code, as_of=as_of, group=group)
    return listing("orphans", rows, page, fmt)


@router.get(
    "/fragmentation",
    response_model=page_of(fragmentation_q.Fragmentation),
    dependencies=RAW_SWITCH,
    responses=download_responses(examples.FRAGMENTATION),
    summary="Fragmentation: providers, budget and concentration per State (and darlings)",
)
def fragmentation(
    who: Viewer,
    services: ServicesDep,
    page: PageDep,
    language: LangDep,
    fmt: FormatDep = Format.json,
    as_of: AsOfQ = None,
    state: StateQ = None,
    group: GroupQ = None,
    by_chapter: Annotated[bool, Query(description="One line per State and chapter.")] = False,
    darlings: Annotated[
        int | None,
        Query(
            ge=1,
            le=200,
            description="Only the N States with the most providers (not with `state` or `by_chapter`).",
            examples=[10],
        ),
    ] = None,
) -> Any:
    """Distinct providers, budget and Herfindahl index (0-10,000) of the supply each State
    receives on `as_of`, most providers first; `darlings=N` keeps the N most-served States."""
    if darlings is not None:
        if state is not None or by_chapter:
            raise invalid("darlings", "`darlings` cannot be combined with `state` or `by_chapter`")
        rows = answer(
            services,
            "darlings",
            fragmentation_q.darlings,
            lang=language.code,
            k=darlings,
            as_of=as_of,
            group=group,
        )
    else:
        rows = answer(
            services,
            "fragmentation",
            fragmentation_q.fragmentation,
            lang=language.code,
            as_of=as_of,
            state=state,
            group=group,
            by_chapter=by_chapter,
        )
    return listing("fragmentation", rows, page, fmt)


@router.get(
    "/pairings",
    response_model=page_of(pairings_q.Pairing),
    dependencies=RAW_SWITCH,
    responses=download_responses(examples.PAIRING),
    summary="South-South pairings: peers that could help with a need",
)
def pairings(
    who: Viewer,
    services: ServicesDep,
    page: PageDep,
    language: LangDep,
    fmt: FormatDep = Format.json,
    need: NeedQ = None,
    state: StateQ = None,
    group: GroupQ = None,
    article: ArticleQ = None,
    limit_per_need: Annotated[
        int | None, Query(ge=1, description="Best N peers per need.", examples=[3])
    ] = None,
    gaps_only: Annotated[bool, Query(description="Only needs that are gaps on `as_of`.")] = False,
    as_of: AsOfQ = None,
) -> Any:
    """For each need matching the filters, the States that reported compliance on its article,
    ranked by score (same group, shared networks, language, experts)."""
    rows = answer(
        services,
        "pairings",
        pairings_q.pairings,
        who,
        language.code,
        need=need,
        state=state,
        group=group,
        article=article,
        limit_per_need=limit_per_need,
        gaps_only=gaps_only,
        as_of=as_of,
    )
    return listing("pairings", rows, page, fmt)


@router.get(
    "/experts/shortlist",
    response_model=page_of(experts_q.ShortlistEntry),
    dependencies=RAW_SWITCH,
    responses={**download_responses(examples.SHORTLIST_ENTRY), **error_responses(404)},
    summary="Expert shortlist for a need",
)
def shortlist(
    who: Viewer,
    services: ServicesDep,
    page: PageDep,
    fmt: FormatDep = Format.json,
    need: NeedQ = None,
    state: Annotated[
        str | None, Query(description="Without `need`: the requesting State.", examples=["KEN"])
    ] = None,
    article: Annotated[
        int | None, Query(ge=1, le=71, description="Without `need`: the article.", examples=[6])
    ] = None,
    form: Annotated[
        str | None, Query(description="Without `need`: the form.", examples=["good_practices"])
    ] = None,
    k: Annotated[int, Query(ge=1, le=100, description="Shortlist size.", examples=[5])] = 5,
) -> Any:
    """A balanced shortlist of `k` experts (no regional group holds more than half the places
    unless too few others qualify). Give `need`, or `state` + `article` + `form`. No personal data."""
    if need is not None:
        rows = answer(services, "shortlist", experts_q.shortlist, who, need=need, k=k)
    elif state and article and form:
        rows = answer(
            services,
            "shortlist_for",
            experts_q.shortlist_for,
            state=state.upper(),
            article=article,
            form=form,
            k=k,
        )
    else:
        raise invalid("need", "give `need`, or `state`, `article` and `form`")
    return listing("shortlist", rows, page, fmt)


class MetricsTable(StrEnum):
    providers = "providers"
    networks = "networks"
    communities = "communities"


@router.get(
    "/networks/metrics",
    response_model=result_model(networks_q.BrokerMetrics),
    dependencies=RAW_SWITCH,
    responses=download_responses(examples.BROKER_METRICS, paged=False),
    summary="Networks and brokers: centrality of providers and networks, provider communities",
)
def network_metrics(
    who: Viewer,
    services: ServicesDep,
    fmt: FormatDep = Format.json,
    table_: Annotated[
        MetricsTable,
        Query(alias="table", description="With `format=csv`: which table.", examples=["providers"]),
    ] = MetricsTable.providers,
) -> Any:
    """Degree and betweenness of providers and networks on the provider-State funding graph, and
    Louvain communities of providers. `xlsx` downloads all three tables, `csv` the one named."""
    metrics = plain(answer(services, "broker_metrics", networks_q.broker_metrics))
    if isinstance(metrics, BaseModel):
        metrics = metrics.model_dump(mode="json")
    if fmt is Format.json:
        return metrics
    tables = {t.value: table(metrics[t.value]) for t in MetricsTable}
    if fmt is Format.csv:
        return attachment(
            f"network-metrics-{table_.value}", fmt, csv_bytes(*tables[table_.value], RAW_CSV.get())
        )
    return attachment("network-metrics", fmt, xlsx_bytes(tables))
