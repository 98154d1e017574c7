"""Reading the store's projection: projects with their funders, States and articles; node names.

The projection is :meth:`tacmap.graph.store.base.Store.projection`: nodes ``(label, key)`` with their properties,
edges keyed by relationship type. Dates are ISO strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx
from tacmap.i18n import _
from tacmap.viz import describe
from tacmap.viz.filters import Filters, state_ok

NodeRef = tuple[str, Any]


@dataclass(frozen=True)
class ProjectView:
    ref: NodeRef
    props: dict[str, Any]
    funders: tuple[str, ...]
    implementer: str | None
    states: tuple[str, ...]
    articles: tuple[int, ...]
    forms: tuple[str, ...]  # forms named on its articles (empty: any form)
    network: str | None

    @property
    def id(self) -> str:
        return str(self.ref[1])


def out_keys(g: nx.MultiDiGraph, ref: NodeRef, rel: str) -> list[Any]:
    """Keys of the nodes ``ref`` points to by ``rel``."""
    return sorted(v[1] for _u, v, k in g.out_edges(ref, keys=True) if k == rel)


def in_keys(g: nx.MultiDiGraph, ref: NodeRef, rel: str) -> list[Any]:
    return sorted(u[1] for u, _v, k in g.in_edges(ref, keys=True) if k == rel)


def project(g: nx.MultiDiGraph, ref: NodeRef) -> ProjectView:
    implementers = out_keys(g, ref, "IMPLEMENTED_BY")
    networks = out_keys(g, ref, "THROUGH")
    forms = {
        f
        for _u, _v, k, d in g.out_edges(ref, keys=True, data=True)
        if k == "ADDRESSES"
        for f in d.get("forms") or ()
    }
    return ProjectView(
        ref=ref,
        props=dict(g.nodes[ref]),
        funders=tuple(in_keys(g, ref, "FUNDS")),
        implementer=implementers[0] if implementers else None,
        states=tuple(out_keys(g, ref, "BENEFITS")),
        articles=tuple(int(a) for a in out_keys(g, ref, "ADDRESSES")),
        forms=tuple(sorted(forms)),
        network=networks[0] if networks else None,
    )


def project_ok(p: ProjectView, f: Filters, g: nx.MultiDiGraph, *, live_only: bool = True) -> bool:
    """Whether a project passes the filters: live (not cancelled), running on ``as_of`` when given,
    addressing the article, funded by the provider, benefiting a State that passes the State filters."""
    if live_only and p.props.get("status") == "cancelled":
        return False
    if f.as_of is not None:
        day = f.as_of.isoformat()
        if not (str(p.props.get("start")) <= day <= str(p.props.get("end"))):
            return False
    if f.article is not None and f.article not in p.articles:
        return False
    if f.provider is not None and f.provider not in p.funders:
        return False
    return not (f.state or f.group) or any(state_ok(g, s, f) for s in p.states)


def projects(g: nx.MultiDiGraph, f: Filters, *, live_only: bool = True) -> Iterator[ProjectView]:
    """Projects passing the filters, in id order."""
    for ref in sorted((n for n in g if n[0] == "Project"), key=lambda n: str(n[1])):
        p = project(g, ref)
        if project_ok(p, f, g, live_only=live_only):
            yield p


def geo(g: nx.MultiDiGraph, iso3: str | None) -> tuple[float, float] | None:
    """The centroid of a State, if the reference data has one."""
    props = g.nodes.get(("State", iso3)) if iso3 else None
    if props and props.get("lat") is not None and props.get("lon") is not None:
        return (float(props["lat"]), float(props["lon"]))
    return None


def name(g: nx.MultiDiGraph, ref: NodeRef) -> str:
    """A node's name in words, in the current language (never an expert's name: roster id only)."""
    label, key = ref
    props = g.nodes.get(ref, {})
    if label == "State":
        return describe.state_name(props) if props else str(key)
    if label == "Provider":
        return describe.provider_short(props) if props else str(key)
    if label == "Project":
        return str(props.get("title") or key)
    if label == "Article":
        return _("article {number}").format(number=key)
    if label == "Expert":
        return _("expert {id}").format(id=key)
    if label == "Need":
        return _("need {id}").format(id=key)
    return str(props.get("name") or key)
