"""The home page at ``/``: headline numbers, links to every map and table, and filter forms.

Server-rendered HTML with no outside asset (one line of script leaves empty filters out of the URL). The numbers come from the questions
(``graph/queries``) with the page's filters, so the page and the tables always agree. The page is in one of
the six UN languages (``lang``), with links to the other five.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

import networkx as nx
from babel import Locale
from markupsafe import Markup, escape
from tacmap.graph.queries.spec import QUESTIONS, reference_day
from tacmap.graph.schema.reference import UN_LANGUAGES
from tacmap.graph.store.base import Store
from tacmap.i18n import DEFAULT, GROUP_NAMES, N_, _, day, direction, number, use
from tacmap.viz import templates
from tacmap.viz.describe import group_name, provider_short, state_name
from tacmap.viz.filters import KINDS, Filters, checked, describe
from tacmap.viz.render import environment

MAP_TITLES = {
    "coordination": N_("Coordination map: who funds what, where"),
    "overlaps": N_("Overlap map: projects that may duplicate each other"),
    "gaps": N_("Gap map: needs covered, nearly covered, or not at all"),
    "pairings": N_("Pairing map: South–South peers who could help"),
}
# path, title, whether the page's filters apply: the questions (graph/queries/spec.py), then the records
TABLES = (
    *((q.path, q.title, q.shape != "metrics") for q in QUESTIONS if q.on_home),
    ("/states", N_("States"), False),
    ("/providers", N_("Providers"), False),
    ("/networks", N_("Networks"), False),
    ("/needs", N_("Needs"), False),
    ("/projects", N_("Projects"), False),
    ("/docs", N_("API documentation"), False),
)


def _briefs(g: nx.MultiDiGraph, f: Filters, query: dict[str, Any]) -> list[tuple[str, str]]:
    """Links to the briefs of the State and the provider the filters name (viz/pages), first among the
    tables: where an officer or a donor goes from here."""
    kept = urlencode({k: v for k, v in query.items() if v})
    suffix = f"?{kept}" if kept else ""
    found = []
    if f.state and g.has_node(("State", f.state)):
        name = state_name(g.nodes["State", f.state])
        found.append((f"/states/{f.state}{suffix}", _("State brief: {name}").format(name=name)))
    if f.provider and g.has_node(("Provider", f.provider)):
        name = str(g.nodes["Provider", f.provider].get("name") or f.provider)
        found.append((f"/providers/{quote(f.provider)}{suffix}", _("Donor brief: {name}").format(name=name)))
    return found


def ask(question: str, store: Store, f: Filters) -> Any | None:
    """The answer of ``tacmap.graph.queries.<question>.<question>`` with the filters it takes; ``None``
    when that question is not available."""
    try:
        module = importlib.import_module(f"tacmap.graph.queries.{question}")
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


def _needs(g: nx.MultiDiGraph, f: Filters) -> tuple[int, int, int]:
    """(needs, States with needs, restricted needs) under the State, group and article filters."""
    from tacmap.viz.filters import state_ok

    needs = restricted = 0
    states = set()
    for u, v, k in g.edges(keys=True):
        if k != "HAS_NEED" or not state_ok(g, u[1], f):
            continue
        if f.article is not None and not any(
            a[1] == f.article for _need, a, r in g.out_edges(v, keys=True) if r == "ON_ARTICLE"
        ):
            continue
        needs += 1
        restricted += g.nodes[v].get("visibility") == "restricted"
        states.add(u[1])
    return needs, len(states), restricted


def _number(id: str, value: str, what: str, why: str) -> dict[str, str]:
    return {"id": id, "value": value, "what": what, "why": why}


def home_page(store: Store, lang: str = DEFAULT, link_lang: str | None = None, **filters: Any) -> str:
    """The home page in ``lang`` for these filters (``state``, ``article``, ``group``, ``provider``,
    ``as_of``). ``link_lang``: a language the reader chose explicitly (``?lang=``), carried by every link
    so that it outlasts a browser that prefers another."""
    with use(lang) as chosen:
        return _home_page(store, chosen, link_lang, filters)


def _languages(query: dict[str, Any], lang: str) -> list[tuple[str, str, str, bool]]:
    """(code, href, name in its own language, current) for the language switcher."""
    out = []
    for code in UN_LANGUAGES:
        own = Locale.parse(code).get_display_name(code) or code
        href = f"/?{urlencode({**query, 'lang': code})}"
        out.append((code, href, own[:1].upper() + own[1:], code == lang))
    return out


def _home_page(store: Store, lang: str, link_lang: str | None, filters: dict[str, Any]) -> str:
    g = store.projection()
    f = checked(g, **filters)
    # the numbers are for the data's own day unless told another, as the questions' (spec.reference_day)
    asked = f if f.as_of is not None else replace(f, as_of=reference_day(store))
    needs, states_with_needs, restricted = _needs(g, f)
    gaps = count(ask("gaps", store, asked))
    overlaps = count(ask("overlaps", store, asked))
    orphans = count(ask("orphans", store, asked))
    as_of = day(asked.as_of)
    coverage = (
        "–"
        if gaps is None or not needs
        else _("{percent} %").format(percent=number(100 * (needs - gaps) / needs))
    )
    numbers = [
        _number(
            "states-with-needs",
            number(states_with_needs),
            _("States with needs"),
            _("{count} needs in all").format(count=number(needs))
            if not restricted
            # TRANSLATORS: restricted needs are counted in every number but listed only for some keys
            else _(
                "{count} needs in all, {restricted} of them restricted (counted here, listed only for keys that may see them)"
            ).format(count=number(needs), restricted=number(restricted)),
        ),
        _number(
            "coverage",
            coverage,
            _("of needs covered"),
            # TRANSLATORS: an inferred article is guessed from a sector code, an SDG target or keywords
            _(
                "{count} gaps as of {date}; a need covered only through inferred articles counts as covered"
            ).format(count=number(gaps), date=as_of)
            if gaps is not None
            else _("not available"),
        ),
        _number(
            "overlap-pairs",
            number(overlaps) if overlaps is not None else "–",
            _("overlap pairs"),
            _("live projects of different funders doing the same thing in the same State at the same time"),
        ),
        _number(
            "orphans",
            number(orphans) if orphans is not None else "–",
            _("orphan States"),
            _("with needs and no live project"),
        ),
    ]
    query = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in f.params().items()}
    keep = {"lang": link_lang} if link_lang else {}
    suffix = f"?{urlencode({**query, **keep})}" if query or keep else ""
    plain = f"?{urlencode(keep)}" if keep else ""
    maps = [(f"/maps/{kind}{suffix}", _(MAP_TITLES[kind])) for kind in KINDS if kind in MAP_TITLES]
    tables = [
        (f"{path}{suffix if filtered else plain if path != '/docs' else ''}", _(text))
        for path, text, filtered in TABLES
    ]
    tables = _briefs(g, f, {"as_of": query.get("as_of"), **keep}) + tables
    states = sorted(
        (
            (k, state_name(d))
            for (lab, k), d in g.nodes(data=True)
            if lab == "State" and g.degree((lab, k)) > 0
        ),
        key=lambda s: s[1].casefold(),
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
    text = {
        "title": _("tacmap: technical assistance for UNCAC, mapped"),
        "languages": _("Language"),
        "filter": _("Filter"),
        "state": _("State"),
        "all": _("all"),
        "group": _("UN regional group"),
        "article": _("Article"),
        "provider": _("Provider"),
        "as_of": _("As of"),
        "apply": _("Apply"),
        "clear_filters": _("Clear filters"),
        "maps": _("Maps"),
        "ego": _("Everything around one State, provider or network"),
        "draw": _("Draw the ego map"),
        "tables": escape(_("Tables (JSON; add {csv} or {xlsx} to download)")).format(
            csv=Markup("<code>format=csv</code>"), xlsx=Markup("<code>format=xlsx</code>")
        ),
    }
    return (
        environment()
        .from_string(templates.HOME_PAGE)
        .render(
            lang=lang,
            dir=direction(lang),
            text=text,
            languages=_languages({**query, **keep}, lang),
            keep=list(keep.items()),
            base_css=templates.BASE_CSS,
            home_css=templates.HOME_CSS,
            filters=describe(g, f, _("as of {date}").format(date=as_of)),
            made=_("made {date}").format(date=day(date.today())),
            numbers=numbers,
            states=states,
            groups=[(code, group_name(code)) for code in GROUP_NAMES],
            providers=providers,
            current={k: query.get(k) for k in ("state", "group", "article", "provider", "as_of")},
            maps=maps,
            ego_nodes=ego_nodes,
            hidden=[*query.items(), *keep.items()],
            tables=tables,
            notes=[
                _(
                    "Questions count live projects (not cancelled) as of the date above; maps say on each page "
                    "what they show. Data in the illustrative seed is invented around real States."
                )
            ],
        )
    )
