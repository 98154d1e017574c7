"""What a graph export holds: the whole graph or one map's subgraph, chosen as the maps choose
(same filters; restricted needs left out by the caller's view of the store, as for maps; no
personal data), named in the map's language and placed where the map places it, as a flat graph
(:mod:`tacmap.graph.export.flat`) for the writers of :mod:`tacmap.graph.export`.

    >>> data = export_bytes(store, "gexf", state="KEN")            # doctest: +SKIP
    >>> data = export_bytes(store, "graphml", kind="gaps")          # doctest: +SKIP

The whole graph under filters: projects that do not pass them (any status, as on the ego map) are
left out, and so are States outside the State or group filter, with their needs and the experts
who are their nationals; with an article filter, needs on other articles too. Providers, networks,
articles and regions stay.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
from tacmap.graph.export import write
from tacmap.graph.export.flat import flat_attrs, one_type_per_name
from tacmap.graph.schema.mapping import KEYS
from tacmap.graph.store.base import Store
from tacmap.i18n import DEFAULT, use
from tacmap.viz import nodes
from tacmap.viz.filters import Filters, checked, state_ok
from tacmap.viz.filters import describe as describe_filters
from tacmap.viz.graphview import NodeRef, in_keys, out_keys, project, project_ok
from tacmap.viz.maps import map_spec
from tacmap.viz.render import MapSpec, positions
from tacmap.viz.style import node_style

# An expert's node carries roster facts only (as on the maps): never a name, email or gender.
EXPERT_FIELDS = ("id", "languages", "years_experience", "availability")
# Names the flat graph gives a meaning of its own; a property of the same name is prefixed.
RESERVED = frozenset(
    {
        "kind",
        "label",
        "identifier",
        "description",
        "variant",
        "relationship",
        "weight",
        "x",
        "y",
        "size",
        "color",
    }
)


def export_bytes(
    store: Store, fmt: str, *, kind: str | None = None, lang: str = DEFAULT, **filters: Any
) -> bytes:
    """The whole graph (``kind`` None) or one map's subgraph as a file in ``fmt``; ``filters`` are
    the maps' (``state``, ``article``, ``group``, ``provider``, ``as_of``, and ``node`` for ego)."""
    return write(export_graph(store, kind=kind, lang=lang, **filters), fmt)


def export_graph(
    store: Store, *, kind: str | None = None, lang: str = DEFAULT, **filters: Any
) -> nx.MultiDiGraph:
    """The flat graph of :func:`export_bytes`. Raises :class:`tacmap.viz.filters.MapError` with a
    plain message for an unknown map, filter or node."""
    if kind is not None:
        spec = map_spec(store, kind, lang=lang, **filters)
        with use(lang):
            return flat_graph(spec, store.projection())
    if filters.get("node") is not None:
        from tacmap.viz.filters import MapError

        raise MapError("a node is the centre of an ego map: export the ego map to use it")
    filters.pop("node", None)
    with use(lang):
        g = store.projection()
        return flat_graph(everything(g, checked(g, **filters)), g)


def everything(g: nx.MultiDiGraph, f: Filters) -> MapSpec:
    """Every node and relationship of the projection that passes the filters, with the words and
    placement hints of the maps; relationships keep their properties and, where money flows
    (``FUNDS``, ``BENEFITS``), a weight in US dollars."""
    kept = [ref for ref in sorted(g, key=repr) if _passes(g, ref, f)]
    keep = set(kept)
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for ref in kept:
        out.add_node(f"{ref[0]}:{ref[1]}", **nodes.any_node(g, ref))
    for u, v, rel, d in g.edges(keys=True, data=True):
        if u in keep and v in keep:
            weight = _weight(g, u, v, rel, d)
            extra = {} if weight is None else {"weight": weight}
            out.add_edge(f"{u[0]}:{u[1]}", f"{v[0]}:{v[1]}", key=rel, kind=rel.lower(), rel=rel, **d, **extra)
    return MapSpec(graph=out, title="tacmap", filters=describe_filters(g, f), legend=[])


def _passes(g: nx.MultiDiGraph, ref: NodeRef, f: Filters) -> bool:
    label, key = ref
    if label == "Project":
        return project_ok(project(g, ref), f, g, live_only=False)
    if label == "State":
        return state_ok(g, key, f)
    if label == "Need":
        states = in_keys(g, ref, "HAS_NEED")
        on = [int(a) for a in out_keys(g, ref, "ON_ARTICLE")]
        return all(state_ok(g, s, f) for s in states) and (f.article is None or f.article in on)
    if label == "Expert":
        return all(state_ok(g, s, f) for s in out_keys(g, ref, "NATIONAL_OF"))
    return True


def _weight(g: nx.MultiDiGraph, u: NodeRef, v: NodeRef, rel: str, d: dict[str, Any]) -> float | None:
    """US dollars along a funding edge (the budget shared equally among the funders) or a benefit
    edge (the State's share, else the budget shared equally among the States)."""
    ref = v if rel == "FUNDS" else u if rel == "BENEFITS" else None
    if ref is None:
        return None
    budget = g.nodes[ref].get("budget_usd")
    if budget is None:
        return None
    if rel == "FUNDS":
        return round(budget / max(1, len(in_keys(g, ref, "FUNDS"))), 2)
    share = d.get("share")
    return round(
        budget * share if share is not None else budget / max(1, len(out_keys(g, ref, "BENEFITS"))), 2
    )


def flat_graph(spec: MapSpec, g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A map's graph as a flat graph: ``Label:key`` ids, the node's own properties (experts:
    roster facts only), its name, kind and description in the map's words, its place on the map
    (``y`` growing northwards), size and colour; edges with their type, description and weight."""
    refs = {f"{label}:{key}": (label, key) for label, key in g}
    pos, sizes = positions(spec.graph)
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph(name=spec.title)
    for n, d in spec.graph.nodes(data=True):
        ref = refs.get(n)
        attrs: dict[str, Any] = _properties(ref, g.nodes[ref]) if ref else {}
        attrs.update(
            kind=d["kind"],
            label=str(d.get("label") or n),
            description=str(d.get("tooltip") or ""),
            variant=d.get("variant"),
            identifier=str(ref[1]) if ref else None,
            x=round(pos[n][0], 1),
            y=round(-pos[n][1], 1),
            size=sizes[n],
            color=node_style(d["kind"], d.get("variant")).color,
        )
        if d.get("home"):
            attrs.update(home_lat=d["home"][0], home_lon=d["home"][1])
        out.add_node(n, **flat_attrs(attrs))
    for u, v, d in spec.graph.edges(data=True):
        attrs = {k: val for k, val in d.items() if k not in ("kind", "rel", "tooltip", "width")}
        attrs.update(relationship=d.get("rel") or d["kind"], description=d.get("tooltip"))
        out.add_edge(u, v, **flat_attrs(attrs))
    return one_type_per_name(out)


def _properties(ref: NodeRef, props: dict[str, Any]) -> dict[str, Any]:
    """A projection node's properties under names the flat graph leaves free (``kind`` of a
    provider becomes ``provider_kind``), without its key (the node's ``identifier``); an expert's roster
    facts only."""
    if ref[0] == "Expert":
        props = {k: v for k, v in props.items() if k in EXPERT_FIELDS}
    own_key = KEYS.get(ref[0])  # the id, ISO3 or number: already the node's ``identifier``
    return {
        (f"{ref[0].lower()}_{k}" if k in RESERVED else k): v
        for k, v in props.items()
        if k not in ("label", own_key)
    }
