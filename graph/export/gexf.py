"""GEXF 1.3, the format Gephi opens natively: typed attributes, node positions, sizes and colours
(``viz:`` elements) so Gephi shows the map's picture, and edge weights. A project's ``start`` and
``end`` become its GEXF interval, so Gephi's timeline plays the projects over the years.

networkx writes the document; three things it adds that the GEXF 1.3 grammar does not allow are
taken out: ``mode`` on ``<attributes>``, ``name`` on ``<graph>``, and an ``xsi:schemaLocation``
pointing at a schema that is not published whole."""

from __future__ import annotations

import io

import networkx as nx
from lxml import etree
from tacmap.graph.export.flat import LAYOUT, FlatGraph

NS = "http://gexf.net/1.3"


def rgb(colour: str) -> dict[str, int]:
    """``#RRGGBB`` as GEXF's ``r``, ``g``, ``b``."""
    return {part: int(colour[i : i + 2], 16) for part, i in (("r", 1), ("g", 3), ("b", 5))}


def write(graph: FlatGraph) -> bytes:
    out: FlatGraph = nx.MultiDiGraph()
    for n, d in graph.nodes(data=True):
        viz: dict[str, object] = {}
        if "x" in d and "y" in d:
            viz["position"] = {"x": float(d["x"]), "y": float(d["y"]), "z": 0.0}
        if "size" in d:
            viz["size"] = float(d["size"])
        if "color" in d:
            viz["color"] = {**rgb(str(d["color"])), "a": 1.0}
        out.add_node(n, **{k: v for k, v in d.items() if k not in LAYOUT}, **({"viz": viz} if viz else {}))
    for i, (u, v, d) in enumerate(graph.edges(data=True)):
        out.add_edge(u, v, key=i, id=f"e{i}", **d)
    # a graph without parallel lines is written as one, so no ``networkx_key`` attribute appears
    simple: nx.DiGraph[str] = nx.DiGraph(out)
    buffer = io.BytesIO()
    nx.write_gexf(simple if simple.number_of_edges() == out.number_of_edges() else out, buffer, version="1.3")
    return conforming(buffer.getvalue())


def conforming(document: bytes) -> bytes:
    """networkx's GEXF 1.3 without the attributes the GEXF 1.3 grammar does not define."""
    root = etree.fromstring(
        document, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    )
    for name in [
        a for a in root.attrib if str(a).endswith("}schemaLocation")
    ]:  # networkx misspells its namespace
        del root.attrib[name]
    for graph in root.iter(f"{{{NS}}}graph"):
        if "name" in graph.attrib:
            del graph.attrib["name"]
    for attributes in root.iter(f"{{{NS}}}attributes"):
        if "mode" in attributes.attrib:
            del attributes.attrib["mode"]
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
