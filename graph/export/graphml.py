"""GraphML, which Cytoscape, yEd and Gephi read: typed ``<key>`` declarations (``attr.name``: the
attribute; ids ``d0``, ``d1``… since a node and an edge attribute may share a name), positions as ``x``/``y`` and colours as ``r``/``g``/``b`` (the names Gephi's importer
maps onto its own layout), edge weights.

GraphML ids are XML name tokens: a character a token cannot hold (a space in a key) becomes ``_``,
and the exact ``Label:key`` stays in the node's ``ref`` attribute."""

from __future__ import annotations

import io
import re

import networkx as nx
from tacmap.graph.export.flat import FlatGraph, one_type_per_name
from tacmap.graph.export.gexf import rgb

NOT_IN_TOKEN = re.compile(r"[^\w.:-]")


def token_ids(nodes: list[str]) -> dict[str, str]:
    """A name token for each node id, distinct from each other."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for n in nodes:
        token = base = NOT_IN_TOKEN.sub("_", n)
        count = 1
        while token in taken:
            count += 1
            token = f"{base}_{count}"
        taken.add(token)
        out[n] = token
    return out


def write(graph: FlatGraph) -> bytes:
    ids = token_ids(list(graph.nodes))
    out: FlatGraph = nx.MultiDiGraph()
    for n, d in graph.nodes(data=True):
        attrs = {k: v for k, v in d.items() if k != "color"}
        if "color" in d:
            attrs.update(rgb(str(d["color"])))
        if ids[n] != n:
            attrs["ref"] = n
        out.add_node(ids[n], **attrs)
    for i, (u, v, d) in enumerate(graph.edges(data=True)):
        out.add_edge(ids[u], ids[v], key=f"e{i}", **d)
    buffer = io.BytesIO()
    nx.write_graphml(one_type_per_name(out), buffer)
    return buffer.getvalue()
