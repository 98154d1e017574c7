"""Question 4b, fragmentation and darlings: how many providers each State deals with, how much
they bring, and how concentrated that supply is (Herfindahl index of provider budget shares).

``fragmentation(store, ...)`` and ``darlings(store, ...)`` are the public functions (CLI, API);
``fragmentation.cypher`` on Neo4j and :func:`embedded` here return the same raw (State, project)
rows, and this module splits budgets and computes the indexes once for both. Contract and
formula: ``graph/queries/README.md`` section 4.

The index follows the OECD's work on aid fragmentation (OECD (2010), *2009 OECD Report on
Division of Labour: Addressing Fragmentation and Concentration of Aid Across Countries*; OECD
(2011), *2011 OECD Report on Division of Labour: Addressing Cross-country Fragmentation of Aid*,
OECD Publishing, Paris), which counts the donors of each recipient and measures how concentrated
their aid is, and, per sector (here per chapter), Frot and Santiso (2010), *Crushed Aid:
Fragmentation in Sectoral Aid*, OECD Development Centre Working Paper No. 284. The concentration
measure is the Herfindahl-Hirschman index (Hirschman 1945;
Herfindahl 1950), HHI = sum over providers of (100 * share)^2, from near 0 (many small providers)
to 10,000 (a single provider).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tacmap.graph.queries._portfolio import as_of_iso, governance_budget, live_from, portfolio, state_part
from tacmap.graph.queries._results import Result, bulk
from tacmap.graph.store.base import Store
from tacmap.graph.store.cypher import RawQuery

DARLINGS = 10  # default number of darlings


@dataclass(frozen=True, slots=True)
class Fragmentation(Result):
    """The supply one State (or one State on one chapter) receives at as_of."""

    state: str
    name: str | None
    group: str | None
    chapter: str | None  # None for the whole State
    providers: int  # distinct funders of its supply projects (with or without a budget)
    provider_ids: list[str]
    projects: int
    unbudgeted_projects: int  # supply projects without a budget (not in budget_usd nor shares)
    budget_usd: float  # its share of the budgets of its supply projects
    hhi: float | None  # Herfindahl index of provider budget shares, 0-10,000 (None: no budget known)
    shares: dict[str, float]  # provider -> % of the provider-attributed budget
    as_of: date

    @property
    def explanation(self) -> str:
        where = self.state + (f", chapter {self.chapter}" if self.chapter else "")
        conc = f"HHI {self.hhi:,.0f}" if self.hhi is not None else "no budget known, no HHI"
        return (
            f"{where}: {self.providers} provider{'s' if self.providers != 1 else ''} on "
            f"{self.projects} live project{'s' if self.projects != 1 else ''}, "
            f"USD {self.budget_usd:,.0f}; {conc}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**Result.to_dict(self), "explanation": self.explanation}


def params(
    *, as_of: date | str | None = None, state: str | None = None, group: str | None = None
) -> dict[str, Any]:
    return {"as_of": as_of_iso(as_of), "state": state, "group": group}


class _Tally:
    """What one State (or State x chapter) receives: providers, projects, budget, provider amounts."""

    __slots__ = ("attributed", "budget", "info", "projects", "providers", "unbudgeted")

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info  # a raw row of the State (name, group)
        self.providers: set[str] = set()
        self.projects = 0  # (State, project) rows are distinct, so a count suffices
        self.unbudgeted = 0
        self.budget = 0.0
        self.attributed: dict[str, float] = {}


def herfindahl(amounts: dict[str, float]) -> tuple[float | None, dict[str, float]]:
    """HHI (0-10,000) and % shares of providers' amounts; (None, {}) when they sum to zero."""
    total = sum(amounts.values())
    if total <= 0:
        return None, {}
    shares = {k: 100 * v / total for k, v in amounts.items()}
    return round(sum(s * s for s in shares.values()), 2), {k: round(v, 2) for k, v in sorted(shares.items())}


def _tallies(rows: list[dict[str, Any]], by_chapter: bool) -> dict[tuple[str, str | None], _Tally]:
    """Sum the raw (State, project) rows per State, or per State and chapter."""
    out: dict[tuple[str, str | None], _Tally] = {}
    for r in rows:
        state, budget, funders = r["state"], r["budget_usd"], r["funders"]  # funders are distinct
        if by_chapter:
            chapters = r["chapters"]  # distinct
            keys = [(state, ch) for ch in chapters]
            parts = len(chapters)
        else:
            keys = [(state, None)]
            parts = 1
        amount = governance_budget(budget, r["sector_share"])
        share = None if amount is None else state_part(amount, r["share"], r["beneficiaries"]) / parts
        each = None if share is None or not funders else share / len(funders)
        for key in keys:
            t = out.get(key)
            if t is None:
                t = out[key] = _Tally(r)
            t.projects += 1
            t.providers.update(funders)
            if share is None:
                t.unbudgeted += 1
                continue
            t.budget += share
            if each is not None:
                attributed = t.attributed
                for f in funders:
                    attributed[f] = attributed.get(f, 0.0) + each
    return out


def _results(rows: list[dict[str, Any]], by_chapter: bool, as_of: str) -> list[Fragmentation]:
    day = date.fromisoformat(as_of)
    out = []
    for (state, chapter), t in _tallies(rows, by_chapter).items():
        info = t.info
        hhi, shares = herfindahl(t.attributed)
        out.append(
            Fragmentation(
                state=state,
                name=info["name"],
                group=info["group"],
                chapter=chapter,
                providers=len(t.providers),
                provider_ids=sorted(t.providers),
                projects=t.projects,
                unbudgeted_projects=t.unbudgeted,
                budget_usd=round(t.budget, 2),
                hhi=hhi,
                shares=shares,
                as_of=day,
            )
        )
    return out


@bulk
def fragmentation(
    store: Store,
    *,
    as_of: date | str | None = None,
    state: str | None = None,
    group: str | None = None,
    by_chapter: bool = False,
) -> list[Fragmentation]:
    """Providers, budget and Herfindahl index of the supply each State receives at ``as_of``.

    Supply = live projects that end on or after ``as_of`` (date or ISO string; default today).
    A project's budget (its part in the selected sectors, ``sector_share``, when stated) goes to
    each beneficiary State by its stated share, else in equal parts, then equally among its
    funders (and, with ``by_chapter``, equally among the chapters of its articles); projects
    without a budget count for the number of providers and projects, not for budget or shares.

    Parameters (None = no filter): ``state`` (ISO3), ``group`` (primary UN regional group);
    ``by_chapter``: one line per State and chapter instead of per State.

    Ordered by number of providers (most first), then HHI (least concentrated first, unknown
    last), then State and chapter.
    """
    p = params(as_of=as_of, state=state, group=group)
    found = _results(store.answer(RAW, **p), by_chapter, p["as_of"])
    found.sort(key=lambda f: (-f.providers, f.hhi is None, f.hhi or 0.0, f.state, f.chapter or ""))
    return found


@bulk
def darlings(
    store: Store, *, k: int = DARLINGS, as_of: date | str | None = None, group: str | None = None
) -> list[Fragmentation]:
    """The ``k`` States with the most providers at ``as_of`` (ties: larger budget first, then
    ISO3 code), with their fragmentation figures. ``group``: only States of that primary group."""
    p = params(as_of=as_of, group=group)
    found = _results(store.answer(RAW, **p), False, p["as_of"])
    found.sort(key=lambda f: (-f.providers, -f.budget_usd, f.state))
    return found[: max(0, k)]


def embedded(store: Store, *, as_of: str, state: str | None, group: str | None) -> list[dict[str, Any]]:
    """The rows of ``fragmentation.cypher``: one per (State, supply project)."""
    index = portfolio(store)
    rows = []
    for p in live_from(index, as_of):
        if state is not None and state not in p.states:
            continue
        chapters = list(p.chapters)
        for s in p.states:
            if state is not None and s != state:
                continue
            info = index.states.get(s, {})
            if group is not None and info.get("un_group") != group:
                continue
            rows.append(
                {
                    "state": s,
                    "name": info.get("name"),
                    "group": info.get("un_group"),
                    "project": p.id,
                    "budget_usd": p.budget,
                    "sector_share": p.sector_share,
                    "share": dict(p.shares).get(s),
                    "beneficiaries": len(p.states),
                    "funders": list(p.funders),
                    "chapters": chapters,
                }
            )
    return rows


RAW = RawQuery("fragmentation", embedded)
