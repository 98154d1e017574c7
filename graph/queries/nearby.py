"""Gaps next to a provider's own work: what "donors spotting gaps" means (the donor brief).

Not a registry question: it composes two of them, so it holds on both stores without a Cypher twin of
its own. From the provider's presence rows (question 8, live on ``as_of``) it takes the States it works
in and, through the articles of those projects, the (State, article) cells; from the gaps (question 2,
same ``as_of``) it keeps those

1. ``here``: in a State and article where it already works,
2. ``same State``: in a State where it works, another article,
3. ``neighbour``: in another State of the same M49 subregion as one it works in, on an article it
   works on there.

Closest first (``here``, ``same State``, ``neighbour``), then the gaps' own order (priority first).
Contract: ``graph/queries/README.md`` section 9.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tacmap.graph.queries.gaps import Gap
from tacmap.graph.queries.presence import Presence

HERE, SAME_STATE, NEIGHBOUR = "here", "same State", "neighbour"
CLOSENESS = (HERE, SAME_STATE, NEIGHBOUR)


@dataclass(frozen=True, slots=True)
class NearGap:
    """One gap and how close it is to the provider's work; ``next_to`` = the State it works in."""

    gap: Gap
    closeness: str  # here, same State or neighbour
    next_to: str  # ISO3 of the State where the provider works (the gap's own State unless neighbour)


def gaps_near(
    gaps: Iterable[Gap],
    presence: Iterable[Presence],
    articles_of: Mapping[str, Sequence[int]],
    subregion: Callable[[str], str | None],
) -> list[NearGap]:
    """The gaps next to the work described by ``presence`` (one provider's rows), closest first.

    ``articles_of`` maps a project id to its articles; ``subregion`` a State to its M49 subregion
    (None: no neighbours)."""
    cells: dict[str, set[int]] = {}
    for row in presence:
        found = cells.setdefault(row.state, set())
        for project in row.project_ids:
            found.update(articles_of.get(project, ()))
    by_region: dict[str, dict[int, str]] = {}  # subregion -> article -> first State (sorted) working it
    for state in sorted(cells):
        region = subregion(state)
        if region is not None:
            for article in cells[state]:
                by_region.setdefault(region, {}).setdefault(article, state)
    tiers: dict[str, list[NearGap]] = {c: [] for c in CLOSENESS}
    for gap in gaps:
        if gap.state in cells:
            closeness = HERE if gap.article in cells[gap.state] else SAME_STATE
            tiers[closeness].append(NearGap(gap, closeness, gap.state))
            continue
        region = subregion(gap.state)
        near = by_region.get(region, {}).get(gap.article) if region is not None else None
        if near is not None:
            tiers[NEIGHBOUR].append(NearGap(gap, NEIGHBOUR, near))
    return [g for c in CLOSENESS for g in tiers[c]]
