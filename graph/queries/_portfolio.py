"""Indexes over the embedded store's projection shared by overlaps, gaps, matrix, orphans and
fragmentation (questions 1-4): built once per version of the data with ``store.memo`` and never
mutated, so a warm question only walks the part of the index its filters select.

Also the small helpers every one of those questions uses on both stores (dates as ISO strings,
the ``live`` rule, the level of a project).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tacmap.graph.schema.mapping import edge_basis
from tacmap.graph.store.base import Store

CANCELLED = "cancelled"
NO_GROUP = "none"  # the group of a State that belongs to no UN regional group (e.g. PSE)
PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2, None: 3}


def iso(value: date | str | None) -> str | None:
    """A date parameter as the ISO string both stores compare with (None stays None)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(value).isoformat()  # validates


def as_of_iso(as_of: date | str | None) -> str:
    """``as_of`` as an ISO string, today when not given."""
    return iso(as_of) or date.today().isoformat()


def level(
    beneficiaries: int,
    groups: list[str] | tuple[str, ...],
    network: bool,
    regional: bool = False,
    worldwide: bool = False,
) -> str:
    """global when it reaches a region of global scope (DAC 998); bilateral (one beneficiary and
    no region); regional (it reaches a regional Region, runs through a network, or has several
    beneficiaries in one UN regional group); otherwise global (including no beneficiary)."""
    if worldwide:
        return "global"
    if beneficiaries == 1 and not regional:
        return "bilateral"
    if regional or network or (beneficiaries > 1 and len(set(groups)) == 1 and NO_GROUP not in groups):
        return "regional"
    return "global"


def governance_budget(budget: float | None, sector_share: float | None) -> float | None:
    """The part of a project's budget in the selected sectors (all of it when not stated)."""
    if budget is None:
        return None
    return budget if sector_share is None else budget * sector_share / 100


def state_part(amount: float, share: float | None, beneficiaries: int) -> float:
    """A State's part of an amount: its stated share (percent), else an even split."""
    return amount * share / 100 if share is not None else amount / max(1, beneficiaries)


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    n: int  # rank of the id among all projects (n < m exactly when id < other id)
    id: str
    title: str | None
    status: str | None
    start: str
    end: str
    budget: float | None
    funders: tuple[str, ...]
    funder_set: frozenset[str]
    implementer: str | None
    states: tuple[str, ...]
    articles: tuple[int, ...]
    forms: tuple[str, ...]
    forms_by_article: dict[int, tuple[str, ...]]
    network: bool
    chapters: tuple[str, ...]  # distinct chapters of its articles, sorted
    groups: tuple[str, ...]  # distinct primary UN groups of its beneficiaries (NO_GROUP for none), sorted
    regional: bool = False  # reaches a Region of regional scope
    worldwide: bool = False  # reaches a Region of global scope
    sector_share: float | None = None  # % of the budget in the selected sectors (None: all)
    shares: tuple[tuple[str, float], ...] = ()  # (ISO3, % of the project) where the source states it
    basis: dict[int, str] = field(default_factory=dict)  # article -> basis (``stated``, ``sector:15113``)
    description: str | None = None
    through: tuple[str, ...] = ()  # States it reaches only through its Regions' members, sorted

    @property
    def live(self) -> bool:
        return self.status != CANCELLED

    @property
    def level(self) -> str:
        return level(len(self.states), self.groups, self.network, self.regional, self.worldwide)


@dataclass(frozen=True, slots=True)
class NeedFacts:
    id: str
    state: str
    article: int
    form: str
    priority: str | None
    identified_on: str | None


@dataclass
class Portfolio:
    """Everything questions 1-4 read, indexed."""

    projects: dict[str, ProjectFacts] = field(default_factory=dict)
    needs: list[NeedFacts] = field(default_factory=list)  # by id
    needs_by_state: dict[str, list[NeedFacts]] = field(default_factory=dict)  # by id within a State
    states: dict[str, dict[str, Any]] = field(default_factory=dict)  # iso3 -> State props
    articles: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> Article props
    # (State, article) -> live projects benefiting the State and addressing the article, by start
    cells: dict[str, dict[int, list[ProjectFacts]]] = field(default_factory=dict)
    # (State, article) -> live projects addressing the article that reach the State only through a Region
    regional_cells: dict[str, dict[int, list[ProjectFacts]]] = field(default_factory=dict)
    # State -> the latest end of a live project benefiting it (ISO string)
    last_end: dict[str, str] = field(default_factory=dict)
    # live projects by end date, latest first (a scan for "end >= as_of" stops early)
    live_by_end: list[ProjectFacts] = field(default_factory=list)

    def group(self, iso3: str) -> str | None:
        return self.states.get(iso3, {}).get("un_group")


def _build(graph: Any) -> Portfolio:
    out = Portfolio()
    project_nodes, need_nodes = [], []
    for node, props in graph.nodes(data=True):
        label, key = node
        if label == "Project":
            project_nodes.append((node, props))
        elif label == "Need":
            need_nodes.append((node, props))
        elif label == "State":
            out.states[key] = props
        elif label == "Article":
            out.articles[key] = props
    succ, pred = graph.succ, graph.pred  # only the edges of projects and needs are read
    project_nodes.sort(key=lambda item: item[0][1])
    for rank, (node, props) in enumerate(project_nodes):
        pid = node[1]
        funders = sorted(src[1] for src, kinds in pred[node].items() if "FUNDS" in kinds)
        states, forms_by_article = [], {}
        implementer, network, scopes, shares, basis = None, False, set(), [], {}
        members: set[str] = set()
        for dst, kinds in succ[node].items():
            if "REACHES" in kinds:
                scopes.add(graph.nodes[dst].get("scope"))
                members.update(graph.nodes[dst].get("members") or ())
            if "BENEFITS" in kinds:
                states.append(dst[1])
                if kinds["BENEFITS"].get("share") is not None:
                    shares.append((dst[1], kinds["BENEFITS"]["share"]))
            if "ADDRESSES" in kinds:
                forms_by_article[dst[1]] = tuple(sorted(kinds["ADDRESSES"].get("forms") or ()))
                basis[dst[1]] = edge_basis(kinds["ADDRESSES"])
            if "IMPLEMENTED_BY" in kinds:
                implementer = dst[1]
            if "THROUGH" in kinds:
                network = True
        states.sort()
        arts = tuple(sorted(forms_by_article))
        out.projects[pid] = ProjectFacts(
            n=rank,
            id=pid,
            title=props.get("title"),
            status=props.get("status"),
            start=props["start"],
            end=props["end"],
            budget=props.get("budget_usd"),
            funders=tuple(funders),
            funder_set=frozenset(funders),
            implementer=implementer,
            states=tuple(states),
            articles=arts,
            # mapping.to_changes writes a project's forms on every ADDRESSES edge alike
            forms=tuple(sorted({f for fs in forms_by_article.values() for f in fs})),
            forms_by_article=forms_by_article,
            network=network,
            chapters=tuple(sorted({out.articles[a]["chapter"] for a in arts})),
            groups=tuple(sorted({out.states[s].get("un_group") or NO_GROUP for s in states})),
            regional="regional" in scopes,
            worldwide="global" in scopes,
            sector_share=props.get("sector_share"),
            shares=tuple(sorted(shares)),
            basis=basis,
            description=props.get("description"),
            through=tuple(sorted(members.difference(states))),
        )
    for node, props in need_nodes:
        state = next((src[1] for src, kinds in pred[node].items() if "HAS_NEED" in kinds), None)
        article = next((dst[1] for dst, kinds in succ[node].items() if "ON_ARTICLE" in kinds), None)
        if state is None or article is None:
            continue
        out.needs.append(
            NeedFacts(
                id=node[1],
                state=state,
                article=article,
                form=props.get("form"),
                priority=props.get("priority"),
                identified_on=props.get("identified_on"),
            )
        )
    out.needs.sort(key=lambda n: n.id)
    for n in out.needs:
        out.needs_by_state.setdefault(n.state, []).append(n)
    cells: dict[str, dict[int, list[ProjectFacts]]] = defaultdict(lambda: defaultdict(list))
    regional: dict[str, dict[int, list[ProjectFacts]]] = defaultdict(lambda: defaultdict(list))
    for p in sorted(out.projects.values(), key=lambda p: (p.start, p.id)):
        if not p.live:
            continue
        for s in p.through:
            for a in p.articles:
                regional[s][a].append(p)
        for s in p.states:
            if p.end > out.last_end.get(s, ""):
                out.last_end[s] = p.end
            for a in p.articles:
                cells[s][a].append(p)
    out.cells = {s: dict(by_article) for s, by_article in cells.items()}
    out.regional_cells = {s: dict(by_article) for s, by_article in regional.items()}
    out.live_by_end = sorted((p for p in out.projects.values() if p.live), key=lambda p: p.end, reverse=True)
    return out


def portfolio(store: Store) -> Portfolio:
    """The embedded store's index for questions 1-4 (rebuilt only when the data changes)."""
    return store.memo("questions_a.portfolio", _build)


def live_from(p: Portfolio, as_of: str) -> list[ProjectFacts]:
    """Live projects with end >= as_of (ongoing or planned at as_of), latest end first."""
    out = []
    for project in p.live_by_end:
        if project.end < as_of:
            break
        out.append(project)
    return out
