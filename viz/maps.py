"""The five maps: what each shows, from the store, with the questions' filters.

    >>> html = build_map(store, "gaps", group="african")            # doctest: +SKIP
    >>> Path("gaps.html").write_text(html, encoding="utf-8")        # doctest: +SKIP

- ``coordination``: providers, States and networks; funding (provider -> State, width by budget) and
  network membership.
- ``overlaps``: projects that may duplicate each other (the overlaps question), linked to their States
  and funders; each overlap pair is a thick line whose tooltip gives the shared articles and days.
- ``gaps``: States and their needs, coloured covered / near miss / gap (the gaps question), sized by
  priority.
- ``pairings``: South–South pairings (the pairings question) as arrows from the peer that can help to the
  State that asks; a reciprocal pair is drawn both ways in its own style.
- ``ego``: one node (``State:KEN``, ``Provider:dfid``, ``Network:x``, ``Project:…``, ``Need:…``) and
  everything within two hops (articles are shown but not walked through: every State reaches every
  other through them).

:func:`map_spec` returns what a map shows (a graph with words, before layout); :func:`build_map` the HTML.
Both take ``lang``, one of the six UN languages (:mod:`tacmap.i18n`): every word of the map is in it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import Any

import networkx as nx
from tacmap.graph.store.base import Store
from tacmap.i18n import DEFAULT, N_, _, ngettext, use
from tacmap.viz import describe, nodes
from tacmap.viz.filters import KINDS, Filters, MapError, UnknownNode, checked, state_ok
from tacmap.viz.filters import describe as describe_filters
from tacmap.viz.graphview import name, project, project_ok, projects
from tacmap.viz.render import MapSpec, render
from tacmap.viz.style import legend

__all__ = ["KINDS", "MapError", "UnknownNode", "build_map", "map_spec"]

# A relationship as a sentence about its two ends (whole sentences, so that a language can reorder them).
SENTENCES: dict[str, str] = {
    "FUNDS": N_("{a} funds {b}"),
    "IMPLEMENTED_BY": N_("{a} is implemented by {b}"),
    "BENEFITS": N_("{a} benefits {b}"),
    "ADDRESSES": N_("{a} addresses {b}"),
    "THROUGH": N_("{a} runs through {b}"),
    "BASED_IN": N_("{a} is based in {b}"),
    "MEMBER_OF": N_("{a} is a member of {b}"),
    "HAS_NEED": N_("{a} has the need {b}"),
    "ON_ARTICLE": N_("{a} is on {b}"),
    "NATIONAL_OF": N_("{a} is a national of {b}"),
    "EXPERT_IN": N_("{a} is an expert on {b}"),
    "RECOMMENDED": N_("{a} recommended {b}"),
    "REPORTED": N_("{a} reported on {b}"),
}


def sentence(rel: str, a: str, b: str) -> str:
    """A relationship between two named things as a sentence in the current language."""
    return _(SENTENCES[rel]).format(a=a, b=b) if rel in SENTENCES else f"{a} {rel.lower()} {b}"


EGO_LABELS = ("State", "Provider", "Network", "Project", "Need")


def build_map(
    store: Store,
    kind: str,
    *,
    state: str | None = None,
    article: int | str | None = None,
    group: str | None = None,
    provider: str | None = None,
    as_of: date | str | None = None,
    node: str | None = None,
    lang: str = DEFAULT,
) -> str:
    """One map as a self-contained HTML page (works offline; data text escaped; no personal data).

    ``kind`` is one of :data:`KINDS`; ``node`` (``State:KEN``) is required by ``ego`` only; ``lang`` is
    one of the six UN languages. Raises :class:`MapError` (or :class:`UnknownNode`) with a plain message.
    """
    return render(
        map_spec(
            store,
            kind,
            state=state,
            article=article,
            group=group,
            provider=provider,
            as_of=as_of,
            node=node,
            lang=lang,
        )
    )


def map_spec(
    store: Store, kind: str, *, node: str | None = None, lang: str = DEFAULT, **filters: Any
) -> MapSpec:
    """What a map shows, before layout and HTML (same arguments as :func:`build_map`)."""
    kind = (kind or "").strip().lower()
    if kind not in KINDS:
        raise MapError(f"no map called {kind!r}: choose one of {', '.join(KINDS)}")
    with use(lang) as chosen:
        g = store.projection()
        f = checked(g, **filters)
        if kind == "coordination":
            spec = coordination(g, f)
        elif kind == "ego":
            spec = ego(g, f, node)
        else:
            from tacmap.viz import question_maps

            spec = getattr(question_maps, kind)(store, g, f)
    spec.lang = chosen
    return spec


def _width(amount: float, largest: float) -> float:
    return 1.0 + 9.0 * math.sqrt(amount / largest) if largest > 0 else 2.0


def coordination(g: nx.MultiDiGraph, f: Filters) -> MapSpec:
    """Providers, States, networks: who funds whom (width by budget), who belongs to which network."""
    flows: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"usd": 0.0, "titles": [], "unknown": 0}
    )
    for p in projects(g, f):
        states = [s for s in p.states if state_ok(g, s, f)]
        budget = p.props.get("budget_usd")
        share = (
            budget / (len(p.funders) * len(p.states))
            if budget is not None and p.funders and p.states
            else None
        )
        for funder in p.funders:
            for s in states:
                flow = flows[(funder, s)]
                flow["titles"].append(str(p.props.get("title") or p.id))
                if share is None:
                    flow["unknown"] += 1
                else:
                    flow["usd"] += share
    funded = {s for _funder, s in flows}
    if f.article is None and f.provider is None:
        members = {s for (lab, s) in g if lab == "State" and state_ok(g, s, f)}
    else:
        members = funded
    membership = [(u[1], v[1]) for u, v, k in g.edges(keys=True) if k == "MEMBER_OF" and u[1] in members]
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    received: dict[str, float] = defaultdict(float)
    given: dict[str, float] = defaultdict(float)
    for (funder, s), flow in flows.items():
        received[s] += flow["usd"]
        given[funder] += flow["usd"]
    top_state, top_provider = max(received.values(), default=0.0), max(given.values(), default=0.0)
    top_flow = max((fl["usd"] for fl in flows.values()), default=0.0)
    networks_of: dict[str, list[str]] = defaultdict(list)
    member_count: dict[str, int] = defaultdict(int)
    for s, n in membership:
        networks_of[s].append(name(g, ("Network", n)))
        member_count[n] += 1
    for s in sorted(funded | {s for s, _network in membership}):
        donors = sorted({fu for fu, st in flows if st == s})
        extra = []
        if donors:
            extra.append(
                ngettext(
                    "Receives {amount} from {count} provider ({names})",
                    "Receives {amount} from {count} providers ({names})",
                    len(donors),
                ).format(
                    amount=describe.money(received[s]),
                    count=len(donors),
                    names=describe.listing([name(g, ("Provider", d)) for d in donors]),
                )
            )
        if networks_of[s]:
            extra.append(_("Member of {networks}").format(networks=describe.listing(sorted(networks_of[s]))))
        size = 10.0 + 12.0 * math.sqrt(received[s] / top_state) if top_state else 13.0
        out.add_node(f"State:{s}", **nodes.state(g, s, extra, size=round(size, 1)))
    for funder in sorted({fu for fu, _state in flows}):
        n_states = sum(1 for fu, _state in flows if fu == funder)
        extra = [
            ngettext(
                "Funds work in {count} State on this map: {amount}",
                "Funds work in {count} States on this map: {amount}",
                n_states,
            ).format(count=n_states, amount=describe.money(given[funder]))
        ]
        size = 11.0 + 13.0 * math.sqrt(given[funder] / top_provider) if top_provider else 14.0
        out.add_node(f"Provider:{funder}", **nodes.provider(g, funder, extra, size=round(size, 1)))
    for n in sorted(member_count):
        out.add_node(f"Network:{n}", **nodes.network(g, n, member_count[n]))
    for (funder, s), flow in sorted(flows.items()):
        count = len(flow["titles"])
        amount = describe.money(flow["usd"])
        lines = [
            ngettext(
                "{provider} funds {count} project benefiting {state}",
                "{provider} funds {count} projects benefiting {state}",
                count,
            ).format(provider=name(g, ("Provider", funder)), count=count, state=name(g, ("State", s))),
            ngettext(
                "{amount} (a project's budget is shared equally among its funders and the States it "
                "benefits); {count} without a budget",
                "{amount} (a project's budget is shared equally among its funders and the States it "
                "benefits); {count} without a budget",
                flow["unknown"],
            ).format(amount=amount, count=flow["unknown"])
            if flow["unknown"]
            else _(
                "{amount} (a project's budget is shared equally among its funders and the States it benefits)"
            ).format(amount=amount),
            _("Projects: {titles}").format(titles=describe.listing(sorted(flow["titles"]), 4)),
        ]
        out.add_edge(
            f"Provider:{funder}",
            f"State:{s}",
            key="funds",
            kind="funds",
            tooltip="\n".join(lines),
            width=round(_width(flow["usd"], top_flow), 2),
            weight=round(flow["usd"], 2),
        )
    for s, n in sorted(membership):
        out.add_edge(
            f"State:{s}",
            f"Network:{n}",
            key="member_of",
            kind="member_of",
            tooltip=sentence("MEMBER_OF", name(g, ("State", s)), name(g, ("Network", n))),
        )
    return MapSpec(
        graph=out,
        title=_("Coordination map: who funds what, where"),
        filters=describe_filters(g, f, _("all live projects, any date")),
        legend=legend(["State", "Provider", "Network"], ["funds", "member_of"]),
        notes=[
            _(
                "States sit at their centroids; a provider sits next to its home State, and international "
                "organisations in the row below the map. Node size: money received or given."
            ),
        ],
    )


def _parse_node(g: nx.MultiDiGraph, node: str | None) -> tuple[str, Any]:
    if not node or ":" not in node:
        raise MapError("an ego map needs --node as Label:key, e.g. State:KEN, Provider:dfid or Network:x")
    label, key = node.split(":", 1)
    label = label.strip().capitalize()
    key = key.strip()
    if label not in EGO_LABELS:
        raise MapError(
            f"an ego map is centred on a {', '.join(EGO_LABELS[:-1])} or {EGO_LABELS[-1]}, not {label!r}"
        )
    if label == "State":
        key = key.upper()
    if (label, key) not in g:
        raise UnknownNode(f"no {label} {key!r} in the store")
    return (label, key)


def ego(g: nx.MultiDiGraph, f: Filters, node: str | None) -> MapSpec:
    """One node and everything within two hops (articles not walked through), under the filters."""
    centre = _parse_node(g, node)

    def allowed(ref: tuple[str, Any]) -> bool:
        if ref == centre:
            return True
        if ref[0] == "Project":
            return project_ok(project(g, ref), f, g, live_only=False)
        if ref[0] == "State":
            return state_ok(g, ref[1], f)
        return True

    undirected = g.to_undirected(as_view=True)
    seen = {centre: 0}
    frontier = [centre]
    for hop in (1, 2):
        nxt = []
        for ref in frontier:
            if ref[0] == "Article" and ref != centre:
                continue
            for other in sorted(undirected.neighbors(ref), key=repr):
                if other not in seen and allowed(other):
                    seen[other] = hop
                    nxt.append(other)
        frontier = nxt
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for ref in sorted(seen, key=repr):
        attrs = nodes.any_node(g, ref)
        if ref == centre:
            attrs = {**attrs, "rank": 10, "size": 24.0}
        out.add_node(f"{ref[0]}:{ref[1]}", **attrs)

    def walked(ref: tuple[str, Any]) -> bool:  # an end from which a second step is taken
        return seen[ref] == 0 or (seen[ref] == 1 and ref[0] != "Article")

    kinds = set()
    for u, v, k, d in g.edges(keys=True, data=True):
        # an edge is within two steps when it leaves the centre or a node one step away (not an article)
        if u in seen and v in seen and (walked(u) or walked(v)):
            text = sentence(k, name(g, u), name(g, v))
            if k == "REPORTED" and d.get("status"):
                text = _("{sentence}: {status}").format(sentence=text, status=describe.words(d["status"]))
            if k == "ADDRESSES" and d.get("forms"):
                forms = describe.listing([describe.words(x) for x in d["forms"]])
                text = _("{sentence} (forms: {forms})").format(sentence=text, forms=forms)
            out.add_edge(f"{u[0]}:{u[1]}", f"{v[0]}:{v[1]}", key=k.lower(), kind=k.lower(), tooltip=text)
            kinds.add(k.lower())
    labels_present = [
        lab
        for lab in ("State", "Provider", "Network", "Project", "Need", "Article", "Expert")
        if any(ref[0] == lab for ref in seen)
    ]
    return MapSpec(
        graph=out,
        title=_("Everything within two steps of {name}").format(name=name(g, centre)),
        filters=describe_filters(g, f, _("projects of any date and status")),
        legend=legend(labels_present, sorted(kinds)),
        notes=[
            _(
                "Articles are shown but not walked through (every State reaches every other through them). "
                "Experts appear by roster id only."
            )
        ],
    )
