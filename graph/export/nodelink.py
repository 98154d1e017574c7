"""networkx's node-link JSON (``nx.node_link_graph(json.load(f), edges="links")`` reads it back),
which D3 and most notebook tools also take."""

from __future__ import annotations

import json

import networkx as nx
from tacmap.graph.export.flat import FlatGraph


def write(graph: FlatGraph) -> bytes:
    data = nx.node_link_data(graph, edges="links")
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
