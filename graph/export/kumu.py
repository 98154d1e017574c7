"""Kumu's import workbook: an ``Elements`` sheet (``ID``, ``Label``, ``Type``, ``Description``, then
one column per field) and a ``Connections`` sheet (``ID``, ``From``, ``To``, ``Type``,
``Direction``, ``Weight``, then the fields), as Kumu's import guide lays them out. The ``ID``
columns (our ``Label:key``) let two elements share a name, and let a second import update the
same elements instead of adding copies."""

from __future__ import annotations

from typing import Any

from tacmap.graph.export.flat import LAYOUT, FlatGraph
from tacmap.graph.export.workbook import xlsx_bytes

ELEMENT_COLUMNS = ("ID", "Label", "Type", "Description")
CONNECTION_COLUMNS = ("ID", "From", "To", "Type", "Direction", "Weight")
TAKEN = {
    "label": "Label",
    "kind": "Type",
    "description": "Description",
    "relationship": "Type",
    "weight": "Weight",
}


def write(graph: FlatGraph) -> bytes:
    elements = [
        {"ID": n, **_fields(d, LAYOUT)} for n, d in sorted(graph.nodes.items(), key=lambda item: item[0])
    ]
    connections = [
        {"ID": f"e{i}", "From": u, "To": v, "Direction": "directed", **_fields(d, ())}
        for i, (u, v, d) in enumerate(graph.edges(data=True))
    ]
    return xlsx_bytes(
        {
            "Elements": (_columns(ELEMENT_COLUMNS, elements), elements),
            "Connections": (_columns(CONNECTION_COLUMNS, connections), connections),
        }
    )


def _fields(d: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    """Kumu's own columns under their names; our other attributes as fields, named as they are."""
    return {TAKEN.get(k, k): v for k, v in d.items() if k not in skip}


def _columns(first: tuple[str, ...], rows: list[dict[str, Any]]) -> list[str]:
    rest = sorted({k for r in rows for k in r} - set(first))
    return [*first, *rest]
