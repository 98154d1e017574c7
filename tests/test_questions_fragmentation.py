"""Question 4, orphans, darlings and fragmentation: hand-built worlds on both stores, the seed on
both stores, and random worlds against a direct reference (graph/queries/README.md section 4)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from tacmap.graph.queries import fragmentation as fq
from tacmap.graph.queries import orphans as oq
from tacmap.graph.queries.fragmentation import darlings, fragmentation, herfindahl
from tacmap.graph.queries.orphans import orphans
from tacmap.graph.store import EmbeddedStore

from tests.worlds import (
    SEED_AS_OF,
    canonical,
    need,
    ref_fragmentation,
    ref_orphans,
    reset,
    seed_bundle,
    small_worlds,
    world,
)
from tests.worlds import project as P

AS_OF = "2024-06-01"


def by_state(store, **kw) -> dict:
    return {(f.state, f.chapter): f for f in fragmentation(store, **{"as_of": AS_OF, **kw})}


# -- orphans -----------------------------------------------------------------------------------


def test_orphans_rule(store):
    world(
        store,
        projects=[
            P("a", states=["KEN"], end="2024-06-01"),  # ends on as_of: KEN is served
            P("b", states=["NGA"], end="2024-05-31"),  # ended the day before: NGA is an orphan
            P("c", states=["IND"], status="cancelled", end="2030-01-01"),  # cancelled: IND is an orphan
            P("d", states=["FRA"], start="2025-01-01", end="2025-12-31", status="planned"),  # planned serves
            P("e", states=["BRA"]),  # BRA has no need: never an orphan
        ],
        needs=[
            need("N1", "KEN"),
            need("N2", "NGA", priority="high"),
            need("N3", "NGA", 6, priority="low"),
            need("N4", "IND", priority="medium"),
            need("N5", "FRA"),
            need("N6", "PSE"),
        ],
    )
    found = orphans(store, as_of=AS_OF)
    assert [o.state for o in found] == ["NGA", "PSE", "IND"]  # high-priority needs first, then needs
    nga = found[0]
    assert (nga.needs, nga.high_priority, nga.last_end.isoformat(), nga.group) == (
        2,
        1,
        "2024-05-31",
        "african",
    )
    assert found[2].last_end is None  # a cancelled project never counts
    assert found[1].group is None
    assert [o.state for o in orphans(store, as_of=AS_OF, group="african")] == ["NGA"]
    assert [o.state for o in orphans(store, as_of="2024-06-02")] == ["NGA", "KEN", "PSE", "IND"]
    data = json.loads(json.dumps([o.to_dict() for o in found]))
    assert data[0]["last_end"] == "2024-05-31" and "2 needs" in data[0]["explanation"]


# -- fragmentation ------------------------------------------------------------------------------


def test_herfindahl_formula():
    assert herfindahl({"a": 5.0}) == (10000.0, {"a": 100.0})
    assert herfindahl({"a": 1.0, "b": 1.0}) == (5000.0, {"a": 50.0, "b": 50.0})
    assert herfindahl({"a": 3.0, "b": 1.0})[0] == 75**2 + 25**2
    assert herfindahl({}) == (None, {}) and herfindahl({"a": 0.0}) == (None, {})


def test_a_single_provider_is_fully_concentrated(store):
    world(store, projects=[P("a", funders=["P1"], budget=100.0), P("b", funders=["P1"], budget=50.0)])
    f = by_state(store)[("KEN", None)]
    assert (f.providers, f.projects, f.budget_usd, f.hhi, f.shares) == (1, 2, 150.0, 10000.0, {"P1": 100.0})


def test_co_funded_and_multi_beneficiary_budgets_are_split(store):
    world(
        store,
        projects=[
            P("a", funders=["P1", "P2"], states=["KEN"], budget=100.0),  # KEN: 50 P1, 50 P2
            P("b", funders=["P3"], states=["KEN", "NGA"], budget=200.0),  # KEN: 100 P3; NGA: 100 P3
        ],
    )
    f = by_state(store)
    ken = f[("KEN", None)]
    assert ken.providers == 3 and ken.budget_usd == 200.0
    assert ken.shares == {"P1": 25.0, "P2": 25.0, "P3": 50.0}
    assert ken.hhi == 25**2 + 25**2 + 50**2
    assert (f[("NGA", None)].budget_usd, f[("NGA", None)].hhi) == (100.0, 10000.0)


def test_unbudgeted_projects_count_providers_not_shares(store):
    world(
        store,
        projects=[
            P("a", funders=["P1"], budget=100.0),
            P("b", funders=["P2"], budget=None),
            P("c", states=["NGA"], funders=["P3"], budget=None),
        ],
    )
    f = by_state(store)
    ken = f[("KEN", None)]
    assert (ken.providers, ken.provider_ids, ken.unbudgeted_projects) == (2, ["P1", "P2"], 1)
    assert ken.shares == {"P1": 100.0} and ken.hhi == 10000.0 and ken.budget_usd == 100.0
    nga = f[("NGA", None)]
    assert (nga.providers, nga.hhi, nga.budget_usd) == (1, None, 0.0)
    assert "no HHI" in nga.to_dict()["explanation"]


def test_supply_is_live_and_not_ended(store):
    world(
        store,
        projects=[
            P("a", funders=["P1"], budget=100.0, end="2024-06-01"),
            P("b", funders=["P2"], budget=100.0, end="2024-05-31"),  # ended
            P("c", funders=["P3"], budget=100.0, status="cancelled"),
            P("d", funders=["P4"], budget=100.0, start="2025-01-01", end="2025-06-30", status="planned"),
        ],
    )
    ken = by_state(store)[("KEN", None)]
    assert ken.provider_ids == ["P1", "P4"] and ken.budget_usd == 200.0 and ken.hhi == 5000.0


def test_by_chapter_splits_a_states_part_across_chapters(store):
    world(
        store,
        projects=[
            P("a", funders=["P1"], articles=[5, 6, 46], budget=120.0),  # chapters II and IV: 60 each
            P("b", funders=["P2"], articles=[46], budget=60.0),  # IV
        ],
    )
    f = by_state(store, by_chapter=True)
    assert set(f) == {("KEN", "II"), ("KEN", "IV")}
    assert (f[("KEN", "II")].budget_usd, f[("KEN", "II")].providers, f[("KEN", "II")].hhi) == (
        60.0,
        1,
        10000.0,
    )
    iv = f[("KEN", "IV")]
    assert (iv.budget_usd, iv.providers, iv.hhi) == (120.0, 2, 5000.0)
    whole = by_state(store)[("KEN", None)]
    assert math.isclose(sum(x.budget_usd for x in f.values()), whole.budget_usd)


def test_filters_order_and_darlings(store):
    world(
        store,
        projects=[
            P("a", funders=["P1"], states=["KEN"], budget=10.0),
            P("b", funders=["P2"], states=["KEN"], budget=10.0),
            P("c", funders=["P3"], states=["KEN", "FRA"], budget=1000.0),
            P("d", funders=["P1"], states=["NGA"], budget=10.0),
            P("e", funders=["P2"], states=["NGA"], budget=30.0),
            P("f", funders=["P1"], states=["IND"], budget=5.0),
        ],
    )
    found = fragmentation(store, as_of=AS_OF)
    # providers (KEN 3, NGA 2, FRA 1, IND 1), then HHI (FRA and IND both 10,000), then ISO3
    assert [f.state for f in found] == ["KEN", "NGA", "FRA", "IND"]
    assert [f.state for f in fragmentation(store, as_of=AS_OF, group="african")] == ["KEN", "NGA"]
    assert [f.state for f in fragmentation(store, as_of=AS_OF, state="NGA")] == ["NGA"]
    assert [f.state for f in darlings(store, k=2, as_of=AS_OF)] == ["KEN", "NGA"]
    # ties on providers: larger budget first (FRA 500 vs IND 5)
    assert [f.state for f in darlings(store, k=10, as_of=AS_OF)] == ["KEN", "NGA", "FRA", "IND"]
    assert [f.state for f in darlings(store, k=1, as_of=AS_OF, group="weog")] == ["FRA"]
    assert darlings(store, k=0, as_of=AS_OF) == []


@pytest.mark.slow
def test_seed_world_identical_on_both_stores(neo4j_store_session, tmp_path):
    data = seed_bundle()
    embedded = EmbeddedStore(tmp_path / "e")
    try:
        reset(embedded, data)
        reset(neo4j_store_session, data)
        stores = (embedded, neo4j_store_session)
        day = SEED_AS_OF.isoformat()
        assert canonical(embedded.answer(oq.RAW, **oq.params(as_of=day))) == canonical(
            neo4j_store_session.answer(oq.RAW, **oq.params(as_of=day))
        )
        assert canonical(embedded.answer(fq.RAW, **fq.params(as_of=day))) == canonical(
            neo4j_store_session.answer(fq.RAW, **fq.params(as_of=day))
        )
        calls = [
            lambda s: orphans(s, as_of=day),
            lambda s: orphans(s, as_of="2011-01-01", group="african"),
            lambda s: fragmentation(s, as_of=day, by_chapter=True),
            lambda s: fragmentation(s, as_of=day, group="asia_pacific"),
            lambda s: darlings(s, k=5, as_of=day),
        ]
        for call in calls:
            answers = [[r.to_dict() for r in call(s)] for s in stores]
            assert answers[0] == answers[1]
        assert {o.state for o in orphans(embedded, as_of=day)} == ref_orphans(data, SEED_AS_OF)
    finally:
        embedded.close()


def test_random_worlds_match_the_reference(store):
    @settings(max_examples=10 if store.name == "neo4j" else 30, deadline=None, database=None)
    @given(small_worlds())
    def check(example):
        data, as_of = example
        reset(store, data)
        assert {o.state for o in orphans(store, as_of=as_of)} == ref_orphans(data, as_of)
        for by_chapter in (False, True):
            found = {
                (f.state, f.chapter): f for f in fragmentation(store, as_of=as_of, by_chapter=by_chapter)
            }
            expected = ref_fragmentation(data, as_of, by_chapter)
            assert set(found) == set(expected)
            for key, ref in expected.items():
                f = found[key]
                assert (f.providers, f.projects) == (ref["providers"], ref["projects"])
                assert math.isclose(f.budget_usd, ref["budget_usd"], abs_tol=0.01)
                if ref["hhi"] is None:
                    assert f.hhi is None
                else:
                    assert math.isclose(f.hhi, ref["hhi"], abs_tol=0.01)
        top = darlings(store, k=2, as_of=as_of)
        most = max((r["providers"] for r in ref_fragmentation(data, as_of).values()), default=None)
        assert (top[0].providers if top else None) == most

    check()


def test_stated_shares_and_the_sector_share_decide_each_states_budget(store) -> None:
    """A project of 1,000 with KEN 60 % and UGA 40 %, half of it in the selected sectors: KEN
    receives 300 and UGA 200, not 250 each; without shares the split stays even."""
    from tests.worlds import project, world

    world(
        store,
        projects=[
            project(
                "S",
                funders=["P1"],
                states=["KEN", "UGA"],
                budget=1000.0,
                shares={"KEN": 60, "UGA": 40},
                sector_share=50,
            ),
            project("E", funders=["P2"], states=["KEN", "UGA"], budget=100.0),
        ],
    )
    found = {f.state: f for f in fragmentation(store, as_of="2024-06-01")}
    assert found["KEN"].budget_usd == 300 + 50 and found["UGA"].budget_usd == 200 + 50
    assert found["KEN"].shares == {"P1": round(100 * 300 / 350, 2), "P2": round(100 * 50 / 350, 2)}
