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

from tacmap.graph.queries._notes import facts
from tacmap.graph.queries._portfolio import ProjectFacts, iso, portfolio
from tacmap.graph.queries._results import Result, bulk
from tacmap.graph.queries._text import Vector, similarity, vectors
from tacmap.graph.schema.models import basis_kind
from tacmap.graph.store.base import Store
from tacmap.graph.store.cypher import RawQuery

# Weights of the score parts (they sum to 1); see README section 1.
WEIGHTS: dict[str, float] = {"articles": 0.30, "text": 0.20, "states": 0.20, "period": 0.20, "forms": 0.10}
UNKNOWN_FORMS = 0.5  # forms part when a project lists no forms (it may do any form)
# How much one side's article counts by what it rests on; a shared article counts the product of
# its two sides (stated by both 1, stated and keyword 0.6, ... both guessed from a sector 0.09).
BASIS_WEIGHTS: dict[str, float] = {"stated": 1.0, "keyword": 0.6, "sdg": 0.3, "sector": 0.3}


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
    basis_a: list[str]  # what each shared article rests on in project_a (``stated``, ``sector:15113``)
    basis_b: list[str]  # the same in project_b, in the order of ``articles``

    @property
    def explanation(self) -> str:
        return explain(self)

    def to_dict(self) -> dict[str, Any]:
        return {**Result.to_dict(self), "explanation": self.explanation}


@functools.cache
def _day(value: str) -> int:
    """Day number of an ISO date (cached: a world has a few thousand distinct dates)."""
    return date.fromisoformat(value).toordinal()


def article_weight(basis_a: str, basis_b: str) -> float:
    """How much one shared article counts: the product of its two sides' basis weights."""
    return BASIS_WEIGHTS[basis_kind(basis_a)] * BASIS_WEIGHTS[basis_kind(basis_b)]


def score_parts(row: dict[str, Any], overlap_days: int, text: float) -> dict[str, float]:
    """The five parts of the score of one raw pair row, each in [0, 1] (4 decimals).

    articles: the shared articles, each weighed by its evidence (:func:`article_weight`), over the
    union of the two projects' articles; text: how alike their titles and descriptions are;
    states: shared / union of their beneficiary States; period: days in common / days of the
    shorter project; forms: shared / union of the forms both list, or 0.5 when either lists none.
    """
    shorter = min(_day(row["end_a"]) - _day(row["start_a"]), _day(row["end_b"]) - _day(row["start_b"])) + 1
    forms_a, forms_b = row["forms_a"], row["forms_b"]
    if forms_a and forms_b:
        both = len(set(forms_a).intersection(forms_b))
        forms = both / (len(forms_a) + len(forms_b) - both)
    else:
        forms = UNKNOWN_FORMS
    shared_states, shared_articles = len(row["states"]), len(row["articles"])
    weighed = sum(article_weight(a, b) for _, a, b in row["bases"])
    return {
        "articles": round(weighed / (row["n_articles_a"] + row["n_articles_b"] - shared_articles), 4),
        "text": round(text, 4),
        "states": round(shared_states / (row["n_states_a"] + row["n_states_b"] - shared_states), 4),
        "period": round(overlap_days / shorter, 4),
        "forms": round(forms, 4),
    }


def _names(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "no recorded funder"


def _evidence(basis: str) -> str:
    kind, _, detail = basis.partition(":")
    return {
        "keyword": f"from the words '{detail}'",
        "sdg": f"guessed from SDG target {detail}",
        "sector": f"guessed from DAC {detail}",
    }.get(kind, "stated")


def _article_evidence(o: Overlap) -> str:
    """ "article 6 guessed from DAC 15113 for both, article 9 stated by both", each side told
    apart when they differ."""
    parts = []
    for article, a, b in zip(o.articles, o.basis_a, o.basis_b, strict=True):
        if a == b:
            parts.append(f"article {article} {_evidence(a)} {'by' if a == 'stated' else 'for'} both")
        else:
            parts.append(
                f"article {article} {_evidence(a)} for {o.project_a}, {_evidence(b)} for {o.project_b}"
            )
    return "; ".join(parts)


def explain(o: Overlap) -> str:
    """One sentence an officer can read: who, where, on what and on which evidence, how alike the
    descriptions are, how long, which forms."""
    return (
        f"{o.project_a} (funded by {_names(o.funders_a)}) and {o.project_b} "
        f"(funded by {_names(o.funders_b)}) both benefit {', '.join(o.states)}: {_article_evidence(o)}; "
        f"descriptions {o.score_parts['text']:.2f} alike; {o.overlap_days} "
        f"day{'s' if o.overlap_days > 1 else ''} in common ({o.start.isoformat()} to {o.end.isoformat()}); "
        f"forms named by both: {', '.join(o.forms) if o.forms else 'none'}; no common funder; "
        f"score {o.score:.2f}"
    )


def _ordered(values: list[Any]) -> list[Any]:
    return values if len(values) < 2 else sorted(values)


def finish(row: dict[str, Any], texts: dict[str, Vector]) -> Overlap:
    """Score one raw row (the same for both stores); ``texts`` are the projects' text vectors."""
    first = max(_day(row["start_a"]), _day(row["start_b"]))
    last = min(_day(row["end_a"]), _day(row["end_b"]))
    days = last - first + 1
    text = similarity(texts.get(row["project_a"]), texts.get(row["project_b"]))
    parts = score_parts(row, days, text)
    score = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 4)
    forms_a, forms_b = row["forms_a"], row["forms_b"]
    bases = sorted(row["bases"])
    return Overlap(
        row["project_a"],
        row["project_b"],
        row["title_a"],
        row["title_b"],
        _ordered(row["states"]),
        [a for a, _, _ in bases],
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
        [b for _, b, _ in bases],
        [b for _, _, b in bases],
    )


def text_vectors(store: Store) -> dict[str, Vector]:
    """Every live project's title and description as a TF-IDF vector (``_text``)."""
    rows = store.answer(TEXTS)
    return vectors(
        tuple(sorted((r["project"], f"{r['title'] or ''} {r['description'] or ''}") for r in rows))
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
    texts = text_vectors(store) if rows else {}
    found = [finish(row, texts) for row in rows]
    found.sort(key=lambda o: (-o.score, -o.overlap_days, o.project_a, o.project_b))
    return found


def notes(
    store: Store,
    rows: list[Overlap],
    *,
    state: str | None = None,
    article: int | None = None,
    provider: str | None = None,
    group: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
) -> list[str]:
    """When no pair overlaps, how many live projects the State and article filters leave."""
    if rows:
        return []
    live = facts(store).live
    found = {p for (s, a), ps in live.items() if state in (None, s) and article in (None, a) for p in ps}
    where = (f" benefits {state}" if state else "") + (
        f" on article {article}" if article is not None else ""
    )
    others = any(v is not None for v in (provider, group, start, end))
    if not where:
        return [
            "no pair matches the filters"
            if others
            else "no two live projects share a State, an article and a period without a common funder"
        ]
    if not found:
        return [f"no live project{where}"]
    if len(found) == 1:
        return [f"only 1 live project{where} ({min(found)}): there is nothing to compare it with"]
    then = (
        "no pair of them matches the other filters"
        if others
        else ("no two of them share a period without a common funder")
    )
    return [f"{len(found)} live projects{where.replace(' benefits', ' benefit')}, but {then}"]


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
        "bases": [[x, a.basis[x], b.basis[x]] for x in a.articles if x in b.articles],
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


def embedded_texts(store: Store) -> list[dict[str, Any]]:
    """The rows of ``overlaps_texts.cypher``: every live project's title and description."""
    return [
        {"project": p.id, "title": p.title, "description": p.description}
        for p in portfolio(store).projects.values()
        if p.live
    ]


RAW = RawQuery("overlaps", embedded)
TEXTS = RawQuery("overlaps_texts", embedded_texts)
