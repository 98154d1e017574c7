"""Maps without a browser: offline, escaped, no personal data, the right nodes and edges on both stores,
labels that do not overlap, plain errors, the command line and the home page."""

from __future__ import annotations

import json
import re
from itertools import combinations
from pathlib import Path

import pytest
from tacmap.graph.schema import mapping
from tacmap.graph.store import EmbeddedStore, Store
from tacmap.viz.filters import KINDS, MapError, UnknownNode
from tacmap.viz.home import home_page
from tacmap.viz.labels import LINE_HEIGHT, text_width
from tacmap.viz.maps import build_map, map_spec
from tacmap.viz.render import REMOTE, graph_data
from tacmap.viz.style import FONT_SIZE
from typer.testing import CliRunner

from tests import map_world
from tests.map_world import AS_OF, EGO_NODE, EMAIL, EXPECTED, EXPERT_NAME, XSS_NAME, XSS_TITLE

# A resource the page would load from a URL: <script src>, <link href>, <img src>… (inline data: is fine).
RESOURCE = re.compile(
    r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*\b(?:src|href|data)\s*=\s*(?!["']?data:)""",
    re.IGNORECASE,
)


def options_for(kind: str) -> dict[str, object]:
    return {"node": EGO_NODE} if kind == "ego" else {"as_of": AS_OF}


@pytest.fixture
def world(store: Store) -> Store:
    map_world.build(store)
    return store


@pytest.fixture(scope="module")
def embedded_world(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The hand-built world in one embedded store, for what does not depend on the store (the maps of
    both stores are compared once, in test_both_stores_give_the_same_map)."""
    store = EmbeddedStore(tmp_path_factory.mktemp("world") / "data")
    map_world.build(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The illustrative seed world (scale 1) in an embedded store."""
    from tacmap.seed.generate import generate

    store = EmbeddedStore(tmp_path_factory.mktemp("seed") / "data")
    store.write(mapping.to_changes(generate(1)))
    yield store
    store.close()


def data(spec) -> tuple[list[dict], list[dict]]:
    return graph_data(spec)


@pytest.mark.parametrize("kind", KINDS)
def test_counts_per_kind(world: Store, kind: str) -> None:
    spec = map_spec(world, kind, **options_for(kind))
    assert (spec.graph.number_of_nodes(), spec.graph.number_of_edges()) == EXPECTED[kind]
    nodes, edges = data(spec)
    assert (len(nodes), len(edges)) == EXPECTED[kind]
    html = build_map(world, kind, **options_for(kind))
    assert f"{EXPECTED[kind][0]} node" in html and f"{EXPECTED[kind][1]} line" in html


def test_gap_variants_and_pairings_style(world: Store) -> None:
    gaps = map_spec(world, "gaps", as_of=AS_OF).graph
    assert {n: d["variant"] for n, d in gaps.nodes(data=True) if d["kind"] == "Need"} == {
        "Need:n-ken-5": "near_miss",
        "Need:n-gha-6": "covered",
        "Need:n-nga-12": "gap",
    }
    assert (
        gaps.nodes["Need:n-ken-5"]["size"]
        > gaps.nodes["Need:n-gha-6"]["size"]
        > gaps.nodes["Need:n-nga-12"]["size"]
    )
    pairs = map_spec(world, "pairings", as_of=AS_OF).graph
    assert sorted((u, v, d["kind"]) for u, v, d in pairs.edges(data=True)) == [
        ("State:GHA", "State:KEN", "reciprocal"),
        ("State:KEN", "State:GHA", "reciprocal"),
    ]
    _, drawn = data(map_spec(world, "pairings", as_of=AS_OF))
    assert [e["smooth"]["type"] for e in drawn] == ["curvedCW", "curvedCW"]  # two arcs, not one line twice
    overlap = [
        d
        for _, _, d in map_spec(world, "overlaps", as_of=AS_OF).graph.edges(data=True)
        if d["kind"] == "overlap"
    ]
    assert len(overlap) == 1
    assert "article 5" in overlap[0]["tooltip"] and "days together" in overlap[0]["tooltip"]


def test_ego_counts(world: Store) -> None:
    """Kenya; one step: X1, X2 (benefit it), N1, its need, article 6 (reported), expert E1; two steps: P1,
    P2 (fund X1, X2), article 5 (X1, X2, the need), Ghana (N1), article 12 (E1). Articles are not walked
    through, and an edge between two nodes both two steps away (Ghana reported on article 5) is out."""
    g = map_spec(world, "ego", node=EGO_NODE).graph
    assert sorted(g.nodes) == sorted(
        [
            "State:KEN",
            "Project:X1",
            "Project:X2",
            "Network:N1",
            "Need:n-ken-5",
            "Article:6",
            "Expert:E1",
            "Provider:P1",
            "Provider:P2",
            "Article:5",
            "State:GHA",
            "Article:12",
        ]
    )
    assert not g.has_edge("State:GHA", "Article:5")


@pytest.mark.parametrize("kind", KINDS)
def test_page_is_offline_escaped_and_private(world: Store, kind: str) -> None:
    html = build_map(world, kind, **options_for(kind))
    # offline: vis-network inlined, nothing loaded from a URL, pyvis's CDN links gone
    assert "vis.Network" in html and "<style>" in html
    assert not REMOTE.search(html)
    for tag in RESOURCE.finditer(html):
        pytest.fail(f"the page loads a resource: {html[tag.start() : tag.start() + 120]!r}")
    for host in ("jsdelivr", "cdnjs", "cloudflare", "unpkg", "bootstrap"):
        assert host not in html.lower()
    # escaped: hostile text never reaches the page as markup
    assert XSS_TITLE not in html and XSS_NAME not in html and "alert(1)</script>" not in html
    # private: no expert's name or e-mail
    assert EMAIL not in html and EXPERT_NAME not in html


def test_hostile_text_appears_escaped(embedded_world: Store) -> None:
    coordination = build_map(embedded_world, "coordination", provider="evil")
    assert "&lt;img src=x onerror=alert(1)&gt;" in coordination  # the title line, HTML-escaped
    assert json.dumps(XSS_NAME).replace("<", "\\u003c").replace(">", "\\u003e") in coordination  # JSON
    ego = build_map(embedded_world, "ego", node="State:GHA")
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in ego  # the project's title, as JSON text


def test_no_seed_email_in_any_map(seeded: Store) -> None:
    bundle = seeded.export()
    emails = [e.email for e in bundle.experts if e.email]
    names = [e.name for e in bundle.experts]
    recommending = sorted({e.recommended_by for e in bundle.experts if e.recommended_by})[:3]
    pages = [build_map(seeded, kind) for kind in KINDS if kind != "ego"]
    pages += [build_map(seeded, "ego", node=f"State:{s}") for s in recommending]
    pages.append(home_page(seeded))
    assert emails and names
    for html in pages:
        assert "@example.org" not in html
        assert not [e for e in emails if e in html]
        assert not [n for n in names if n in html]


def _boxes(nodes: list[dict]) -> list[tuple[float, float, float, float]]:
    """Label boxes the way vis draws them: centred under the node (or above, by vadjust)."""
    out = []
    for n in nodes:
        if not n.get("label"):
            continue
        width = text_width(n["label"], FONT_SIZE)
        top = n["y"] + n["size"] + 1 + n.get("font", {}).get("vadjust", 0)
        out.append((n["x"] - width / 2, top, n["x"] + width / 2, top + FONT_SIZE * LINE_HEIGHT))
    return out


@pytest.mark.parametrize(
    "kind,filters",
    [("coordination", {}), ("overlaps", {}), ("gaps", {"group": "african"}), ("ego", {"node": "State:KEN"})],
)
def test_labels_do_not_overlap(seeded: Store, kind: str, filters: dict) -> None:
    nodes, _ = data(map_spec(seeded, kind, **filters))
    assert len(nodes) > 0  # the rule holds at any size; the spec asks for it up to 300 nodes
    boxes = _boxes(nodes)
    assert len(boxes) >= min(10, len(nodes) // 4)  # a fair share of the nodes is named
    clashes = [
        (a, b)
        for a, b in combinations(boxes, 2)
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]
    assert not clashes


def test_states_sit_where_they_are(seeded: Store) -> None:
    nodes = {n["id"]: n for n in data(map_spec(seeded, "coordination"))[0]}
    west, east = nodes["State:BRA"], nodes["State:IDN"]
    north, south = nodes["State:NOR"], nodes["State:ZAF"]
    assert west["x"] < nodes["State:KEN"]["x"] < east["x"]
    assert north["y"] < nodes["State:KEN"]["y"] < south["y"]  # y grows southwards on screen


def test_layout_is_deterministic_and_nodes_do_not_overlap(embedded_world: Store) -> None:
    first, again = (
        data(map_spec(embedded_world, "ego", node=EGO_NODE)),
        data(map_spec(embedded_world, "ego", node=EGO_NODE)),
    )
    assert first == again
    for a, b in combinations(first[0], 2):
        assert (a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2 >= (a["size"] + b["size"]) ** 2


def test_tooltips_are_plain_language(embedded_world: Store) -> None:
    nodes, edges = data(map_spec(embedded_world, "coordination"))
    by_id = {n["id"]: n for n in nodes}
    assert by_id["State:KEN"]["title"].startswith("Kenya (KEN)")
    assert "Based in United Kingdom" in by_id["Provider:P1"]["title"]
    funding = next(e for e in edges if e["from"] == "Provider:P1")
    assert funding["title"].startswith("FDA funds 1 project benefiting Kenya")
    assert "USD 400,000" in funding["title"]


def test_filters_narrow_the_map(embedded_world: Store) -> None:
    only_ghana = map_spec(embedded_world, "coordination", state="GHA").graph
    assert {n for n in only_ghana if n.startswith("State:")} == {"State:GHA"}
    assert "Provider:P1" not in only_ghana
    only_p2 = map_spec(embedded_world, "coordination", provider="P2").graph
    assert sorted((u, v) for u, v in only_p2.edges()) == [
        ("Provider:P2", "State:KEN"),
        ("State:KEN", "Network:N1"),
    ]
    african = map_spec(embedded_world, "gaps", group="african", as_of=AS_OF).graph
    assert african.number_of_nodes() == 6
    assert map_spec(embedded_world, "gaps", article=12, as_of=AS_OF).graph.number_of_nodes() == 2
    title = build_map(embedded_world, "coordination", state="KEN", article=5)
    assert "State: Kenya (KEN)" in title and "article 5 (" in title


@pytest.mark.parametrize(
    "kind,filters,error,words",
    [
        ("roads", {}, MapError, "coordination, overlaps, gaps, pairings, ego"),
        ("ego", {}, MapError, "State:KEN"),
        ("ego", {"node": "State:XXX"}, UnknownNode, "no State 'XXX'"),
        ("ego", {"node": "Expert:E1"}, MapError, "not 'Expert'"),
        ("coordination", {"state": "KEM"}, MapError, "did you mean KEN"),
        ("coordination", {"group": "africa"}, MapError, "did you mean african"),
        ("coordination", {"article": 99}, MapError, "from 1 to 71"),
        ("coordination", {"provider": "nobody"}, MapError, "no provider"),
        ("coordination", {"as_of": "yesterday"}, MapError, "like 2009-09-01"),
    ],
)
def test_plain_errors(embedded_world: Store, kind: str, filters: dict, error: type, words: str) -> None:
    with pytest.raises(error, match=re.escape(words)):
        build_map(embedded_world, kind, **filters)


def test_empty_map_says_so(embedded_world: Store) -> None:
    html = build_map(embedded_world, "overlaps", state="NGA")
    assert "Nothing to show for these filters." in html and "0 nodes" in html


def test_home_page(embedded_world: Store) -> None:
    html = home_page(embedded_world, as_of=AS_OF)
    assert not REMOTE.search(html) and not RESOURCE.search(html)
    numbers = dict(re.findall(r'<li id="([a-z-]+)"><span class="value">([^<]+)</span>', html))
    assert numbers == {"states-with-needs": "3", "coverage": "33 %", "overlap-pairs": "1", "orphans": "1"}
    assert "a need covered only through inferred articles counts as covered" in html  # which coverage it is
    for path in (
        "/maps/coordination?as_of=2024-06-01",
        "/maps/gaps?as_of=2024-06-01",
        "/overlaps?as_of=2024-06-01",
        "/gaps?",
        "/matrix?",
        "/orphans?",
        "/pairings?",
        "/states",
        "/docs",
    ):
        assert f'href="{path}' in html
    assert 'action="/maps/ego"' in html and 'action="/"' in html
    assert XSS_NAME not in html and "&lt;img src=x onerror=alert(1)&gt;" in html  # provider list, escaped


def test_command_line_writes_a_map(tmp_path: Path) -> None:
    import tacmap.api.cli.maps  # noqa: F401 - registers `tacmap map`
    from tacmap.api.cli import app

    data_dir = tmp_path / "data"
    with EmbeddedStore(data_dir) as store:
        map_world.build(store)
    out = tmp_path / "maps" / "ego.html"
    runner = CliRunner()
    result = runner.invoke(
        app, ["--data-dir", str(data_dir), "map", "ego", "--node", "State:KEN", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "12 nodes, 14 lines" in out.read_text(encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "--data-dir",
            str(data_dir),
            "map",
            "gaps",
            "--as-of",
            "2024-06-01",
            "--group",
            "african",
            "-o",
            str(tmp_path / "gaps.html"),
        ],
    )
    assert result.exit_code == 0, result.output
    bad = runner.invoke(
        app, ["--data-dir", str(data_dir), "map", "ego", "--node", "State:XXX", "-o", str(out)]
    )
    assert bad.exit_code != 0 and isinstance(bad.exception, UnknownNode)


@pytest.fixture
def both(tmp_path: Path, neo4j_store_session: Store) -> list[Store]:
    """The hand-built world in an embedded store and in the Neo4j store."""
    embedded = EmbeddedStore(tmp_path / "embedded")
    neo4j_store_session.clear()
    for s in (embedded, neo4j_store_session):
        map_world.build(s)
    yield [embedded, neo4j_store_session]
    embedded.close()


@pytest.mark.parametrize("kind", KINDS)
def test_both_stores_give_the_same_map(both: list[Store], kind: str) -> None:
    embedded, neo4j = (data(map_spec(s, kind, **options_for(kind))) for s in both)
    assert embedded == neo4j


def test_titles_that_mention_urls_stay_text(tmp_path: Path) -> None:
    """Data may name URLs (a hostile title that tries to load a script): the map still draws, as text."""
    from tests.worlds import bundle, load, project

    hostile = '<script src="https://evil.example/x.js"></script>'
    with EmbeddedStore(tmp_path / "data") as store:
        load(
            store,
            bundle(projects=[project("X1", title=hostile), project("X2", funders=["P2"], title="Twin")]),
        )
        html = build_map(store, "overlaps", as_of=AS_OF)
    assert hostile not in html and "\\u003cscript src=" in html
    assert not RESOURCE.search(html)


def test_no_physics_and_no_dynamic_edges(embedded_world: Store) -> None:
    from tacmap.viz.render import vis_options

    options = vis_options(100)
    assert options["physics"]["enabled"] is False and options["edges"]["smooth"] is False
    assert options["layout"]["improvedLayout"] is False
    for kind in KINDS:
        nodes, edges = data(map_spec(embedded_world, kind, **options_for(kind)))
        assert all("x" in n and "y" in n for n in nodes)
        assert not [e for e in edges if e.get("smooth", {}).get("type") == "dynamic"]
