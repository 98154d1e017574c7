"""Question 2, gaps: hand-built worlds on both stores, the seed on both stores, and random worlds
against a per-need scan (graph/queries/README.md section 2)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from tacmap.graph.queries import gaps as q
from tacmap.graph.queries.gaps import gaps
from tacmap.graph.store import EmbeddedStore

from tests.worlds import SEED_AS_OF, canonical, need, ref_gaps, reset, seed_bundle, small_worlds, world
from tests.worlds import project as P

AS_OF = "2024-06-01"


def gap_ids(store, **filters) -> list[str]:
    return [g.need for g in gaps(store, **{"as_of": AS_OF, **filters})]


def test_a_project_listing_the_form_covers(store):
    world(
        store, projects=[P("A", forms=["legal_advice", "technology"])], needs=[need("N1", form="technology")]
    )
    assert gap_ids(store) == []


def test_a_project_listing_no_forms_covers_any_form(store):
    world(store, projects=[P("A", forms=[])], needs=[need("N1", form="technology"), need("N2", form="other")])
    assert gap_ids(store) == []


def test_another_form_does_not_cover_and_is_a_form_near_miss(store):
    world(store, projects=[P("A", forms=["legal_advice"])], needs=[need("N1", form="technology")])
    [g] = gaps(store, as_of=AS_OF)
    assert [(m.project, m.reason, m.days_since_end) for m in g.near_misses] == [("A", "form", 0)]


def test_end_on_as_of_still_covers_the_day_before_does_not(store):
    world(
        store,
        projects=[P("A", end="2024-06-01"), P("B", states=["NGA"], end="2024-05-31")],
        needs=[need("N1", "KEN"), need("N2", "NGA")],
    )
    [g] = gaps(store, as_of=AS_OF)
    assert g.need == "N2"
    assert [(m.project, m.reason, m.days_since_end) for m in g.near_misses] == [("B", "period", 1)]


def test_a_planned_project_covers(store):
    world(
        store, projects=[P("A", start="2025-01-01", end="2025-12-31", status="planned")], needs=[need("N1")]
    )
    assert gap_ids(store) == []


def test_a_cancelled_project_neither_covers_nor_nearly_misses(store):
    world(store, projects=[P("A", status="cancelled", end="2030-01-01")], needs=[need("N1")])
    [g] = gaps(store, as_of=AS_OF)
    assert g.near_misses == []


def test_a_completed_project_still_running_covers(store):
    # live = not cancelled; "completed" with an end after as_of still counts
    world(store, projects=[P("A", status="completed", end="2024-12-31")], needs=[need("N1")])
    assert gap_ids(store) == []


def test_other_state_or_article_neither_covers_nor_nearly_misses(store):
    world(store, projects=[P("A", states=["NGA"]), P("B", articles=[6])], needs=[need("N1", "KEN", 5)])
    [g] = gaps(store, as_of=AS_OF)
    assert g.near_misses == []
    assert "no live project works on this State and article" in g.to_dict()["explanation"]


def test_near_misses_nearest_first_at_most_three(store):
    world(
        store,
        projects=[
            P("F1", forms=["technology"], end="2024-12-31"),  # form (running)
            P("P1", forms=["legal_advice"], end="2024-05-01"),  # period, 31 days
            P("P2", forms=[], end="2024-05-30"),  # period, 2 days
            P("FP", forms=["technology"], end="2024-05-31"),  # form and period, 1 day
            P("P3", forms=[], end="2023-01-01"),  # period, long ago
        ],
        needs=[need("N1", form="legal_advice")],
    )
    [g] = gaps(store, as_of=AS_OF)
    assert [(m.project, m.reason, m.days_since_end) for m in g.near_misses] == [
        ("F1", "form", 0),
        ("P2", "period", 2),
        ("P1", "period", 31),
    ]
    assert len(g.near_misses) == q.NEAR_MISSES == 3


def test_fields_order_and_json(store):
    world(
        store,
        projects=[],
        needs=[
            need("N3", "NGA", 6, "technology", "low"),
            need("N1", "KEN", 46, "legal_advice", None),
            need("N2", "PSE", 5, "legal_advice", "high"),
            need("N4", "KEN", 5, "legal_advice", "medium"),
        ],
    )
    found = gaps(store, as_of=AS_OF)
    assert [g.need for g in found] == ["N2", "N4", "N3", "N1"]  # priority high, medium, low, none
    g = found[0]
    assert (g.state, g.state_name, g.group, g.article, g.chapter, g.form, g.priority) == (
        "PSE",
        g.state_name,
        None,
        5,
        "II",
        "legal_advice",
        "high",
    )
    assert g.article_title == "Preventive anti-corruption policies and practices"
    data = json.loads(json.dumps([x.to_dict() for x in found]))
    assert data[0]["need"] == "N2" and data[0]["as_of"] == AS_OF and data[0]["near_misses"] == []
    assert data[1]["group"] == "african" and "explanation" in data[1]


def test_filters(store):
    world(
        store,
        projects=[],
        needs=[
            need("N1", "KEN", 5, "legal_advice"),
            need("N2", "KEN", 6, "technology"),
            need("N3", "FRA", 5, "technology"),
            need("N4", "IND", 46, "legal_advice"),
        ],
    )
    assert sorted(gap_ids(store)) == ["N1", "N2", "N3", "N4"]
    assert sorted(gap_ids(store, state="KEN")) == ["N1", "N2"]
    assert sorted(gap_ids(store, article=5)) == ["N1", "N3"]
    assert gap_ids(store, group="weog") == ["N3"]
    assert gap_ids(store, group="asia_pacific") == ["N4"]
    assert sorted(gap_ids(store, form="technology")) == ["N2", "N3"]
    assert gap_ids(store, need="N4") == ["N4"]
    assert gap_ids(store, state="KEN", form="technology") == ["N2"]
    assert gap_ids(store, state="NGA") == []


def test_as_of_defaults_to_today(store):
    today = date.today()
    world(
        store,
        projects=[
            P("A", start=today - timedelta(days=10), end=today),
            P("B", states=["NGA"], start=today - timedelta(days=10), end=today - timedelta(days=1)),
        ],
        needs=[need("N1", "KEN"), need("N2", "NGA")],
    )
    assert [g.need for g in gaps(store)] == ["N2"]


@pytest.mark.slow
def test_seed_world_identical_on_both_stores(neo4j_store_session, tmp_path):
    data = seed_bundle()
    embedded = EmbeddedStore(tmp_path / "e")
    try:
        reset(embedded, data)
        reset(neo4j_store_session, data)
        stores = (embedded, neo4j_store_session)
        raw = [canonical(s.answer(q.RAW, **q.params(as_of=SEED_AS_OF))) for s in stores]
        assert raw[0] == raw[1]
        for filters in (
            {"as_of": SEED_AS_OF},
            {"as_of": "2012-01-01", "group": "african", "form": "legal_advice"},
        ):
            answers = [[g.to_dict() for g in gaps(s, **filters)] for s in stores]
            assert answers[0] == answers[1], filters
        expected = ref_gaps(data, SEED_AS_OF)
        found = {
            g.need: [(m.project, m.reason) for m in g.near_misses] for g in gaps(embedded, as_of=SEED_AS_OF)
        }
        assert found == expected
        assert 0 < len(found) < len(data.needs)
    finally:
        embedded.close()


def test_random_worlds_match_the_per_need_scan(store):
    @settings(max_examples=10 if store.name == "neo4j" else 30, deadline=None, database=None)
    @given(small_worlds())
    def check(example):
        data, as_of = example
        reset(store, data)
        found = {g.need: [(m.project, m.reason) for m in g.near_misses] for g in gaps(store, as_of=as_of)}
        assert found == ref_gaps(data, as_of)
        strict = gaps(store, as_of=as_of, stated_only=True)
        assert {g.need: [(m.project, m.reason) for m in g.near_misses] for g in strict} == ref_gaps(
            data, as_of, stated_only=True
        )
        for g in strict:  # covered (inferred) exactly when a gap of stated articles only is no gap
            assert (g.coverage == "covered (inferred)") == (g.need not in found)
        for state in ("KEN", "PSE"):
            expected = {n.id for n in data.needs if n.state == state} & set(found)
            assert {g.need for g in gaps(store, as_of=as_of, state=state)} == expected

    check()
