"""How things look: one colour-blind-safe palette, a shape per node kind, and the legend.

Colours are the Okabe–Ito palette (Okabe & Ito, *Color Universal Design*, 2008), distinguishable by
readers with the common forms of colour blindness; every node kind also has its own shape and every edge
kind its own width or dash pattern, so no meaning rests on colour alone.

A map names a node by its ``kind`` (``State``, ``Provider``, …) and, where the kind has variants, a
``variant`` (a need is ``covered``, ``gap`` or ``near_miss``); an edge by its ``kind`` (``funds``, …).
"""

from __future__ import annotations

from dataclasses import dataclass

from tacmap.i18n import N_, _

# Okabe–Ito
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#8C8C8C"


@dataclass(frozen=True)
class NodeStyle:
    label: str  # what the legend says, in English (translated where it is shown)
    color: str
    shape: str  # a vis-network shape with the label below it
    border: str = BLACK


@dataclass(frozen=True)
class EdgeStyle:
    label: str
    color: str
    width: float = 1.5
    dashes: bool = False
    arrows: bool = False


NODE_STYLES: dict[str, NodeStyle] = {
    "State": NodeStyle(N_("State (placed at its centroid)"), BLUE, "dot"),
    "Provider": NodeStyle(N_("Provider (donor or agency)"), ORANGE, "square"),
    "Network": NodeStyle(N_("Network"), REDDISH_PURPLE, "diamond"),
    "Project": NodeStyle(N_("Project"), SKY_BLUE, "triangle"),
    "Need": NodeStyle(N_("Need"), GREY, "dot"),
    "Need:covered": NodeStyle(N_("Need covered by a live project"), BLUISH_GREEN, "dot"),
    "Need:near_miss": NodeStyle(N_("Gap, with a near miss (a project came close)"), YELLOW, "dot"),
    "Need:gap": NodeStyle(N_("Gap (no project covers it)"), VERMILLION, "dot"),
    "Article": NodeStyle(N_("UNCAC article"), GREY, "hexagon"),
    "Expert": NodeStyle(N_("Roster expert (no personal data shown)"), BLACK, "star"),
    "Project:overlapping": NodeStyle(N_("Project in a possible duplication"), VERMILLION, "triangle"),
}

EDGE_STYLES: dict[str, EdgeStyle] = {
    "funds": EdgeStyle(N_("Funding (width by budget)"), ORANGE, 2.0, arrows=True),
    "member_of": EdgeStyle(N_("Network membership"), REDDISH_PURPLE, 1.0, dashes=True),
    "benefits": EdgeStyle(N_("Project benefits State"), SKY_BLUE, 1.5, arrows=True),
    "implemented_by": EdgeStyle(N_("Implemented by"), GREY, 1.0, dashes=True, arrows=True),
    "overlap": EdgeStyle(N_("Possible duplication (shared State, article and period)"), VERMILLION, 4.0),
    "has_need": EdgeStyle(N_("State has need"), GREY, 1.0),
    "pairing": EdgeStyle(
        N_("South–South pairing: peer can help the requesting State"), BLUISH_GREEN, 2.5, arrows=True
    ),
    "reciprocal": EdgeStyle(
        N_("Reciprocal pairing: each can help the other"), BLUE, 3.0, dashes=True, arrows=True
    ),
    "link": EdgeStyle(N_("Other relationship"), GREY, 1.0),
    "on_article": EdgeStyle(N_("On article"), GREY, 1.0, dashes=True),
    "addresses": EdgeStyle(N_("Addresses article"), GREY, 1.0, dashes=True),
    "reported": EdgeStyle(N_("Reported on article"), GREY, 1.0, dashes=True),
    "based_in": EdgeStyle(N_("Based in"), ORANGE, 1.0, dashes=True),
    "through": EdgeStyle(N_("Through network"), REDDISH_PURPLE, 1.0, dashes=True),
    "national_of": EdgeStyle(N_("National of"), BLACK, 1.0, dashes=True),
    "expert_in": EdgeStyle(N_("Expert on article"), BLACK, 1.0, dashes=True),
    "recommended": EdgeStyle(N_("Recommended expert"), BLACK, 1.0),
}

# Node sizes (vis units: the radius of a dot). The map is about 2,400 units wide and opens at about half
# size on a laptop screen.
SIZES: dict[str, float] = {
    "State": 15.0,
    "Provider": 16.0,
    "Network": 17.0,
    "Project": 11.0,
    "Need": 8.0,
    "Article": 9.0,
    "Expert": 9.0,
}
PRIORITY_SIZES: dict[str | None, float] = {"high": 10.0, "medium": 7.0, "low": 4.5, None: 6.0}
# Labels scale with the zoom like everything else; a whole-world map opens at about half size, so 20
# map units make about 10 screen pixels.
FONT_SIZE = 20.0
FONT_COLOR = "#1a1a1a"


def node_style(kind: str, variant: str | None = None) -> NodeStyle:
    """The style of a node kind (and variant, when it has one)."""
    return NODE_STYLES.get(f"{kind}:{variant}") or NODE_STYLES.get(kind) or NODE_STYLES["Article"]


def edge_style(kind: str) -> EdgeStyle:
    return EDGE_STYLES.get(kind, EDGE_STYLES["link"])


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend: a node (shape + colour) or an edge (line + colour + dashes)."""

    what: str  # "node" or "edge"
    label: str
    color: str
    shape: str = "dot"
    dashes: bool = False
    arrows: bool = False


def legend(node_keys: list[str], edge_kinds: list[str]) -> list[LegendEntry]:
    """Legend entries for the node kinds (``"Need:gap"`` for a variant) and edge kinds a map shows, in the
    current language."""
    entries = []
    for key in node_keys:
        s = NODE_STYLES[key]
        entries.append(LegendEntry("node", _(s.label), s.color, s.shape))
    for kind in edge_kinds:
        e = edge_style(kind)
        entries.append(LegendEntry("edge", _(e.label), e.color, dashes=e.dashes, arrows=e.arrows))
    return entries
