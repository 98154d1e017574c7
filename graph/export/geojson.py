"""GeoJSON (RFC 7946) for QGIS and BI maps: each State as a point at its centroid with its figures,
each project as lines from where a funder is based to each State it benefits, and any other line of
the graph whose two ends have a place (a funding flow on the coordination map, a pairing between
two States) as a line between them. Coordinates are ``[longitude, latitude]``; things without a
place (international organisations, networks, articles) are not drawn."""

from __future__ import annotations

import json
from typing import Any

from tacmap.graph.export.flat import LAYOUT, FlatGraph

Point = tuple[float, float]


def place(d: dict[str, Any]) -> Point | None:
    """``(lon, lat)`` of a State's centroid, or of the State a provider is based in."""
    for lat, lon in (("lat", "lon"), ("home_lat", "home_lon")):
        if d.get(lat) is not None and d.get(lon) is not None:
            return (float(d[lon]), float(d[lat]))
    return None


def write(graph: FlatGraph) -> bytes:
    features: list[dict[str, Any]] = []
    for n, d in sorted(graph.nodes.items(), key=lambda item: item[0]):
        where = place(d) if d.get("kind") == "State" else None
        if where is not None:
            features.append(_feature(n, {"type": "Point", "coordinates": list(where)}, _props(d)))
    for n, d in sorted(graph.nodes.items(), key=lambda item: item[0]):
        if d.get("kind") == "Project":
            features += _project_lines(graph, n, d)
    for i, (u, v, d) in enumerate(graph.edges(data=True)):
        if "Project" in (graph.nodes[u].get("kind"), graph.nodes[v].get("kind")):
            continue
        a, b = place(graph.nodes[u]), place(graph.nodes[v])
        if a is not None and b is not None:
            line = {"type": "LineString", "coordinates": [list(a), list(b)]}
            features.append(_feature(f"e{i}", line, {"from": u, "to": v, **d}))
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _project_lines(graph: FlatGraph, project: str, d: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per funder with a home and benefiting State with a centroid."""
    funders = sorted(u for u, _v, e in graph.in_edges(project, data=True) if _is(e, "FUNDS"))
    states = sorted(v for _u, v, e in graph.out_edges(project, data=True) if _is(e, "BENEFITS"))
    out = []
    for funder in funders:
        home = place(graph.nodes[funder])
        for state in states:
            there = place(graph.nodes[state])
            if home is None or there is None:
                continue
            line = {"type": "LineString", "coordinates": [list(home), list(there)]}
            props = {"project": project, "funder": funder, "state": state, **_props(d)}
            out.append(_feature(f"{project}|{funder}|{state}", line, props))
    return out


def _is(edge: dict[str, Any], relationship: str) -> bool:
    return str(edge.get("relationship", "")).upper() == relationship


def _props(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in LAYOUT}


def _feature(fid: str, geometry: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": props}
