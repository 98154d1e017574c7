"""Question 8, presence (who works where): a hand-built world on both stores, the seed on both
stores, and random worlds against a direct reference (graph/queries/README.md section 8)."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from tacmap.graph.queries import presence as pq
from tacmap.graph.queries.presence import presence
from tacmap.graph.schema.models import Bundle
from tacmap.graph.store import EmbeddedStore

from tests.worlds import SEED_AS_OF, canonical, group_of, reset, seed_bundle, small_worlds, supply, world
from tests.worlds import project as P

AS_OF = "2024-06-01"


def ref_presence(data: Bundle, as_of: date, article: int | None = None) -> dict[tuple[str, str], dict]:
    """(provider, State) -> projects, funded, implemented, budget_usd, read straight off the bundle."""
    out: dict[tuple[str, str], dict] = {}
    for p in supply(data, as_of):
        if article is not None and article not in p.articles:
            continue
        for s in p.beneficiaries:
            for who in {*p.funders, *([p.implementer] if p.implementer else [])}:
                cell = out.setdefault(
                    (who, s), {"projects": set(), "funded": set(), "implemented": set(), "budget_usd": 0.0}
                )
                cell["projects"].add(p.id)
                if who == p.implementer:
                    cell["implemented"].add(p.id)
                if who in p.funders:
                    cell["funded"].add(p.id)
                    if p.budget_usd is not None:
                        amount = p.budget_usd * (p.sector_share if p.sector_share is not None else 100) / 100
                        stated = p.shares.get(s)
                        part = amount * stated / 100 if stated is not None else amount / len(p.beneficiaries)
                        cell["budget_usd"] += part / len(p.funders)
    return {
        key: {**{k: len(v) for k, v in c.items() if k != "budget_usd"}, "budget_usd": c["budget_usd"]}
        for key, c in out.items()
    }


def test_funders_and_implementers_work_where_their_live_projects_benefit(store):
    world(
        store,
        projects=[
            P(
                "A",
                funders=["P1", "P2"],
                implementer="P3",
                states=["KEN", "UGA"],
                budget=1000,
                shares={"KEN": 60},
            ),
            P("B", funders=["P1"], implementer="P1", states=["KEN"], budget=None, articles=[6]),
            P("C", funders=["P2"], states=["KEN"], budget=500, status="cancelled"),
            P("D", funders=["P2"], states=["UGA"], budget=500, end="2024-05-31"),
            P("E", funders=["P4"], states=["FRA"], budget=800, sector_share=25),
        ],
    )
    rows = {(r.provider, r.state): r for r in presence(store, as_of=AS_OF)}
    assert set(rows) == {
        ("P1", "KEN"),
        ("P2", "KEN"),
        ("P3", "KEN"),
        ("P1", "UGA"),
        ("P2", "UGA"),
        ("P3", "UGA"),
        ("P4", "FRA"),
    }
    p1 = rows["P1", "KEN"]
    # A funded with P2 (KEN's stated 60 % of 1,000, halved) and B funded and implemented (no budget)
    assert (p1.projects, p1.funded, p1.implemented, p1.unbudgeted_projects) == (2, 2, 1, 1)
    assert p1.budget_usd == 300.0 and p1.project_ids == ["A", "B"]
    # UGA has no stated share: an even split among the two beneficiaries (500), halved between funders
    assert rows["P2", "UGA"].budget_usd == 250.0 and rows["P2", "UGA"].projects == 1  # D ended, C cancelled
    # an implementer that does not fund brings no budget
    assert (rows["P3", "KEN"].implemented, rows["P3", "KEN"].budget_usd) == (1, 0.0)
    assert rows["P4", "FRA"].budget_usd == 200.0  # only the 25 % in the selected sectors
    assert "P1 funds 2 and implements 1 live projects benefiting KEN on 2024-06-01" in p1.explanation
    # order: most projects, then budget, then provider, then State
    assert [(r.provider, r.state) for r in presence(store, as_of=AS_OF)][:2] == [("P1", "KEN"), ("P2", "KEN")]
    # filters
    assert {(r.provider, r.state) for r in presence(store, as_of=AS_OF, state="uga")} == {
        ("P1", "UGA"),
        ("P2", "UGA"),
        ("P3", "UGA"),
    }
    assert {r.state for r in presence(store, as_of=AS_OF, provider="P2")} == {"KEN", "UGA"}
    assert {(r.provider, r.state) for r in presence(store, as_of=AS_OF, article=6)} == {("P1", "KEN")}
    assert {r.state for r in presence(store, as_of=AS_OF, group="weog")} == {"FRA"}
    assert presence(store, as_of="2030-01-01") == []


def test_random_worlds_match_the_reference(store):
    @settings(max_examples=10 if store.name == "neo4j" else 40, deadline=None, database=None)
    @given(small_worlds())
    def check(example):
        data, as_of = example
        reset(store, data)
        for article in (None, 5):
            found = {(r.provider, r.state): r for r in presence(store, as_of=as_of, article=article)}
            expected = ref_presence(data, as_of, article)
            assert set(found) == set(expected)
            for key, ref in expected.items():
                r = found[key]
                assert (r.projects, r.funded, r.implemented) == (
                    ref["projects"],
                    ref["funded"],
                    ref["implemented"],
                )
                assert math.isclose(r.budget_usd, ref["budget_usd"], abs_tol=0.01)
                assert r.group == group_of(key[1])

    check()


@pytest.mark.slow
def test_seed_world_identical_on_both_stores(neo4j_store_session, tmp_path):
    data = seed_bundle()
    embedded = EmbeddedStore(tmp_path / "e")
    try:
        reset(embedded, data)
        reset(neo4j_store_session, data)
        day = SEED_AS_OF.isoformat()
        for filters in ({}, {"state": "KEN"}, {"group": "african", "article": 6}, {"provider": "unodc"}):
            raw = [
                canonical(s.answer(pq.RAW, **pq.params(as_of=day, **filters)))
                for s in (embedded, neo4j_store_session)
            ]
            assert raw[0] == raw[1] and raw[0]
            answers = [
                [r.to_dict() for r in presence(s, as_of=day, **filters)]
                for s in (embedded, neo4j_store_session)
            ]
            assert answers[0] == answers[1]
        assert {(r.provider, r.state) for r in presence(embedded, as_of=day)} == set(
            ref_presence(data, SEED_AS_OF)
        )
    finally:
        embedded.close()
