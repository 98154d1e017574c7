"""Where each node goes: computed here, once, so the browser only draws (physics off).

- A node with ``geo=(lat, lon)`` (a State) sits at that point of the Equal Earth projection
  (Šavrič, Patterson & Jenny 2018), scaled to about 2,400 units wide; States whose circles would touch are
  nudged apart a little (a few passes over a grid), so the map still reads like a map.
- A node with ``home=(lat, lon)`` (a provider with a home State) sits next to that point.
- A node with ``band=True`` (an international organisation) sits in a row below the map.
- Any other node sits next to the mean position of its neighbours placed before it (waves outward from
  the placed nodes), so a need sits by its State and a project between the States it benefits; a node's
  ``near`` attribute (a list of nodes) narrows which neighbours count.

"Next to" means: the first free spot on a sunflower spiral around the anchor point, found with a spatial
grid, so nodes do not overlap (nor cover the labels of the States, providers and networks placed first). Everything is linear in nodes + edges and deterministic (nodes are taken in
sorted order).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping

import networkx as nx
from tacmap.viz.labels import LINE_HEIGHT, short, text_width
from tacmap.viz.style import FONT_SIZE

Point = tuple[float, float]

SCALE = 450.0  # vis units per Equal Earth unit: the world is ~2,436 x 1,186 units
GAP = 4.0  # minimum space between two node outlines
ANCHOR_CELL = 40.0  # anchors within the same cell of this size continue one spiral count
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3.0) / 2.0


def equal_earth(lat: float, lon: float) -> Point:
    """Equal Earth projection of a point, in vis units (x to the east, y to the south)."""
    phi, lam = math.radians(max(-90.0, min(90.0, lat))), math.radians(lon)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return (x * SCALE, -y * SCALE)


class _Grid:
    """Placed discs (and label boxes kept free) in square cells, to find a free spot in constant time."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[float, float, float]]] = defaultdict(list)
        self.boxes: dict[tuple[int, int], list[tuple[float, float, float, float]]] = defaultdict(list)

    def _key(self, x: float, y: float) -> tuple[int, int]:
        return (math.floor(x / self.cell), math.floor(y / self.cell))

    def free(self, x: float, y: float, r: float) -> bool:
        cell, cells, boxes = self.cell, self.cells, self.boxes
        cx, cy = math.floor(x / cell), math.floor(y / cell)
        reach = r + GAP
        for i in (cx, cx - 1, cx + 1):
            for j in (cy, cy - 1, cy + 1):
                for ox, oy, orad in cells.get((i, j), ()):
                    dx, dy, d = ox - x, oy - y, orad + reach
                    if dx * dx + dy * dy < d * d:
                        return False
                for x0, y0, x1, y1 in boxes.get((i, j), ()):
                    if x0 - r < x < x1 + r and y0 - r < y < y1 + r:
                        dx = x0 - x if x < x0 else x - x1 if x > x1 else 0.0
                        dy = y0 - y if y < y0 else y - y1 if y > y1 else 0.0
                        if dx * dx + dy * dy < r * r:
                            return False
        return True

    def reserve(self, box: tuple[float, float, float, float]) -> None:
        """Keep ``box`` (a label) free of nodes placed later."""
        for i in range(math.floor(box[0] / self.cell), math.floor(box[2] / self.cell) + 1):
            for j in range(math.floor(box[1] / self.cell), math.floor(box[3] / self.cell) + 1):
                self.boxes[(i, j)].append(box)

    def add(self, x: float, y: float, r: float) -> None:
        self.cells[self._key(x, y)].append((x, y, r))


def _relax(points: dict[Hashable, Point], radius: Mapping[Hashable, float], rounds: int = 12) -> None:
    """Push apart discs that overlap (in place); a few rounds over a grid, in sorted order."""
    if not points:
        return
    cell = 2 * max(radius[n] for n in points) + GAP
    order = sorted(points, key=repr)
    rank = {n: i for i, n in enumerate(order)}
    for _ in range(rounds):
        grid: dict[tuple[int, int], list[Hashable]] = defaultdict(list)
        for n in order:
            x, y = points[n]
            grid[(math.floor(x / cell), math.floor(y / cell))].append(n)
        moved = False
        for n in order:
            x, y = points[n]
            cx, cy = math.floor(x / cell), math.floor(y / cell)
            for i in (cx - 1, cx, cx + 1):
                for j in (cy - 1, cy, cy + 1):
                    for m in grid.get((i, j), ()):
                        if rank[m] <= rank[n]:
                            continue
                        mx, my = points[m]
                        need = radius[n] + radius[m] + GAP
                        dx, dy = mx - x, my - y
                        d = math.hypot(dx, dy)
                        if d >= need:
                            continue
                        if d < 1e-9:  # same point: split along a fixed direction
                            dx, dy, d = 1.0, 0.0, 1.0
                        push = (need - d) / 2 + 0.01
                        ux, uy = dx / d, dy / d
                        points[n] = (points[n][0] - ux * push, points[n][1] - uy * push)
                        points[m] = (mx + ux * push, my + uy * push)
                        x, y = points[n]
                        moved = True
        if not moved:
            return


def _spiral(grid: _Grid, anchor: Point, r: float, start: int, inner: float) -> tuple[Point, int]:
    """The first free spot on a sunflower spiral around ``anchor``, from index ``start``.

    After a few taken spots the search strides faster outwards (a crowded place is left quickly rather
    than searched spot by spot), which keeps the whole layout close to linear."""
    step = 2 * r + GAP
    k, stride, fails = float(start), 1.0, 0
    while True:
        i = int(k)
        radius = inner + step * 0.62 * math.sqrt(i)
        angle = i * GOLDEN_ANGLE
        x, y = anchor[0] + radius * math.cos(angle), anchor[1] + radius * math.sin(angle)
        if grid.free(x, y, r):
            return (x, y), i + 1
        fails += 1
        if fails > 16:
            stride *= 1.1
        k += stride


def layout(g: nx.Graph, sizes: Mapping[Hashable, float] | None = None) -> dict[Hashable, Point]:
    """Positions ``{node: (x, y)}`` for every node of ``g`` (see the module docstring for the rules).

    ``sizes`` gives each node's radius (default: the node's ``size`` attribute, else 8).

    >>> g = nx.Graph(); g.add_node("KEN", geo=(0.5, 37.9)); g.add_edge("KEN", "need-1")
    >>> pos = layout(g); round(pos["KEN"][0]), pos["need-1"] != pos["KEN"]
    (256, True)
    """
    radius = {n: float((sizes or {}).get(n) or d.get("size") or 8.0) for n, d in g.nodes(data=True)}
    pos: dict[Hashable, Point] = {}
    nodes = sorted(g.nodes, key=repr)
    exact = {n: equal_earth(*g.nodes[n]["geo"]) for n in nodes if g.nodes[n].get("geo")}
    _relax(exact, radius)
    pos.update(exact)
    grid = _Grid(2 * max(radius.values(), default=8.0) + GAP)
    for n, (x, y) in exact.items():
        grid.add(x, y, radius[n])
    next_k: dict[tuple[int, int], int] = defaultdict(int)

    def place(n: Hashable, anchor: Point, inner: float) -> None:
        # anchors close together share where their spirals have got to, so a crowded place is not
        # searched from its centre again for every node (that would make the layout quadratic)
        key = (math.floor(anchor[0] / ANCHOR_CELL), math.floor(anchor[1] / ANCHOR_CELL))
        pos[n], next_k[key] = _spiral(grid, anchor, radius[n], next_k[key], inner)
        grid.add(*pos[n], radius[n])

    homed = [n for n in nodes if n not in pos and g.nodes[n].get("home")]
    for n in homed:
        place(n, equal_earth(*g.nodes[n]["home"]), 2 * radius[n])
    banded = [n for n in nodes if n not in pos and g.nodes[n].get("band")]
    _band(banded, radius, pos, grid)
    for n in list(pos):  # nodes placed by rule keep clear of the labels of the nodes placed so far
        text = short(str(g.nodes[n].get("label") or ""))
        if text:
            half = (text_width(text, FONT_SIZE) + 4) / 2
            x, y = pos[n]
            grid.reserve((x - half, y + radius[n] + 1, x + half, y + radius[n] + 1 + FONT_SIZE * LINE_HEIGHT))
    _waves(g, [n for n in nodes if n not in pos], pos, radius, place)
    rest = [n for n in nodes if n not in pos]
    _band(rest, radius, pos, grid)
    return pos


def _waves(g: nx.Graph, todo: list[Hashable], pos: dict[Hashable, Point], radius, place) -> None:
    """Place ``todo`` wave by wave next to the mean of their already placed neighbours (or of the
    nodes listed in their ``near`` attribute, when any of those is placed)."""
    remaining = set(todo)
    undirected = g.to_undirected(as_view=True) if g.is_directed() else g

    def anchors_of(n: Hashable) -> list[Hashable]:
        near = [m for m in g.nodes[n].get("near") or () if m in pos]
        return near or [m for m in undirected.neighbors(n) if m in pos]

    frontier = sorted((n for n in remaining if anchors_of(n)), key=repr)
    while frontier:
        anchors = {}
        for n in frontier:
            placed = [pos[m] for m in anchors_of(n)]
            anchors[n] = (sum(p[0] for p in placed) / len(placed), sum(p[1] for p in placed) / len(placed))
        for n in frontier:
            place(n, anchors[n], radius[n] + 12.0)
            remaining.discard(n)
        frontier = sorted({m for n in frontier for m in undirected.neighbors(n) if m in remaining}, key=repr)


def _band(
    nodes: Iterable[Hashable], radius: Mapping[Hashable, float], pos: dict[Hashable, Point], grid
) -> None:
    """A row (or rows) below everything placed so far, left to right in the given order."""
    nodes = list(nodes)
    if not nodes:
        return
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    left, right = min(min(xs), -SCALE * 2.0), max(max(xs), SCALE * 2.0)
    step = 2 * max(radius[n] for n in nodes) + 70.0  # room for a label under each
    per_row = max(1, int((right - left) // step))
    top = max(ys) + 90.0
    for i, n in enumerate(nodes):
        row, col = divmod(i, per_row)
        pos[n] = (left + col * step, top + row * 60.0)
        grid.add(*pos[n], radius[n])
