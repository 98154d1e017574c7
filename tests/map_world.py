"""The hand-built world of the map tests (fast and browser), with what each map must show of it.

Kenya (KEN) and Ghana (GHA) are in network N1. Two projects of different funders do the same thing in
Kenya in 2024 (an overlap); a third, with a hostile title and a hostile funder name, covers Ghana's need;
a fourth is cancelled. Kenya's need is a near miss (projects on the article, not in that form), Nigeria's
a plain gap, Ghana's covered. Ghana (compliant on article 5) can help Kenya, and Kenya (compliant on 6)
Ghana: a reciprocal pairing. An expert with personal data is recommended by Kenya.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from tacmap.graph.schema.models import Expert, Implementation, Provider
from tacmap.graph.store import EmbeddedStore
from tacmap.graph.store.base import Store

from tests.worlds import bundle, load, need, project

AS_OF = date(2024, 6, 1)
XSS_TITLE = "<script>alert(1)</script>"
XSS_NAME = "<img src=x onerror=alert(1)>"
EMAIL = "secret.person@example.org"
EXPERT_NAME = "Secretia Personne"

# kind -> (nodes, edges) the map must show (filters: as_of=AS_OF for the question maps)
EXPECTED: dict[str, tuple[int, int]] = {
    # States KEN, GHA; providers P1, P2, evil; network N1 | funds P1-KEN, P2-KEN, evil-GHA; 2 memberships
    "coordination": (6, 5),
    # projects X1, X2; State KEN; funders P1, P2 | 2 benefits, 2 funds, 1 overlap
    "overlaps": (5, 5),
    # States KEN, GHA, NGA and their three needs | 3 has_need
    "gaps": (6, 3),
    # GHA and KEN | GHA -> KEN and KEN -> GHA, both reciprocal
    "pairings": (2, 2),
    # see test_maps.test_ego_counts for the walk
    "ego": (12, 14),
}
EGO_NODE = "State:KEN"


def build(store: Store) -> None:
    """Write the world into ``store``."""
    providers = [
        Provider(id="P1", name="First Donor Agency (FDA)", kind="bilateral", country="GBR"),
        Provider(id="P2", name="Second Fund", kind="multilateral"),
        Provider(id="evil", name=XSS_NAME, kind="ngo"),
    ]
    projects = [
        project(
            "X1", funders=["P1"], states=["KEN"], articles=[5], forms=["capacity_building"], budget=400_000
        ),
        project(
            "X2",
            funders=["P2"],
            states=["KEN"],
            articles=[5],
            forms=["capacity_building"],
            budget=100_000,
            start="2024-03-01",
            end="2025-02-28",
        ),
        project("X3", funders=["evil"], states=["GHA"], articles=[6], budget=50_000, title=XSS_TITLE),
        project("X4", funders=["P1"], states=["NGA"], articles=[12], status="cancelled"),
    ]
    needs = [
        need("n-ken-5", "KEN", 5, "legislative_drafting", "high"),
        need("n-gha-6", "GHA", 6, "capacity_building", "medium"),
        need("n-nga-12", "NGA", 12, "technology", "low"),
    ]
    experts = [
        Expert(
            id="E1",
            name=EXPERT_NAME,
            nationality="KEN",
            articles=[12],
            languages=["en"],
            gender="female",
            email=EMAIL,
            recommended_by="KEN",
        ),
    ]
    implementation = [
        Implementation(state="GHA", article=5, status="compliant"),
        Implementation(state="KEN", article=6, status="compliant"),
        Implementation(state="NGA", article=5, status="partial"),
    ]
    load(
        store,
        bundle(
            projects=projects,
            needs=needs,
            networks={"N1": ["KEN", "GHA"]},
            implementation=implementation,
            experts=experts,
            providers=providers,
        ),
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """This world in an embedded store, once per test module (import it into the module to use it)."""
    store = EmbeddedStore(tmp_path_factory.mktemp("world") / "data")
    build(store)
    yield store
    store.close()
