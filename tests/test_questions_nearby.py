"""Gaps next to a provider's work (graph/queries/nearby.py, README section 9): against a brute-force
oracle on random worlds, and on the seed through the two questions it composes."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from tacmap.graph.queries.gaps import Gap
from tacmap.graph.queries.nearby import CLOSENESS, HERE, NEIGHBOUR, SAME_STATE, gaps_near
from tacmap.graph.queries.presence import Presence

DAY = date(2009, 9, 1)
STATES = ["KEN", "UGA", "TZA", "NGA", "GHA", "FRA"]
REGION = {"KEN": "East", "UGA": "East", "TZA": "East", "NGA": "West", "GHA": "West", "FRA": None}


def gap(i: int, state: str, article: int) -> Gap:
    return Gap(f"n{i}", state, None, None, article, None, None, "legal_advice", "high", None, DAY, [])


def presence(state: str, projects: list[str]) -> Presence:
    return Presence("p", None, state, None, None, len(projects), len(projects), 0, 0.0, 0, projects, DAY)


def oracle(
    gaps: list[Gap], rows: list[Presence], articles: dict[str, list[int]]
) -> list[tuple[str, str, str]]:
    """Every gap tried against every cell of the provider's work, the closest kept."""
    cells = {(r.state, a) for r in rows for p in r.project_ids for a in articles.get(p, [])}
    states = {r.state for r in rows}
    found = []
    for g in gaps:
        if (g.state, g.article) in cells:
            found.append((g.need, HERE, g.state))
        elif g.state in states:
            found.append((g.need, SAME_STATE, g.state))
        else:
            near = sorted(
                s
                for s, a in cells
                if a == g.article and REGION[s] is not None and REGION[s] == REGION[g.state]
            )
            if near:
                found.append((g.need, NEIGHBOUR, near[0]))
    return sorted(found, key=lambda t: CLOSENESS.index(t[1]))  # stable: the gaps' order within a tier


worlds = st.tuples(
    st.lists(st.tuples(st.sampled_from(STATES), st.integers(5, 8)), max_size=12),
    st.lists(
        st.tuples(st.sampled_from(STATES), st.lists(st.sampled_from(["x", "y", "z"]), max_size=3)), max_size=4
    ),
    st.dictionaries(st.sampled_from(["x", "y", "z"]), st.lists(st.integers(5, 8), max_size=3)),
)


@settings(max_examples=300, deadline=None)
@given(worlds)
def test_matches_brute_force(
    world: tuple[list[tuple[str, int]], list[tuple[str, list[str]]], dict[str, list[int]]],
) -> None:
    cells, present, articles = world
    gaps = [gap(i, s, a) for i, (s, a) in enumerate(cells)]
    rows = [presence(s, ps) for s, ps in present]
    got = [(n.gap.need, n.closeness, n.next_to) for n in gaps_near(gaps, rows, articles, REGION.get)]
    assert got == oracle(gaps, rows, articles)


def test_a_state_without_subregion_has_no_neighbours() -> None:
    rows = [presence("FRA", ["x"])]
    assert gaps_near([gap(1, "KEN", 5)], rows, {"x": [5]}, REGION.get) == []
    assert [
        n.closeness for n in gaps_near([gap(1, "UGA", 5)], [presence("KEN", ["x"])], {"x": [5]}, REGION.get)
    ] == [NEIGHBOUR]
