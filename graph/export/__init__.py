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

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tacmap.graph.export.flat import FlatGraph


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Format:
    """One export format: how to name and serve the file, and the module whose ``write`` makes it
    (imported when a file is written, so that listing the formats costs nothing at start-up)."""

    name: str
    suffix: str
    media_type: str
    opens_in: str
    module: str

    def write(self, graph: FlatGraph) -> bytes:
        writer = import_module(f"tacmap.graph.export.{self.module}")
        data: bytes = writer.write(graph)
        return data


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("gexf", ".gexf", "application/gexf+xml", "Gephi", "gexf"),
        Format("graphml", ".graphml", "application/graphml+xml", "Cytoscape, yEd, Gephi", "graphml"),
        Format("json", ".json", "application/json", "networkx, D3 (node-link JSON)", "nodelink"),
        Format("cytoscape", ".cyjs", "application/json", "Cytoscape, Cytoscape.js", "cytoscape"),
        Format("kumu", ".xlsx", XLSX, "Kumu (Elements and Connections sheets)", "kumu"),
        Format("geojson", ".geojson", "application/geo+json", "QGIS, BI maps", "geojson"),
    )
}


def write(graph: FlatGraph, fmt: str) -> bytes:
    """``graph`` (a flat graph) as the bytes of a file in format ``fmt`` (a key of :data:`FORMATS`)."""
    return FORMATS[fmt].write(graph)
