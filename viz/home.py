"""The home page at ``/``: headline numbers, links to every map and table, and filter forms.

Server-rendered HTML with no outside asset (one line of script leaves empty filters out of the URL). The numbers come from the questions
(``graph/queries``) with the page's filters, so the page and the tables always agree.
"""

from __future__ import annotations

import importlib
import inspect
from datetime import date
from typing import Any
from urllib.parse import urlencode

import networkx as nx

from graph.schema.reference import UN_GROUPS
from graph.store.base import Store
from viz import templates
from viz.describe import provider_short, state_name
from viz.filters import KINDS, Filters, checked, describe
from viz.render import environment

MAP_TITLES = {
    "coordination": "Coordination map: who funds what, where",
    "overlaps": "Overlap map: projects that may duplicate each other",
    "gaps": "Gap map: needs covered, nearly covered, or not at all",
    "pairings": "Pairing map: South–South peers who could help",
}
TABLES = (
    ("/overlaps", "Overlaps: possible duplication", True),
    ("/gaps", "Gaps, with near misses", True),
    ("/matrix", "Needs-vs-supply matrix", True),
    ("/orphans", "Orphans: States with needs and no live project", True),
    ("/fragmentation", "Fragmentation: providers per State", True),
    ("/pairings", "South–South pairings", True),
    ("/networks/metrics", "Networks and brokers", False),
    ("/states", "States", False),
    ("/providers", "Providers", False),
    ("/networks", "Networks", False),
    ("/needs", "Needs", False),
    ("/projects", "Projects", False),
    ("/docs", "API documentation", False),
)


def ask(question: str, store: Store, f: Filters) -> Any | None:
    """The answer of ``graph.queries.<question>.<question>`` with the filters it takes; ``None``
    when that question is not available."""
    try:
        module = importlib.import_module(f"graph.queries.{question}")
        function = getattr(module, question)
    except (ImportError, AttributeError):
        return None
    accepted = inspect.signature(function).parameters
    params = {k: v for k, v in f.params().items() if k in accepted}
    return function(store, **params)


def count(answer: Any) -> int | None:
    """How many rows an answer has (a list, a result object with rows, or a data frame)."""
    if answer is None:
        return None
    for attribute in ("rows", "items", "pairs", "gaps", "orphans"):
        inner = getattr(answer, attribute, None)
        if isinstance(inner, list | tuple):
            return len(inner)
    return len(answer)


def _needs(g: nx.MultiDiGraph, f: Filters) -> tuple[int, int]:
    """(needs, States with needs) under the State, group and article filters."""
    from viz.filters import state_ok

    needs = 0
    states = set()
    for u, v, k in g.edges(keys=True):
        if k != "HAS_NEED" or not state_ok(g, u[1], f):
            continue
        if f.article is not None and not any(
            a[1] == f.article for _, a, r in g.out_edges(v, keys=True) if r == "ON_ARTICLE"
        ):
            continue
        needs += 1
        states.add(u[1])
    return needs, len(states)


def _number(id: str, value: str, what: str, why: str) -> dict[str, str]:
    return {"id": id, "value": value, "what": what, "why": why}


def home_page(store: Store, **filters: Any) -> str:
    """The home page for these filters (``state``, ``article``, ``group``, ``provider``, ``as_of``)."""
    g = store.projection()
    f = checked(g, **filters)
    needs, states_with_needs = _needs(g, f)
    gaps = count(ask("gaps", store, f))
    overlaps = count(ask("overlaps", store, f))
    orphans = count(ask("orphans", store, f))
    as_of = (f.as_of or date.today()).isoformat()
    coverage = "–" if gaps is None or not needs else f"{100 * (needs - gaps) / needs:.0f} %"
    unknown = "not available"
    numbers = [
        _number(
            "states-with-needs", f"{states_with_needs:,}", "States with needs", f"{needs:,} needs in all"
        ),
        _number(
            "coverage",
            coverage,
            "of needs covered",
            f"{gaps:,} gaps as of {as_of}" if gaps is not None else unknown,
        ),
        _number(
            "overlap-pairs",
            f"{overlaps:,}" if overlaps is not None else "–",
            "overlap pairs",
            "live projects of different funders doing the same thing in the same State at the same time",
        ),
        _number(
            "orphans",
            f"{orphans:,}" if orphans is not None else "–",
            "orphan States",
            "with needs and no live project",
        ),
    ]
    query = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in f.params().items()}
    suffix = f"?{urlencode(query)}" if query else ""
    maps = [(f"/maps/{kind}{suffix}", MAP_TITLES[kind]) for kind in KINDS if kind in MAP_TITLES]
    tables = [(f"{path}{suffix if filtered else ''}", text) for path, text, filtered in TABLES]
    states = sorted(
        (
            (k, state_name(d))
            for (lab, k), d in g.nodes(data=True)
            if lab == "State" and g.degree((lab, k)) > 0
        ),
        key=lambda s: s[1],
    )
    providers = sorted(
        ((k, provider_short(d)) for (lab, k), d in g.nodes(data=True) if lab == "Provider"),
        key=lambda p: p[1].lower(),
    )
    networks = sorted((k, str(d.get("name") or k)) for (lab, k), d in g.nodes(data=True) if lab == "Network")
    ego_nodes = (
        [(f"State:{k}", n) for k, n in states]
        + [(f"Provider:{k}", n) for k, n in providers]
        + [(f"Network:{k}", n) for k, n in networks]
    )
    return (
        environment()
        .from_string(templates.HOME_PAGE)
        .render(
            base_css=templates.BASE_CSS,
            home_css=templates.HOME_CSS,
            filters=describe(g, f, f"as of {as_of}"),
            made=f"made {date.today().isoformat()}",
            numbers=numbers,
            states=states,
            groups=list(UN_GROUPS.items()),
            providers=providers,
            current={k: query.get(k) for k in ("state", "group", "article", "provider", "as_of")},
            maps=maps,
            ego_nodes=ego_nodes,
            hidden=list(query.items()),
            tables=tables,
            notes=[
                (
                    "Questions count live projects (not cancelled) as of the date above; maps say on each page what "
                    "they show. Data in the illustrative seed is invented around real States."
                )
            ],
        )
    )
