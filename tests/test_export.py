"""Graph exports for other tools: GEXF and GraphML valid against their published schemas and read
back by two independent readers with the same counts (seed at scale 1 and 10); node-link JSON,
Cytoscape.js, Kumu and GeoJSON read back; the maps' filters, audience and restricted-need rules; no
personal data; the command line and HTTP."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import igraph
import networkx as nx
import openpyxl
import pytest
from lxml import etree
from tacmap.graph.export import FORMATS, write
from tacmap.graph.export.flat import flat_value, one_type_per_name
from tacmap.graph.schema import mapping
from tacmap.graph.store import EmbeddedStore, Store
from tacmap.graph.visibility import PUBLIC, NeedView
from tacmap.seed.generate import generate
from tacmap.viz.export import export_bytes, export_graph

from tests.test_api_support import make_api, seed_emails
from tests.test_cli import tacmap
from tests.test_visibility import all_restricted, found_ids

SCHEMAS = Path(__file__).parent / "data" / "schemas"
VIZ = "{http://gexf.net/1.3/viz}"
GEXF = "{http://gexf.net/1.3}"
PARSER = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=True)


@pytest.fixture(scope="module", params=[1, 10], ids=["scale1", "scale10"])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = EmbeddedStore(tmp_path_factory.mktemp(f"seed{request.param}") / "data")
    store.write(mapping.to_changes(generate(request.param)))
    yield store
    store.close()


@pytest.fixture(scope="module")
def flat(seeded: Store) -> nx.MultiDiGraph:
    return export_graph(seeded)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = EmbeddedStore(tmp_path_factory.mktemp("small") / "data")
    store.write(mapping.to_changes(generate(1)))
    yield store
    store.close()


def gexf_grammar() -> etree.RelaxNG:
    """The GEXF 1.3 grammar without its viz module (not available: see data/schemas/README.md)."""
    path = SCHEMAS / "gexf-1.3" / "gexf.rng"
    text = re.sub(r'\s*<include href="viz.rng"[^>]*/>', "", path.read_text(encoding="utf-8"))
    return etree.RelaxNG(etree.fromstring(text.encode(), PARSER, base_url=str(path)))


def test_gexf_is_valid_and_read_back_by_two_readers(flat: nx.MultiDiGraph, tmp_path: Path) -> None:
    data = write(flat, "gexf")
    doc = etree.fromstring(data, PARSER)
    nodes = doc.findall(f".//{GEXF}node")
    for node in nodes:  # the picture Gephi opens: every node placed, sized and coloured
        position = node.find(f"{VIZ}position")
        assert position is not None and float(position.get("x")) == pytest.approx(
            flat.nodes[node.get("id")]["x"]
        )
        assert float(node.find(f"{VIZ}size").get("value")) > 0
        assert all(0 <= int(node.find(f"{VIZ}color").get(c)) <= 255 for c in "rgb")
    for el in [el for el in doc.iter() if isinstance(el.tag, str) and el.tag.startswith(VIZ)]:
        el.getparent().remove(el)
    grammar = gexf_grammar()
    assert grammar.validate(doc), grammar.error_log
    # reader 1: lxml, counting the document's own elements; reader 2: networkx
    assert (len(nodes), len(doc.findall(f".//{GEXF}edge"))) == (
        flat.number_of_nodes(),
        flat.number_of_edges(),
    )
    (tmp_path / "g.gexf").write_bytes(data)
    back = nx.read_gexf(tmp_path / "g.gexf")
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        flat.number_of_nodes(),
        flat.number_of_edges(),
    )
    assert "State:KEN" in back and back.nodes["State:KEN"]["label"] == "Kenya"
    weights = [
        d["weight"] for *_e, d in back.edges(data=True) if d.get("relationship") == "FUNDS" and "weight" in d
    ]
    assert weights and all(w > 0 for w in weights)


def test_graphml_is_valid_and_read_back_by_two_readers(flat: nx.MultiDiGraph, tmp_path: Path) -> None:
    data = write(flat, "graphml")
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml-1.0" / "graphml.xsd"), PARSER))
    assert schema.validate(etree.fromstring(data, PARSER)), schema.error_log
    path = tmp_path / "g.graphml"
    path.write_bytes(data)
    back = nx.read_graphml(path)
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        flat.number_of_nodes(),
        flat.number_of_edges(),
    )
    other = igraph.Graph.Read_GraphML(str(path))
    assert (other.vcount(), other.ecount()) == (flat.number_of_nodes(), flat.number_of_edges())
    kenya = back.nodes["State:KEN"]
    assert isinstance(kenya["x"], float) and isinstance(kenya["lat"], float) and kenya["kind"] == "State"


def test_the_other_formats_read_back(small: Store) -> None:
    flat = export_graph(small)
    counts = (flat.number_of_nodes(), flat.number_of_edges())
    back = nx.node_link_graph(json.loads(write(flat, "json")), edges="links")
    assert (back.number_of_nodes(), back.number_of_edges()) == counts
    cy = json.loads(write(flat, "cytoscape"))["elements"]
    assert (len(cy["nodes"]), len(cy["edges"])) == counts
    kenya = next(n for n in cy["nodes"] if n["data"]["id"] == "State:KEN")
    assert kenya["position"]["y"] == -flat.nodes["State:KEN"]["y"] and kenya["data"]["name"] == "Kenya"
    book = openpyxl.load_workbook(io.BytesIO(write(flat, "kumu")), read_only=True)
    elements, connections = (list(book[s].iter_rows(values_only=True)) for s in ("Elements", "Connections"))
    assert elements[0][:4] == ("ID", "Label", "Type", "Description")
    assert connections[0][:6] == ("ID", "From", "To", "Type", "Direction", "Weight")
    assert (len(elements) - 1, len(connections) - 1) == counts


def test_geojson_has_states_as_points_and_projects_as_lines(small: Store) -> None:
    flat = export_graph(small)
    features = json.loads(write(flat, "geojson"))["features"]
    points = {f["id"]: f for f in features if f["geometry"]["type"] == "Point"}
    located = {n for n, d in flat.nodes(data=True) if d["kind"] == "State" and "lat" in d}
    assert set(points) == located
    assert points["State:KEN"]["geometry"]["coordinates"] == [
        flat.nodes["State:KEN"]["lon"],
        flat.nodes["State:KEN"]["lat"],
    ]
    lines = [f for f in features if f["geometry"]["type"] == "LineString"]
    assert lines
    for line in lines[:50]:  # from the funder's home State to the State the project benefits
        p = line["properties"]
        home = flat.nodes[p["funder"]]
        assert line["geometry"]["coordinates"] == [
            [home["home_lon"], home["home_lat"]],
            [flat.nodes[p["state"]]["lon"], flat.nodes[p["state"]]["lat"]],
        ]
        assert flat.has_edge(p["funder"], p["project"]) and flat.has_edge(p["project"], p["state"])


def test_no_personal_data_in_any_format(small: Store) -> None:
    emails = seed_emails()
    names = {e.name for e in generate(1).experts}
    for fmt in FORMATS:
        text = export_bytes(small, fmt).decode("utf-8", "replace") if fmt != "kumu" else ""
        if fmt == "kumu":
            book = openpyxl.load_workbook(io.BytesIO(export_bytes(small, fmt)), read_only=True)
            text = repr([list(ws.iter_rows(values_only=True)) for ws in book])
        assert not [e for e in emails if e in text], fmt
        assert not [n for n in names if n in text], fmt


def test_restricted_needs_follow_the_audience(small: Store) -> None:
    hidden = all_restricted()
    assert found_ids(export_bytes(small, "graphml").decode(), hidden) == hidden
    assert found_ids(export_bytes(NeedView(small, PUBLIC), "graphml").decode(), hidden) == set()
    assert found_ids(export_bytes(NeedView(small, PUBLIC), "gexf", kind="gaps").decode(), hidden) == set()


def test_filters_are_the_maps(small: Store) -> None:
    flat = export_graph(small, state="KEN", as_of="2009-09-01")
    assert [n for n, d in flat.nodes(data=True) if d["kind"] == "State"] == ["State:KEN"]
    projects = [n for n, d in flat.nodes(data=True) if d["kind"] == "Project"]
    assert projects and all(flat.has_edge(p, "State:KEN") for p in projects)
    assert all(flat.nodes[p]["start"] <= "2009-09-01" <= flat.nodes[p]["end"] for p in projects)
    needs = [n for n, d in flat.nodes(data=True) if d["kind"] == "Need"]
    assert needs and all(flat.has_edge("State:KEN", n) for n in needs)
    gaps = export_graph(small, kind="gaps", state="KEN")
    assert {d["kind"] for _n, d in gaps.nodes(data=True)} <= {"State", "Need"}


def test_flat_values_are_plain_and_one_type_per_name() -> None:
    assert flat_value(["a", "b"]) == "a; b" and flat_value([]) is None and flat_value(None) is None
    g = nx.MultiDiGraph()
    g.add_node("a", n=1, t=1)
    g.add_node("b", n=2.5, t="x")
    one_type_per_name(g)
    assert (g.nodes["a"]["n"], g.nodes["a"]["t"]) == (1.0, "1")


def test_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert tacmap("--data-dir", str(data), "seed").returncode == 0
    done = tacmap(
        "--data-dir", str(data), "export", str(tmp_path / "g.gexf"), "--format", "gexf", "--state", "KEN"
    )
    assert done.returncode == 0, done.stderr
    assert nx.read_gexf(tmp_path / "g.gexf").has_node("State:KEN")
    done = tacmap(
        "--data-dir",
        str(data),
        "export",
        str(tmp_path / "m.graphml"),
        "--format",
        "graphml",
        "--map",
        "gaps",
        "--audience",
        "public",
    )
    assert done.returncode == 0 and not found_ids((tmp_path / "m.graphml").read_text(), all_restricted())
    refused = tacmap(
        "--data-dir", str(data), "export", str(tmp_path / "b.zip"), "--format", "zip", "--state", "KEN"
    )
    assert refused.returncode == 2 and "filters apply to the graph formats" in refused.stderr
    assert not (tmp_path / "b.zip").exists()


def test_http(small: Store, tmp_path: Path) -> None:
    api = make_api(small, tmp_path, anonymous_read=True)
    anonymous = api.client.get("/export", params={"format": "graphml"})
    assert anonymous.status_code == 200 and anonymous.headers["content-type"].startswith(
        "application/graphml+xml"
    )
    assert not found_ids(anonymous.text, all_restricted())
    editor = {"Authorization": f"Bearer {api.keys['editor']}"}
    assert found_ids(
        api.client.get("/export", params={"format": "graphml"}, headers=editor).text, all_restricted()
    )
    gaps = api.client.get("/maps/gaps", params={"format": "gexf", "state": "KEN"})
    assert gaps.status_code == 200 and "attachment" in gaps.headers["content-disposition"]
    assert api.client.get("/export", params={"format": "zip"}).status_code == 401
    viewer = {"Authorization": f"Bearer {api.keys['viewer']}"}
    assert api.client.get("/export", params={"format": "zip"}, headers=viewer).status_code == 403
    assert api.client.get("/export", params={"format": "zip"}, headers=editor).status_code == 200
    assert api.client.get("/export", params={"format": "gexf", "state": "XXX"}).status_code == 400


def test_both_stores_export_the_same_graph(store: Store, tmp_path: Path) -> None:
    """The Neo4j store (on the Bolt server the tests start) and the embedded store give one graph."""
    from tests import map_world

    map_world.build(store)
    embedded = EmbeddedStore(tmp_path / "embedded")
    map_world.build(embedded)
    try:
        ours, theirs = export_graph(store), export_graph(embedded)
    finally:
        embedded.close()
    assert ours.number_of_nodes() > 0
    assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True))
    assert sorted(ours.edges(data="relationship")) == sorted(theirs.edges(data="relationship"))
