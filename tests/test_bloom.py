"""The Bloom perspective shipped in the repository (viz/tacmap.bloom.json): current with the schema
and the maps' colours, captioned by properties the stores hold."""

from __future__ import annotations

import json
from pathlib import Path

from tacmap.graph.schema.mapping import DATE_PROPS, RELATIONSHIPS
from tacmap.graph.store import EmbeddedStore
from tacmap.viz import bloom, style

from tests.test_api_support import load_seed

SHIPPED = json.loads(bloom.FILE.read_text(encoding="utf-8"))


def test_the_shipped_file_is_what_the_module_writes() -> None:
    assert bloom.FILE.read_text(encoding="utf-8") == bloom.text(), "run: python -m tacmap.viz.bloom"


def test_one_category_per_label_in_the_map_colour() -> None:
    colours = {c["name"]: c["color"] for c in SHIPPED["categories"]}
    assert set(colours) == set(bloom.LABELS) and all(
        c["labels"] == [c["name"]] for c in SHIPPED["categories"]
    )
    assert colours == {label: style.node_style(label).color for label in bloom.LABELS}
    assert (colours["State"], colours["Provider"], colours["Project"]) == (
        style.BLUE,
        style.ORANGE,
        style.SKY_BLUE,
    )


def test_every_relationship_type_in_the_map_colour() -> None:
    colours = {r["name"]: r["color"] for r in SHIPPED["relationshipTypes"]}
    assert set(colours) == {kind for _, kind, _ in RELATIONSHIPS}
    assert colours == {kind: style.edge_style(kind.lower()).color for kind in colours}
    assert (colours["FUNDS"], colours["BENEFITS"], colours["MEMBER_OF"]) == (
        style.ORANGE,
        style.SKY_BLUE,
        style.REDDISH_PURPLE,
    )


def test_captions_and_days_are_properties_the_store_holds(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "data") as store:
        load_seed(store)
        nodes, _ = store.read_all()
    for category in SHIPPED["categories"]:
        label = category["name"]
        (caption,) = [p["name"] for p in category["properties"] if p["isCaption"]]
        held = [props for (kind, _), props in nodes.items() if kind == label]
        assert held and all(props.get(caption) is not None for props in held), (label, caption)
        dated = {p["name"] for p in category["properties"] if p["dataType"] == "date"}
        assert dated == set(DATE_PROPS.get(label, ())), label
    assert "email" not in json.dumps(SHIPPED) and "gender" not in json.dumps(SHIPPED)
