"""Question 2, gaps: which needs has nobody taken up, and how close did supply come?

``gaps(store, ...)`` is the public function (CLI, API). The stores return the uncovered needs with
their candidate projects — ``gaps.cypher`` on Neo4j, :func:`embedded` here on the embedded store —
and this module picks the near-misses, orders and explains them once for both. Contract:
``graph/queries/README.md`` section 2.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from tacmap.graph.queries._notes import facts, needs_matching
from tacmap.graph.queries._portfolio import PRIORITY_ORDER, as_of_iso, portfolio
from tacmap.graph.queries._results import Result, bulk
from tacmap.graph.schema.models import STATED
from tacmap.graph.store.base import Store
from tacmap.graph.store.cypher import RawQuery

NEAR_MISSES = 3  # near-misses returned per gap
GAP = "gap"
COVERED_INFERRED = "covered (inferred)"  # covered, but only by projects whose article is inferred
REACHED_REGIONALLY = (
    "reached regionally"  # not covered; a project would, but reaches it only through a Region
)


@dataclass(frozen=True, slots=True)
class NearMiss(Result):
    """A live project on the gap's State and article that does not cover it, and why."""

    project: str
    title: str | None
    # "form", "period", "regional" (it reaches the State only through a Region), joined by " and ";
    # or "inferred" (it covers, on an inferred article)
    reason: str
    forms: list[str]  # forms the project lists ([] = any form)
    start: date
    end: date
    days_since_end: int  # days from the project's end to as_of (0 when it has not ended)
    basis: str  # what the project's article rests on (``stated``, ``sector:15113``)


@dataclass(frozen=True, slots=True)
class Gap(Result):
    """A need no live project covers at as_of (or, with ``stated_only``, none on a stated article)."""

    need: str
    state: str
    state_name: str | None
    group: str | None  # primary UN regional group of the State
    article: int
    article_title: str | None
    chapter: str | None
    form: str
    priority: str | None
    identified_on: date | None
    as_of: date
    near_misses: list[NearMiss]
    # "gap"; "reached regionally": a project would cover it but reaches the State only through a Region;
    # "covered (inferred)": only projects on an inferred article cover it (with stated_only)
    coverage: str = GAP

    @property
    def explanation(self) -> str:
        covers = (
            "only projects whose article is inferred cover it"
            if self.coverage == COVERED_INFERRED
            else "no live project covers it"
        )
        head = (
            f"{self.state} needs {self.form} on article {self.article}"
            f"{f' ({self.article_title})' if self.article_title else ''}"
            f"{f', {self.priority} priority' if self.priority else ''}; "
            f"{covers} on {self.as_of.isoformat()}"
        )
        if not self.near_misses:
            return head + "; no live project works on this State and article at all"
        misses = "; ".join(
            f"{m.project} covers it on an inferred article ({m.basis})"
            if m.reason == "inferred"
            else (
                f"{m.project} reaches it only regionally"
                if m.reason == "regional"
                else f"{m.project} misses on {m.reason}"
            )
            + ("" if m.basis == STATED else f" (article {m.basis})")
            for m in self.near_misses
        )
        return f"{head}; nearest: {misses}"

    def to_dict(self) -> dict[str, Any]:
        return {**Result.to_dict(self), "explanation": self.explanation}


@functools.cache
def _day(value: str) -> int:
    return date.fromisoformat(value).toordinal()


@functools.cache
def _date(value: str) -> date:
    return date.fromisoformat(value)


def near_misses(
    candidates: list[dict[str, Any]],
    form: str,
    as_of: str,
    k: int = NEAR_MISSES,
    made: dict[tuple[str, bool, bool, bool], NearMiss] | None = None,
    regional: list[dict[str, Any]] = [],  # noqa: B006 - read only
) -> list[NearMiss]:
    """The ``k`` nearest of the live projects on a gap's State and article.

    A candidate misses on "form" when it lists forms and not the need's, on "period" when it ended
    before as_of, or on both; one that misses on neither covers the need on an inferred article
    (it is only a candidate when ``stated_only`` asked for stated articles): reason "inferred".
    ``regional``: the live projects that reach the State only through a Region; each misses on
    "regional" too (it never covers).
    Nearest first: fewer reasons (so "inferred" first), then fewer days since it ended, then id.
    ``made``: records already built for this as_of and article, by (project, form miss, period
    miss), to share between the gaps of one answer.
    """
    if not candidates and not regional:
        return []
    ranked = []
    for far, group in ((False, candidates), (True, regional)):
        for c in group:
            forms, end = c["forms"], c["end"]
            form_miss = bool(forms) and form not in forms
            period_miss = end < as_of  # ISO dates compare as strings
            if far or form_miss or period_miss or c["basis"] != STATED:
                days = _day(as_of) - _day(end) if period_miss else 0
                misses = (form_miss, period_miss, far)
                ranked.append((sum(misses), days, c["project"], misses, c))
    if len(ranked) > 1:
        ranked.sort(key=lambda item: item[:3])
        del ranked[k:]
    return [_near_miss(c, misses, days, made) for _, days, _, misses, c in ranked]


def _near_miss(
    c: dict[str, Any],
    misses: tuple[bool, bool, bool],
    days: int,
    made: dict[tuple[str, bool, bool, bool], NearMiss] | None,
) -> NearMiss:
    key = (c["project"], *misses)
    miss = made.get(key) if made is not None else None
    if miss is None:
        forms = c["forms"]
        miss = NearMiss(
            c["project"],
            c["title"],
            " and ".join(r for r, miss in zip(_REASONS, misses, strict=True) if miss) or "inferred",
            sorted(forms) if len(forms) > 1 else list(forms),
            _date(c["start"]),
            _date(c["end"]),
            days,
            c["basis"],
        )
        if made is not None:
            made[key] = miss
    return miss


_REASONS = ("form", "period", "regional")


def params(
    *,
    as_of: date | str | None = None,
    state: str | None = None,
    article: int | None = None,
    group: str | None = None,
    form: str | None = None,
    need: str | None = None,
    stated_only: bool = False,
) -> dict[str, Any]:
    """Every query parameter, dates as ISO strings (``as_of`` defaults to today)."""
    return {
        "as_of": as_of_iso(as_of),
        "state": state,
        "article": None if article is None else int(article),
        "group": group,
        "form": form,
        "need": need,
        "stated_only": bool(stated_only),
    }


@bulk
def gaps(
    store: Store,
    *,
    as_of: date | str | None = None,
    state: str | None = None,
    article: int | None = None,
    group: str | None = None,
    form: str | None = None,
    need: str | None = None,
    stated_only: bool = False,
) -> list[Gap]:
    """Needs that no live project covers at ``as_of``, with up to 3 near-misses each.

    Parameters (None = no filter):
      as_of    the day coverage is judged on (date or ISO string; default today). A project
               covers only if it ends on or after it.
      state    ISO3 code of the State in need.
      article  UNCAC article number.
      group    UN regional group code of the State (its primary group).
      form     form of assistance code (``legal_advice``, ...).
      need     one need id.
      stated_only  only a project whose article is stated covers: a need covered only through
               inferred articles is listed too, as ``covered (inferred)``.

    Ordered by priority (high, medium, low, none), then State, article, form and need id.
    """
    p = params(
        as_of=as_of, state=state, article=article, group=group, form=form, need=need, stated_only=stated_only
    )
    rows = store.answer(RAW, **p)
    day = date.fromisoformat(p["as_of"])
    misses: dict[tuple[str, int, str], list[NearMiss]] = {}  # same cell and form, same near-misses
    made: dict[int, dict[tuple[str, bool, bool, bool], NearMiss]] = {}  # article -> records built
    out = []
    for row in rows:
        key = (row["state"], row["article"], row["form"])
        found = misses.get(key)
        if found is None:
            found = misses[key] = near_misses(
                row["candidates"],
                row["form"],
                p["as_of"],
                made=made.setdefault(row["article"], {}),
                regional=row["regional"],
            )
        out.append(
            Gap(
                row["need"],
                row["state"],
                row["state_name"],
                row["group"],
                row["article"],
                row["article_title"],
                row["chapter"],
                row["form"],
                row["priority"],
                _date(row["identified_on"]) if row["identified_on"] else None,
                day,
                found,
                _coverage(found),
            )
        )
    out.sort(key=lambda g: (PRIORITY_ORDER.get(g.priority, 3), g.state, g.article, g.form, g.need))
    return out


def _coverage(found: list[NearMiss]) -> str:
    """What the nearest miss says of the need: only inferred articles or only a Region reach it."""
    reason = found[0].reason if found else None
    return COVERED_INFERRED if reason == "inferred" else REACHED_REGIONALLY if reason == "regional" else GAP


# -- the embedded twin ---------------------------------------------------------------------------


class _Cell:
    """The live projects of one (State, article): what coverage and near-misses need of them."""

    __slots__ = ("candidates", "last_any", "last_by_form", "regional")

    def __init__(self, article: int, projects: list[Any], regional: list[Any]) -> None:
        # latest end of a project listing no forms (it covers every form), [any basis, stated only]
        self.last_any = ["", ""]
        # form -> latest end of a project listing it, [any basis, stated only]
        self.last_by_form: dict[str, list[str]] = {}
        for p in projects:
            forms = p.forms_by_article.get(article, ())
            kinds = (0, 1) if p.basis.get(article, STATED) == STATED else (0,)
            for k in kinds:
                if not forms:
                    self.last_any[k] = max(self.last_any[k], p.end)
                for f in forms:
                    last = self.last_by_form.setdefault(f, ["", ""])
                    last[k] = max(last[k], p.end)
        self.candidates = [_candidate(p, article) for p in projects]
        self.regional = [_candidate(p, article) for p in regional]

    def covers(self, form: str, as_of: str, stated_only: bool) -> bool:
        """Some project benefiting the State covers (on a stated article, with ``stated_only``)."""
        k = int(stated_only)
        return self.last_any[k] >= as_of or self.last_by_form.get(form, ["", ""])[k] >= as_of


def _candidate(p: Any, article: int) -> dict[str, Any]:
    return {
        "project": p.id,
        "title": p.title,
        "start": p.start,
        "end": p.end,
        "forms": list(p.forms_by_article.get(article, ())),
        "basis": p.basis.get(article, STATED),
    }


def notes(
    store: Store,
    rows: list[Gap],
    *,
    as_of: date | str | None = None,
    state: str | None = None,
    article: int | None = None,
    group: str | None = None,
    form: str | None = None,
    need: str | None = None,
    stated_only: bool = False,
) -> list[str]:
    """When no need is a gap, how many needs the filters select and that all are covered."""
    if rows:
        return []
    day = as_of_iso(as_of)
    n = len(needs_matching(facts(store), need=need, state=state, article=article, group=group, form=form))
    filtered = any(v is not None for v in (article, group, form, need))
    whose = f" of {state}" if state else ""
    if n == 0:
        return [f"no need{whose} is recorded" + (" that matches the filters" if filtered else "")]
    which = " matching the filters" if filtered else ""
    how = " by a project on a stated article" if stated_only else ""
    if n == 1:
        return [f"the one need{whose}{which} is covered{how} as of {day}"]
    return [f"all {n} needs{whose}{which} are covered{how} as of {day}"]


def _cells(store: Store) -> dict[tuple[str, int], _Cell]:
    """(State, article) -> its live projects summarised, built once per data version."""

    def build(_graph: Any) -> dict[tuple[str, int], _Cell]:
        index = portfolio(store)
        keys = {
            (s, a) for cells in (index.cells, index.regional_cells) for s, by in cells.items() for a in by
        }
        return {
            (s, a): _Cell(a, index.cells.get(s, {}).get(a, []), index.regional_cells.get(s, {}).get(a, []))
            for s, a in keys
        }

    return store.memo("questions_a.gap_cells", build)


_NO_CELL = _Cell(0, [], [])


def embedded(
    store: Store,
    *,
    as_of: str,
    state: str | None,
    article: int | None,
    group: str | None,
    form: str | None,
    need: str | None,
    stated_only: bool,
) -> list[dict[str, Any]]:
    """The rows of ``gaps.cypher`` from the (State, article) index of live projects.

    The candidate lists are shared between rows of one cell (and between calls): read them,
    do not mutate them.
    """
    index = portfolio(store)
    cells = _cells(store)
    needs = index.needs_by_state.get(state, []) if state is not None else index.needs
    rows = []
    for n in needs:
        if (
            (article is not None and n.article != article)
            or (form is not None and n.form != form)
            or (need is not None and n.id != need)
        ):
            continue
        cell = cells.get((n.state, n.article), _NO_CELL)
        if cell.covers(n.form, as_of, stated_only):
            continue
        info = index.states.get(n.state, {})
        if group is not None and info.get("un_group") != group:
            continue
        art = index.articles.get(n.article, {})
        rows.append(
            {
                "need": n.id,
                "state": n.state,
                "state_name": info.get("name"),
                "group": info.get("un_group"),
                "article": n.article,
                "article_title": art.get("title"),
                "chapter": art.get("chapter"),
                "form": n.form,
                "priority": n.priority,
                "identified_on": n.identified_on,
                "candidates": cell.candidates,
                "regional": cell.regional,
            }
        )
    return rows


RAW = RawQuery("gaps", embedded)
