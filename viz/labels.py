"""Which labels to draw, and where, so that no two labels overlap.

vis-network draws a node's label centred under it, scaled with the zoom like everything else; so labels
that do not overlap in map units do not overlap at any zoom. Nodes are taken by importance (rank, then
size); each label tries below its node, then above it, then the same with a shorter code (a State's ISO3);
a label with no free spot is not drawn (it stays in
the tooltip, the details panel and the search). Labels do not cover other nodes either. A spatial grid keeps
this linear.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

LINE_HEIGHT = 1.25
# Width of each character in font sizes, as Chromium draws "Arial, sans-serif" where Arial is missing
# (DejaVu Sans, wider than Arial for every character): an estimate that errs on the wide side.
_WIDTHS: dict[str, float] = {
    ch: width
    for width, chars in (
        (0.28, "'ijl"),
        (0.30, "IJ"),
        (0.32, " ,."),
        (0.34, "/:;\\|"),
        (0.36, "f"),
        (0.37, "-"),
        (0.40, "()[]t"),
        (0.41, "!"),
        (0.42, "r"),
        (0.46, '"'),
        (0.50, "*_`"),
        (0.53, "sz"),
        (0.54, "?"),
        (0.55, "c"),
        (0.56, "L"),
        (0.58, "Fk"),
        (0.60, "vxy"),
        (0.61, "P"),
        (0.62, "TYaeo"),
        (0.64, "$0123456789ESbdghnpqu{}"),
        (0.66, "K"),
        (0.69, "ABVXZ"),
        (0.70, "CR"),
        (0.74, "U"),
        (0.75, "N"),
        (0.76, "H"),
        (0.78, "&DG"),
        (0.79, "OQ"),
        (0.82, "w"),
        (0.84, "#+<=>^~"),
        (0.87, "M"),
        (0.96, "%"),
        (0.98, "m"),
        (0.99, "W"),
        (1.0, "@…"),
    )
    for ch in chars
}
MAX_CHARS = 28
ALWAYS = 10.0  # a node of this priority or more (the centre of an ego map) always has its label


@dataclass(frozen=True)
class Placed:
    """Where a node's label goes: ``vadjust`` as vis-network takes it (0 = below the node)."""

    text: str
    vadjust: float


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def short(text: str, limit: int = MAX_CHARS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_width(text: str, font_size: float) -> float:
    """The width of ``text`` drawn at ``font_size`` (see ``_WIDTHS``; accents ignored, other scripts wide)."""
    total = 0.0
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        total += _WIDTHS.get(base, 1.0 if ord(base) >= 0x2E80 else 0.8)
    return total * font_size


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    nodes: Mapping[Hashable, tuple[float, float, float, str, float]],
    font_size: float,
    codes: Mapping[Hashable, str] | None = None,
) -> dict[Hashable, Placed]:
    """Labels that fit: ``nodes`` maps a node to ``(x, y, radius, text, priority)``; ``codes`` gives a
    shorter name to try when the text does not fit (a State's ISO3 code).

    Returns the nodes whose label is drawn, with the text and the vertical adjustment for vis-network.
    """
    height = font_size * LINE_HEIGHT
    cell = 160.0
    grid: dict[tuple[int, int], list[Box]] = defaultdict(list)
    placed: dict[Hashable, Placed] = {}

    def free(box: Box) -> bool:
        for i in range(math.floor(box[0] / cell), math.floor(box[2] / cell) + 1):
            for j in range(math.floor(box[1] / cell), math.floor(box[3] / cell) + 1):
                if any(_overlaps(box, other) for other in grid.get((i, j), ())):
                    return False
        return True

    def add(box: Box) -> None:
        for i in range(math.floor(box[0] / cell), math.floor(box[2] / cell) + 1):
            for j in range(math.floor(box[1] / cell), math.floor(box[3] / cell) + 1):
                grid[(i, j)].append(box)

    def spots(x: float, y: float, r: float, text: str) -> list[tuple[Box, float]]:
        width = text_width(text, font_size) + 4
        below: Box = (x - width / 2, y + r + 1, x + width / 2, y + r + 1 + height)
        shift = -(2 * r + height + 4)
        return [(below, 0.0), ((below[0], below[1] + shift, below[2], below[3] + shift), shift)]

    for x, y, r, _, _ in nodes.values():  # no label over another node
        add((x - r, y - r, x + r, y + r))
    order = sorted(nodes, key=lambda n: (-nodes[n][4], -nodes[n][2], repr(n)))
    for n in order:
        x, y, r, text, priority = nodes[n]
        if not text:
            continue
        texts = [text] + ([codes[n]] if codes and codes.get(n) and codes[n] != text else [])
        for candidate in texts:
            spot = next(((box, shift) for box, shift in spots(x, y, r, candidate) if free(box)), None)
            if spot is not None:
                add(spot[0])
                placed[n] = Placed(candidate, spot[1])
                break
        else:
            if priority >= ALWAYS:  # taken first: it can only cover other nodes, never a label
                box, shift = spots(x, y, r, text)[0]
                add(box)
                placed[n] = Placed(text, shift)
    return placed
