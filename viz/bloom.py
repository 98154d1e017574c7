"""A Neo4j Bloom perspective with the maps' look: one category per label, captioned by the field
the maps label it with, in the map's colour, and every relationship type in its map colour.

The perspective is a file in the repository, ``viz/tacmap.bloom.json`` (Bloom: Perspective gallery ›
Import), written by ``python -m tacmap.viz.bloom`` from the schema (graph/schema/mapping.py) and the
maps' palette (viz/style.py); ``tests/test_bloom.py`` checks the file is what this module writes.
Bloom styles by label, so the map's variants that are computed, not stored (a need covered, a gap,
a near miss; a project in an overlap), keep their label's colour; the days (``DATE_PROPS``) are
typed ``date``, so Bloom's date filters and range slider apply.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tacmap.graph.schema.mapping import DATASET, DATE_PROPS, KEYS, RELATIONSHIPS
from tacmap.viz.style import edge_style, node_style

FILE = Path(__file__).with_name("tacmap.bloom.json")
# The property a node is named by on the maps (experts by roster id: no personal data).
CAPTIONS = {
    "State": "name",
    "Article": "title",
    "Provider": "name",
    "Network": "name",
    "Need": "id",
    "Project": "title",
    "Expert": "id",
    "Region": "name",
}

# The labels Bloom shows: every node label but the dataset's own record (its reference date), on no map.
LABELS = [label for label in KEYS if label != DATASET[0]]


def _property(label: str, name: str, caption: bool) -> dict[str, Any]:
    kind = "date" if name in DATE_PROPS.get(label, ()) else "integer" if name == "number" else "string"
    return {"name": name, "exclude": False, "isCaption": caption, "dataType": kind}


def _category(number: int, label: str) -> dict[str, Any]:
    shown = dict.fromkeys([CAPTIONS[label], KEYS[label], *DATE_PROPS.get(label, ())])
    return {
        "id": number,
        "name": label,
        "color": node_style(label).color,
        "size": 1,
        "icon": "no-icon",
        "labels": [label],
        "properties": [_property(label, name, name == CAPTIONS[label]) for name in shown],
        "hiddenLabels": [],
        "caption": [""],
        "textSize": 1,
        "textAlign": "top",
        "styleRules": [],
    }


def perspective() -> dict[str, Any]:
    """The perspective, as Bloom's export writes one (the parts Bloom reads on import)."""
    categories = [_category(number, label) for number, label in enumerate(LABELS, start=1)]
    kinds = dict.fromkeys(kind for _, kind, _ in RELATIONSHIPS)
    return {
        "name": "tacmap",
        "id": "tacmap",
        "version": "2.0",
        "categories": categories,
        "labels": {
            label: [
                {"propertyKey": p["name"], "type": label, "dataType": p["dataType"]} for p in c["properties"]
            ]
            for label, c in zip(LABELS, categories, strict=True)
        },
        "relationshipTypes": [
            {"id": kind, "name": kind, "color": edge_style(kind.lower()).color, "size": 1, "properties": []}
            for kind in kinds
        ],
        "hiddenRelationshipTypes": [],
        "hideUncategorisedData": False,
        "palette": {"colors": sorted({c["color"] for c in categories}), "currentIndex": 0},
    }


def text() -> str:
    return json.dumps(perspective(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    FILE.write_text(text(), encoding="utf-8")
    sys.stdout.write(f"wrote {FILE}\n")
