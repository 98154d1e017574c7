"""The graph in the formats analysts' tools open: Gephi (GEXF 1.3), Cytoscape and yEd (GraphML, or
Cytoscape.js JSON), Jupyter and D3 (networkx node-link JSON), Kumu (an xlsx of elements and
connections), QGIS and BI maps (GeoJSON).

Every writer takes a *flat graph* (:mod:`tacmap.graph.export.flat`): a ``networkx.MultiDiGraph``
whose node ids are ``Label:key`` strings and whose attributes are plain typed values, one type per
attribute name. Which nodes go in, their names and their positions are chosen above this layer
(``tacmap.viz.export``, with the maps' filters, audience and restricted-need rules).

    >>> data = write(flat, "gexf")   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tacmap.graph.export import cytoscape, geojson, gexf, graphml, kumu, nodelink
from tacmap.graph.export.flat import FlatGraph


@dataclass(frozen=True)
class Format:
    """One export format: how to write it, and how to name and serve the file."""

    name: str
    suffix: str
    media_type: str
    opens_in: str
    write: Callable[[FlatGraph], bytes]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("gexf", ".gexf", "application/gexf+xml", "Gephi", gexf.write),
        Format("graphml", ".graphml", "application/graphml+xml", "Cytoscape, yEd, Gephi", graphml.write),
        Format("json", ".json", "application/json", "networkx, D3 (node-link JSON)", nodelink.write),
        Format("cytoscape", ".cyjs", "application/json", "Cytoscape, Cytoscape.js", cytoscape.write),
        Format("kumu", ".xlsx", kumu.XLSX, "Kumu (Elements and Connections sheets)", kumu.write),
        Format("geojson", ".geojson", "application/geo+json", "QGIS, BI maps", geojson.write),
    )
}


def write(graph: FlatGraph, fmt: str) -> bytes:
    """``graph`` (a flat graph) as the bytes of a file in format ``fmt`` (a key of :data:`FORMATS`)."""
    return FORMATS[fmt].write(graph)
