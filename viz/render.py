"""A laid-out graph -> one self-contained HTML page, drawn by vis-network through pyvis.

The node and edge lists are built in one pass and handed to a pyvis ``Network`` (pyvis's own
``add_node``/``add_edge`` slow down quadratically with size); the page is our own template, with the
vis-network script and stylesheet that pyvis ships inlined, so the page makes no network request at all
(pyvis's own template still links Bootstrap from a CDN even with ``cdn_resources="in_line"``). Physics is
off and edges are straight (a pair drawn both ways: two fixed arcs, never "dynamic" edges, which add hidden
nodes): the first picture is the final one.

Everything that comes from the data reaches the page either through Jinja2's autoescaping (HTML) or as
JSON with ``<``, ``>``, ``&`` and ``'`` escaped (``tojson``); vis-network shows tooltips as text, never as
HTML.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyvis
from pyvis.network import Network
from tacmap.i18n import DEFAULT, _, day, direction, ngettext, number, plurals, use
from tacmap.viz import templates
from tacmap.viz.labels import place_labels, short
from tacmap.viz.layout import Point, layout
from tacmap.viz.style import FONT_COLOR, FONT_SIZE, NODE_STYLES, SIZES, LegendEntry, edge_style, node_style

VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
RANKS: dict[str, float] = {
    "Network": 5,
    "Provider": 4,
    "State": 3,
    "Project": 2,
    "Article": 1.5,
    "Need": 1,
    "Expert": 1,
}
EDGE_OPACITY = 0.6
SMALL_MAP = 150  # on bigger maps, needs, articles and experts are named in tooltips and search only
BIG_MAP = 1500  # on bigger maps, projects too (drawing thousands of labels would slow the first picture)
# A resource the browser would fetch from elsewhere: src/href/url()/@import pointing off the page.
REMOTE = re.compile(
    r"""(?:\b(?:src|href|action)\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["']?)(?:https?:)?//""",
    re.IGNORECASE,
)


@dataclass
class MapSpec:
    """What a map shows, before layout.

    ``graph`` nodes are string ids (``"State:KEN"``) with ``kind``, optional ``variant``, ``label`` (short
    name), ``tooltip`` (plain text, several lines), ``search`` (extra words to find it by), ``size``,
    ``rank`` and the placement hints of :func:`tacmap.viz.layout.layout` (``geo``, ``home``, ``band``). Edges have
    ``kind``, ``tooltip`` and optionally ``width`` (drawn) and ``weight`` (US dollars, for exports).
    """

    graph: nx.MultiDiGraph
    title: str
    filters: str
    legend: list[LegendEntry]
    notes: list[str] = field(default_factory=list)
    made: date = field(default_factory=date.today)
    lang: str = DEFAULT  # the language the words above are in; the page chrome follows it


@cache
def _vis_assets() -> tuple[str, str]:
    js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():  # pragma: no cover - would break inlining
        raise RuntimeError("the vis-network assets cannot be inlined as they are")
    for part in (js, css, templates.MAP_PAGE, templates.HOME_PAGE, templates.BASE_CSS, templates.MAP_CSS):
        check_offline(part)  # the page itself (data aside: it is escaped text) fetches nothing
    return js, css


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def _style_key(kind: str, variant: str | None) -> str:
    key = f"{kind}:{variant}"
    return key if key in NODE_STYLES else kind if kind in NODE_STYLES else "Article"


def _groups() -> dict[str, Any]:
    groups = {}
    for key in NODE_STYLES:
        s = node_style(*key.split(":", 1)) if ":" in key else node_style(key)
        colour = {"background": s.color, "border": s.border}
        groups[key] = {
            "shape": s.shape,
            "color": {
                **colour,
                "highlight": {"background": s.color, "border": "#000000"},
                "hover": {"background": s.color, "border": "#000000"},
            },
        }
    return groups


def vis_options(node_count: int) -> dict[str, Any]:
    """vis-network options: no physics, straight edges, hover tooltips, our groups."""
    big = node_count > 1500
    return {
        "autoResize": True,
        "physics": {"enabled": False, "stabilization": {"enabled": False}},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "nodes": {
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "font": {
                "size": FONT_SIZE,
                "face": "Arial, sans-serif",
                "color": FONT_COLOR,
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
        },
        "edges": {
            "smooth": False,
            "color": {"inherit": False},
            "arrows": {"to": {"enabled": False, "scaleFactor": 0.55}},
            "selectionWidth": 2,
            "hoverWidth": 1,
        },
        "groups": _groups(),
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "multiselect": True,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
    }


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _legend_rows(entries: list[LegendEntry]) -> list[dict[str, str]]:
    rows = []
    for e in entries:
        if e.what == "node":
            svg = templates.SHAPES.get(e.shape, templates.SHAPES["dot"]).replace("{c}", e.color)
        else:
            end = 15 if e.arrows else 21
            dash = ' stroke-dasharray="4 3"' if e.dashes else ""
            svg = f'<line x1="1" y1="9" x2="{end}" y2="9" stroke="{e.color}" stroke-width="3"{dash}/>'
            if e.arrows:
                svg += f'<polygon points="14,4 21,9 14,14" fill="{e.color}"/>'
        rows.append({"label": e.label, "svg": svg})
    return rows


def positions(g: nx.MultiDiGraph) -> tuple[dict[Hashable, Point], dict[Hashable, float]]:
    """Where each node of a map goes and its radius: what the page draws, and what an export
    hands to Gephi or Cytoscape so that they open the same picture."""
    sizes = {n: float(d.get("size") or SIZES.get(d.get("kind", ""), 8.0)) for n, d in g.nodes(data=True)}
    return layout(g, sizes), sizes


def graph_data(spec: MapSpec) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The vis-network node and edge lists of a map (positions computed here), built in one pass."""
    g = spec.graph
    pos, sizes = positions(g)
    ranks = {n: float(d.get("rank", RANKS.get(d["kind"], 1))) for n, d in g.nodes(data=True)}
    # the smaller the map, the more kinds of node are named on it (the rest: tooltips and search)
    count = g.number_of_nodes()
    least = 0.0 if count <= SMALL_MAP else 2.0 if count <= BIG_MAP else 3.0
    labels = place_labels(
        {
            n: (*pos[n], sizes[n], short(str(d.get("label") or "")) if ranks[n] >= least else "", ranks[n])
            for n, d in g.nodes(data=True)
        },
        FONT_SIZE,
        {n: str(d["code"]) for n, d in g.nodes(data=True) if d.get("code")},
    )
    nodes = []
    for n in sorted(g.nodes, key=str):
        d = g.nodes[n]
        full = str(d.get("label") or n)
        node: dict[str, Any] = {
            "id": str(n),
            "x": round(pos[n][0], 1),
            "y": round(pos[n][1], 1),
            "size": sizes[n],
            "group": _style_key(d["kind"], d.get("variant")),
            "title": str(d.get("tooltip") or full),
        }
        placed = labels.get(n)
        if placed is not None:
            node["label"] = placed.text
            if placed.vadjust:
                node["font"] = {"vadjust": round(placed.vadjust, 1)}
        if placed is None or placed.text != full:
            node["fullLabel"] = full  # the search shows it; the page reads fullLabel || label
        if d.get("search"):
            node["also"] = str(d["search"])  # more words to find the node by
        nodes.append(node)
    edges = []
    for i, (u, v, d) in enumerate(
        sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]), e[2]["kind"]))
    ):
        s = edge_style(d["kind"])
        edge: dict[str, Any] = {
            "id": f"e{i}",
            "from": str(u),
            "to": str(v),
            "title": str(d.get("tooltip") or _(s.label)),
            "width": round(float(d.get("width") or s.width), 2),
            "color": _rgba(s.color, EDGE_OPACITY),  # one string: cheaper for vis than an object per edge
        }
        if s.dashes:
            edge["dashes"] = True
        if s.arrows:
            edge["arrows"] = "to"
        if g.has_edge(v, u):  # drawn both ways: two arcs side by side, not one line over the other
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2}
        edges.append(edge)
    return nodes, edges


def render(spec: MapSpec) -> str:
    """The map as one HTML page that works offline, in the language of ``spec``."""
    with use(spec.lang):
        return page(spec, *graph_data(spec))


def page(spec: MapSpec, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> str:
    """The HTML page of a map whose vis-network node and edge lists are ready (see :func:`graph_data`)."""
    with use(spec.lang) as chosen:
        return _page(spec, chosen, nodes, edges)


def _page(spec: MapSpec, lang: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> str:
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading=spec.title)
    net.nodes, net.edges = nodes, edges  # one go: no per-node add_node
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.options = vis_options(len(nodes))
    nodes, edges, heading, *_rest = net.get_network_data()
    js, css = _vis_assets()
    counts = _("{nodes}, {lines}").format(
        nodes=ngettext("{count} node", "{count} nodes", len(nodes)).format(count=number(len(nodes))),
        lines=ngettext("{count} line", "{count} lines", len(edges)).format(count=number(len(edges))),
    )
    meta = _("{counts} · made {date} · illustrative unless your store holds official data").format(
        counts=counts, date=day(spec.made)
    )
    text = {
        "find": _("Find"),
        "search": _("State, provider, project…"),
        "clear_search": _("Clear"),
        "empty": _("Nothing to show for these filters."),
        "details": _("Details"),
        "point": _("Point at a node or a line to see what it is; click it to keep the details here."),
        "legend": _("Legend"),
    }
    html = (
        environment()
        .from_string(templates.MAP_PAGE)
        .render(
            lang=lang,
            dir=direction(lang),
            text=text,
            found=plurals("{count} found", "{count} found"),
            title=heading,
            filters=spec.filters,
            meta=meta,
            node_count=len(nodes),
            legend=_legend_rows(spec.legend),
            notes=spec.notes,
            nodes=nodes,
            edges=edges,
            options=net.options,
            base_css=templates.BASE_CSS,
            map_css=templates.MAP_CSS,
            vis_css=css,
            vis_js=js,
        )
    )
    return html


def check_offline(html: str) -> None:
    """Raise if ``html`` would fetch anything from another host (a CDN script or stylesheet).

    Used on the template and the assets, not on pages with data: escaped data text may mention URLs."""
    found = REMOTE.search(html)
    if found:
        raise RuntimeError(
            f"the page links an outside resource near {html[found.start() : found.start() + 80]!r}"
        )
