"""Map nodes made from projection nodes: kind, label, tooltip, placement hint, search words.

Attributes are those :class:`tacmap.viz.render.MapSpec` reads; text is in the current language (:mod:`tacmap.i18n`).
Personal data never enters: an expert node carries its roster id, nationality and articles only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
from tacmap.graph.schema.reference import UN_LANGUAGES
from tacmap.i18n import _
from tacmap.viz import describe
from tacmap.viz.graphview import NodeRef, geo, in_keys, name, out_keys, project

Attrs = dict[str, Any]


def state(g: nx.MultiDiGraph, iso3: str, extra: Iterable[str] = (), **more: Any) -> Attrs:
    props = g.nodes.get(("State", iso3), {"iso3": iso3})
    return {
        "kind": "State",
        "label": describe.state_name(props),
        "code": iso3,
        "tooltip": describe.state_tooltip(props, extra),
        "geo": geo(g, iso3),
        # found by its code and by its name in any of the six languages, whatever the page's language
        "search": " ".join([iso3, *(str(props.get(f"name_{lang}") or "") for lang in UN_LANGUAGES)]),
        **more,
    }


def provider(g: nx.MultiDiGraph, pid: str, extra: Iterable[str] = (), **more: Any) -> Attrs:
    props = g.nodes.get(("Provider", pid), {"id": pid})
    homes = out_keys(g, ("Provider", pid), "BASED_IN")
    home = homes[0] if homes else None
    where = geo(g, home)
    return {
        "kind": "Provider",
        "label": describe.provider_short(props),
        "tooltip": describe.provider_tooltip(props, name(g, ("State", home)) if home else None, extra),
        "home": where,
        "band": where is None,
        "search": str(props.get("name") or ""),
        **more,
    }


def network(g: nx.MultiDiGraph, nid: str, members: int | None = None, extra: Iterable[str] = ()) -> Attrs:
    props = g.nodes.get(("Network", nid), {"id": nid})
    name_ = str(props.get("name") or nid)
    return {
        "kind": "Network",
        "label": name_,
        "tooltip": describe.network_tooltip(props, members, extra),
        "search": name_,
    }


def project_node(g: nx.MultiDiGraph, pid: str, extra: Iterable[str] = (), **more: Any) -> Attrs:
    p = project(g, ("Project", pid))
    funders = describe.listing([name(g, ("Provider", f)) for f in p.funders]) or _("no funder given")
    articles = describe.listing([str(a) for a in p.articles])
    lines = [
        _("Funded by {funders}; implemented by {implementer}").format(
            funders=funders, implementer=name(g, ("Provider", p.implementer))
        )
        if p.implementer
        else _("Funded by {funders}").format(funders=funders),
        _("Benefits {states}").format(states=describe.listing([name(g, ("State", s)) for s in p.states])),
        _("Articles {articles}; forms: {forms}").format(
            articles=articles, forms=describe.listing([describe.words(x) for x in p.forms])
        )
        if p.forms
        else _("Articles {articles}; any form").format(articles=articles),
    ]
    return {
        "kind": "Project",
        "label": str(p.props.get("title") or pid),
        "tooltip": describe.project_tooltip(p.props, [*lines, *extra]),
        "search": pid,
        **more,
    }


def need(g: nx.MultiDiGraph, nid: str, extra: Iterable[str] = (), **more: Any) -> Attrs:
    ref = ("Need", nid)
    props = g.nodes.get(ref, {"id": nid})
    states = in_keys(g, ref, "HAS_NEED")
    arts = out_keys(g, ref, "ON_ARTICLE")
    article = int(arts[0]) if arts else None
    who = name(g, ("State", states[0])) if states else _("A State")
    return {
        "kind": "Need",
        "label": describe.need_label(props, article),
        "tooltip": describe.need_tooltip(props, who, article, extra),
        "search": f"{nid} {describe.words(props.get('form'))}",
        **more,
    }


def article(g: nx.MultiDiGraph, number: int) -> Attrs:
    props = g.nodes.get(("Article", number), {"number": number})
    label = _("Art. {number}").format(number=number)
    return {"kind": "Article", "label": label, "tooltip": describe.article_tooltip(props)}


def expert(g: nx.MultiDiGraph, eid: str) -> Attrs:
    """Roster id, nationality and articles: nothing personal."""
    ref = ("Expert", eid)
    nat = out_keys(g, ref, "NATIONAL_OF")
    arts = [int(a) for a in out_keys(g, ref, "EXPERT_IN")]
    return {
        "kind": "Expert",
        "label": _("Expert {id}").format(id=eid),
        "tooltip": describe.expert_tooltip({"id": eid}, name(g, ("State", nat[0])) if nat else None, arts),
    }


def any_node(g: nx.MultiDiGraph, ref: NodeRef) -> Attrs:
    """Map attributes for any projection node."""
    label, key = ref
    if label == "State":
        return state(g, key)
    if label == "Provider":
        return provider(g, key)
    if label == "Network":
        return network(g, key, sum(1 for _u, _v, k in g.in_edges(ref, keys=True) if k == "MEMBER_OF"))
    if label == "Project":
        return project_node(g, key)
    if label == "Need":
        return need(g, key)
    if label == "Article":
        return article(g, int(key))
    if label == "Expert":
        return expert(g, key)
    return {"kind": label, "label": str(key), "tooltip": f"{label} {key}"}
