"""Cytoscape.js JSON (``.cyjs``), which Cytoscape desktop imports with its layout and Cytoscape.js
draws: ``elements.nodes`` with ``data`` and ``position``, ``elements.edges`` with ``data``; ``name``
is the node's name and ``interaction`` the edge's type, as Cytoscape names them. Screen
coordinates: ``y`` grows downwards, so the map's north is up."""

from __future__ import annotations

import json
from typing import Any

from tacmap.graph.export.flat import LAYOUT, FlatGraph


def write(graph: FlatGraph) -> bytes:
    nodes: list[dict[str, Any]] = []
    for n, d in graph.nodes(data=True):
        node: dict[str, Any] = {"data": {"id": n, "name": d.get("label", n), **_data(d)}}
        if "x" in d and "y" in d:
            node["position"] = {"x": d["x"], "y": -d["y"]}
        nodes.append(node)
    edges = [
        {"data": {"id": f"e{i}", "source": u, "target": v, "interaction": d.get("relationship", ""), **d}}
        for i, (u, v, d) in enumerate(graph.edges(data=True))
    ]
    document = {
        "format_version": "1.0",
        "generated_by": "tacmap",
        "target_cytoscapejs_version": "~3.0",
        "data": {"name": graph.graph.get("name", "tacmap")},
        "elements": {"nodes": nodes, "edges": edges},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _data(d: dict[str, Any]) -> dict[str, Any]:
    """Node data; ``size`` and ``color`` stay (a Cytoscape style can map them), ``x``/``y`` are the position."""
    return {k: v for k, v in d.items() if k not in LAYOUT[:2]}
