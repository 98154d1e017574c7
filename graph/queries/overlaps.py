"""Question 1, overlaps (possible duplication): who does the same thing in the same State at the
same time, without a common funder.

``overlaps(store, ...)`` is the public function (CLI, API). The stores return raw pair rows —
``overlaps.cypher`` on Neo4j, :func:`embedded` here on the embedded store — and this module scores,
orders and explains them once for both. Contract: ``graph/queries/README.md`` section 1.

The embedded twin does not compare all pairs of projects: the live projects are indexed by
(State, article), each bucket sorted by start date (``_portfolio``), and each bucket is swept once
keeping the projects whose period is still open; every project met meets exactly the projects it
overlaps in that bucket. The cost grows with the number of overlapping pairs, not with the square
of the number of projects.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from tacmap.graph.queries._portfolio import ProjectFacts, iso, portfolio
from tacmap.graph.queries._results import Result, bulk
from tacmap.graph.store.base import Store
from tacmap.graph.store.cypher import RawQuery

# Weights of the score parts (they sum to 1); see README section 1.
WEIGHTS: dict[str, float] = {"articles": 0.35, "states": 0.25, "period": 0.25, "forms": 0.15}
UNKNOWN_FORMS = 0.5  # forms part when a project lists no forms (it may do any form)
_W_ARTICLES, _W_STATES, _W_PERIOD, _W_FORMS = (WEIGHTS[k] for k in ("articles", "states", "period", "forms"))


@dataclass(frozen=True, slots=True)
class Overlap(Result):
    """Two live projects that may duplicate each other."""

    project_a: str
    project_b: str
    title_a: str | None
    title_b: str | None
    states: list[str]  # beneficiary States both share
    articles: list[int]  # articles both address
    forms: list[str]  # forms both list by name
    start: date  # first day of the common period
    end: date  # last day of the common period
    overlap_days: int  # days in the common period, both ends included
    funders_a: list[str]
    funders_b: list[str]
    implementer_a: str | None
    implementer_b: str | None
    score: float
    score_parts: dict[str, float]

    @property
    def explanation(self) -> str:
        return explain(self)

    def to_dict(self) -> dict[str, Any]:
        return {**Result.to_dict(self), "explanation": self.explanation}


@functools.cache
def _day(value: str) -> int:
    """Day number of an ISO date (cached: a world has a few thousand distinct dates)."""
    return date.fromisoformat(value).toordinal()


def score_parts(row: dict[str, Any], overlap_days: int) -> dict[str, float]:
    """The four parts of the score of one raw pair row, each in [0, 1] (4 decimals).

    articles: shared / union of the two projects' articles; states: shared / union of their
    beneficiary States; period: days in common / days of the shorter project; forms: shared / union
    of the forms both list, or 0.5 when either lists none (any form: agreement unknown).
    """
    shorter = min(_day(row["end_a"]) - _day(row["start_a"]), _day(row["end_b"]) - _day(row["start_b"])) + 1
    forms_a, forms_b = row["forms_a"], row["forms_b"]
    if forms_a and forms_b:
        both = len(set(forms_a).intersection(forms_b))
        forms = both / (len(forms_a) + len(forms_b) - both)
    else:
        forms = UNKNOWN_FORMS
    shared_states, shared_articles = len(row["states"]), len(row["articles"])
    return {
        "articles": round(shared_articles / (row["n_articles_a"] + row["n_articles_b"] - shared_articles), 4),
        "states": round(shared_states / (row["n_states_a"] + row["n_states_b"] - shared_states), 4),
        "period": round(overlap_days / shorter, 4),
        "forms": round(forms, 4),
    }


def _names(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "no recorded funder"


def explain(o: Overlap) -> str:
    """One sentence an officer can read: who, where, on what, how long, which forms."""
    articles = ", ".join(map(str, o.articles))
    return (
        f"{o.project_a} (funded by {_names(o.funders_a)}) and {o.project_b} "
        f"(funded by {_names(o.funders_b)}) both benefit {', '.join(o.states)} on article"
        f"{'s' if len(o.articles) > 1 else ''} {articles} for {o.overlap_days} "
        f"day{'s' if o.overlap_days > 1 else ''} ({o.start.isoformat()} to {o.end.isoformat()}); "
        f"forms named by both: {', '.join(o.forms) if o.forms else 'none'}; no common funder; "
        f"score {o.score:.2f}"
    )


def _ordered(values: list[Any]) -> list[Any]:
    return values if len(values) < 2 else sorted(values)


def finish(row: dict[str, Any]) -> Overlap:
    """Score one raw row (the same for both stores)."""
    first = max(_day(row["start_a"]), _day(row["start_b"]))
    last = min(_day(row["end_a"]), _day(row["end_b"]))
    days = last - first + 1
    parts = score_parts(row, days)
    score = round(
        _W_ARTICLES * parts["articles"]
        + _W_STATES * parts["states"]
        + _W_PERIOD * parts["period"]
        + _W_FORMS * parts["forms"],
        4,
    )
    forms_a, forms_b = row["forms_a"], row["forms_b"]
    return Overlap(
        row["project_a"],
        row["project_b"],
        row["title_a"],
        row["title_b"],
        _ordered(row["states"]),
        _ordered(row["articles"]),
        sorted(set(forms_a).intersection(forms_b)) if forms_a and forms_b else [],
        date.fromordinal(first),
        date.fromordinal(last),
        days,
        _ordered(row["funders_a"]),
        _ordered(row["funders_b"]),
        row["implementer_a"],
        row["implementer_b"],
        score,
        parts,
    )


def params(
    *,
    state: str | None = None,
    article: int | None = None,
    provider: str | None = None,
    group: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
) -> dict[str, Any]:
    """The query parameters, all present (a store needs every ``$name`` bound), dates as ISO."""
    return {
        "state": state,
        "article": None if article is None else int(article),
        "provider": provider,
        "group": group,
        "period_start": iso(start),
        "period_end": iso(end),
    }


@bulk
def overlaps(
    store: Store,
    *,
    state: str | None = None,
    article: int | None = None,
    provider: str | None = None,
    group: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
) -> list[Overlap]:
    """Pairs of live projects that may duplicate each other, best score first.

    Parameters (None = no filter):
      state     ISO3 code; only pairs that share this beneficiary State.
      article   UNCAC article number; only pairs that share this article.
      provider  provider id; only pairs where it funds or implements either project.
      group     UN regional group code (``african``, ``asia_pacific``, ``eastern_european``,
                ``grulac``, ``weog``); only pairs sharing a State whose primary group it is.
      start, end  a period (dates or ISO strings, inclusive); only pairs whose common period
                intersects it.

    Each pair comes once with ``project_a < project_b``; ordered by score (high first), then
    overlap_days (long first), then ids.
    """
    rows = store.answer(
        RAW,
        **params(state=state, article=article, provider=provider, group=group, start=start, end=end),
    )
    found = [finish(row) for row in rows]
    found.sort(key=lambda o: (-o.score, -o.overlap_days, o.project_a, o.project_b))
    return found


# -- the embedded twin ---------------------------------------------------------------------------


def _row(a: ProjectFacts, b: ProjectFacts) -> dict[str, Any]:
    return {
        "project_a": a.id,
        "project_b": b.id,
        "title_a": a.title,
        "title_b": b.title,
        "start_a": a.start,
        "end_a": a.end,
        "start_b": b.start,
        "end_b": b.end,
        "budget_a": a.budget,
        "budget_b": b.budget,
        "states": [s for s in a.states if s in b.states],
        "articles": [x for x in a.articles if x in b.articles],
        "forms_a": list(a.forms),
        "forms_b": list(b.forms),
        "funders_a": list(a.funders),
        "funders_b": list(b.funders),
        "implementer_a": a.implementer,
        "implementer_b": b.implementer,
        "n_states_a": len(a.states),
        "n_states_b": len(b.states),
        "n_articles_a": len(a.articles),
        "n_articles_b": len(b.articles),
    }


def embedded(
    store: Store,
    *,
    state: str | None,
    article: int | None,
    provider: str | None,
    group: str | None,
    period_start: str | None,
    period_end: str | None,
) -> list[dict[str, Any]]:
    """The rows of ``overlaps.cypher``, by a sweep over the (State, article) buckets."""
    start, end = period_start, period_end
    index = portfolio(store)
    if state is not None:
        states = [state] if state in index.cells else []
    else:
        states = list(index.cells)
    if group is not None:
        states = [s for s in states if index.group(s) == group]
    seen: set[int] = set()  # pairs met already (in another bucket), as n_first * size + n_second
    size = len(index.projects)
    rows: list[dict[str, Any]] = []
    for s in states:
        by_article = index.cells[s]
        for a in [article] if article is not None else list(by_article):
            bucket = by_article.get(a)
            if not bucket or len(bucket) < 2:
                continue
            active: list[ProjectFacts] = []  # projects met so far whose period is still open
            for x in bucket:  # by start date
                if (start is not None and x.end < start) or (end is not None and x.start > end):
                    continue
                if active:
                    active = [y for y in active if y.end >= x.start]
                    for y in active:
                        first, second = (y, x) if y.n < x.n else (x, y)
                        pair = first.n * size + second.n
                        if pair in seen:
                            continue
                        seen.add(pair)
                        if not x.funder_set.isdisjoint(y.funders):
                            continue  # co-funded: coordinated, not duplicated
                        if provider is not None and not (
                            provider in first.funder_set
                            or provider in second.funder_set
                            or provider == first.implementer
                            or provider == second.implementer
                        ):
                            continue
                        rows.append(_row(first, second))
                active.append(x)
    return rows


RAW = RawQuery("overlaps", embedded)
