"""Question 1, overlaps: hand-built worlds on both stores, the seed on both stores, and random
worlds against an all-pairs reference (graph/queries/README.md section 1)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from tacmap.graph.queries import overlaps as q
from tacmap.graph.queries.overlaps import overlaps
from tacmap.graph.store import EmbeddedStore

from tests.worlds import (
    canonical,
    ref_overlaps,
    reset,
    seed_bundle,
    small_worlds,
    world,
)
from tests.worlds import project as P


def pairs(store, **filters) -> list[tuple[str, str]]:
    return [(o.project_a, o.project_b) for o in overlaps(store, **filters)]


def test_periods_touching_on_one_day_overlap_for_one_day(store):
    world(
        store,
        projects=[
            P("A", funders=["P1"], start="2024-01-01", end="2024-03-31"),
            P("B", funders=["P2"], start="2024-03-31", end="2024-06-30"),
        ],
    )
    [o] = overlaps(store)
    assert (o.project_a, o.project_b, o.overlap_days) == ("A", "B", 1)
    assert (o.start, o.end) == (date(2024, 3, 31), date(2024, 3, 31))


def test_adjacent_periods_do_not_overlap(store):
    world(
        store,
        projects=[
            P("A", funders=["P1"], start="2024-01-01", end="2024-03-30"),
            P("B", funders=["P2"], start="2024-03-31", end="2024-06-30"),
        ],
    )
    assert overlaps(store) == []


def test_one_day_projects_on_the_same_day_overlap(store):
    world(
        store,
        projects=[
            P("A", funders=["P1"], start="2024-05-01", end="2024-05-01"),
            P("B", funders=["P2"], start="2024-05-01", end="2024-05-01"),
        ],
    )
    [o] = overlaps(store)
    assert o.overlap_days == 1 and o.score_parts["period"] == 1.0


def test_cancelled_projects_never_overlap(store):
    world(
        store,
        projects=[
            P("A", funders=["P1"]),
            P("B", funders=["P2"], status="cancelled"),
            P("C", funders=["P3"], status="completed"),
        ],
    )
    assert pairs(store) == [("A", "C")]


@pytest.mark.parametrize("funders_b", [["P1"], ["P1", "P9"], ["P9", "P1"]])
def test_a_common_funder_makes_it_coordination_not_duplication(store, funders_b):
    world(store, projects=[P("A", funders=["P1", "P2"]), P("B", funders=funders_b)])
    assert overlaps(store) == []


def test_same_implementer_different_funders_still_overlap(store):
    world(store, projects=[P("A", funders=["P1"], implementer="U"), P("B", funders=["P2"], implementer="U")])
    assert pairs(store) == [("A", "B")]


def test_no_shared_state_or_no_shared_article_no_overlap(store):
    world(
        store,
        projects=[
            P("A", funders=["P1"], states=["KEN"], articles=[5]),
            P("B", funders=["P2"], states=["NGA"], articles=[5]),
            P("C", funders=["P3"], states=["NGA"], articles=[6]),
        ],
    )
    assert overlaps(store) == []


def test_each_pair_once_ordered_with_everything_shared(store):
    world(
        store,
        projects=[
            P(
                "Z",
                funders=["P1"],
                states=["KEN", "NGA", "FRA"],
                articles=[5, 6, 46],
                forms=["legal_advice", "technology"],
            ),
            P("M", funders=["P2"], states=["NGA", "KEN"], articles=[46, 5], forms=["technology"]),
        ],
    )
    [o] = overlaps(store)
    assert (o.project_a, o.project_b) == ("M", "Z")
    assert o.states == ["KEN", "NGA"] and o.articles == [5, 46] and o.forms == ["technology"]
    assert (o.funders_a, o.funders_b) == (["P2"], ["P1"])
    assert o.overlap_days == 366  # 2024 is a leap year


def test_score_parts_and_weights(store):
    world(
        store,
        projects=[
            # A: 2 States, 2 articles, 100 days, forms {legal_advice, technology}
            P(
                "A",
                funders=["P1"],
                states=["KEN", "NGA"],
                articles=[5, 6],
                forms=["legal_advice", "technology"],
                start="2024-01-01",
                end="2024-04-09",
            ),
            # B: 1 State, 3 articles, 50 days inside A's last 40: 40 common days / 50 shorter
            P(
                "B",
                funders=["P2"],
                states=["KEN"],
                articles=[5, 6, 46],
                forms=["technology"],
                start="2024-03-01",
                end="2024-04-19",
            ),
        ],
    )
    [o] = overlaps(store)
    assert o.overlap_days == 40
    text = o.score_parts.pop("text")
    assert 0 < text < 1  # "Project A" and "Project B" are alike, not identical
    assert o.score_parts == {"articles": round(2 / 3, 4), "states": 0.5, "period": 0.8, "forms": 0.5}
    expected = 0.30 * round(2 / 3, 4) + 0.20 * text + 0.20 * 0.5 + 0.20 * 0.8 + 0.10 * 0.5
    assert o.score == round(expected, 4)
    o.score_parts["text"] = text
    assert set(q.WEIGHTS) == set(o.score_parts) and abs(sum(q.WEIGHTS.values()) - 1) < 1e-9


def test_identical_projects_score_one_and_unknown_forms_half(store):
    world(
        store,
        projects=[
            P("A", funders=["P1"], forms=["legal_advice"], title="Audit reform"),
            P("B", funders=["P2"], forms=["legal_advice"], title="Audit reform"),
            P("C", funders=["P3"], states=["NGA"], title="Judicial integrity"),
            P("D", funders=["P4"], states=["NGA"], title="Judicial integrity"),
        ],
    )
    by_pair = {(o.project_a, o.project_b): o for o in overlaps(store)}
    assert by_pair[("A", "B")].score == 1.0
    assert by_pair[("C", "D")].score == 0.95 and by_pair[("C", "D")].score_parts["forms"] == 0.5
    assert list(by_pair) == [("A", "B"), ("C", "D")]  # best score first


def test_filters(store):
    world(
        store,
        projects=[
            P(
                "A",
                funders=["P1"],
                states=["KEN", "FRA"],
                articles=[5, 6],
                start="2024-01-01",
                end="2024-06-30",
            ),
            P(
                "B",
                funders=["P2"],
                states=["KEN"],
                articles=[5],
                start="2024-06-01",
                end="2024-12-31",
                implementer="U",
            ),
            P("C", funders=["P3"], states=["FRA"], articles=[6], start="2024-03-01", end="2024-03-31"),
        ],
    )
    assert sorted(pairs(store)) == [("A", "B"), ("A", "C")]
    assert pairs(store, state="KEN") == [("A", "B")]
    assert pairs(store, state="FRA") == [("A", "C")]
    assert pairs(store, state="NGA") == []
    assert pairs(store, article=6) == [("A", "C")]
    assert pairs(store, article=46) == []
    assert pairs(store, provider="P2") == [("A", "B")]
    assert sorted(pairs(store, provider="P1")) == [("A", "B"), ("A", "C")]
    assert pairs(store, provider="U") == [("A", "B")]  # implementer counts
    assert pairs(store, provider="P9") == []
    assert pairs(store, group="african") == [("A", "B")]
    assert pairs(store, group="weog") == [("A", "C")]
    assert pairs(store, group="grulac") == []
    # period: A-B share 2024-06-01..06-30, A-C share 2024-03-01..03-31
    assert pairs(store, start="2024-06-30") == [("A", "B")]
    assert pairs(store, start="2024-07-01") == []
    assert pairs(store, end="2024-05-31") == [("A", "C")]
    assert sorted(pairs(store, start=date(2024, 3, 31), end=date(2024, 6, 1))) == [("A", "B"), ("A", "C")]
    assert pairs(store, start="2024-04-01", end="2024-05-31") == []
    assert pairs(store, state="KEN", article=6) == []


def test_json_and_explanation(store):
    world(store, projects=[P("A", funders=["P1"]), P("B", funders=["P2"])])
    [o] = overlaps(store)
    data = json.loads(json.dumps([o.to_dict()]))[0]
    assert data["project_a"] == "A" and data["overlap_days"] == 366 and data["start"] == "2024-01-01"
    assert data == o.model_dump(mode="json")
    for word in ("A", "B", "P1", "P2", "KEN", "article 5", "366 days"):
        assert word in data["explanation"]


@pytest.mark.slow
def test_seed_world_identical_on_both_stores(neo4j_store_session, tmp_path):
    data = seed_bundle()
    embedded = EmbeddedStore(tmp_path / "e")
    try:
        reset(embedded, data)
        reset(neo4j_store_session, data)
        raw = [canonical(s.answer(q.RAW, **q.params())) for s in (embedded, neo4j_store_session)]
        assert raw[0] == raw[1]
        cases = [{}, {"group": "african", "start": "2009-01-01", "end": "2009-12-31"}, {"provider": "unodc"}]
        for filters in cases:
            answers = [[o.to_dict() for o in overlaps(s, **filters)] for s in (embedded, neo4j_store_session)]
            assert answers[0] == answers[1], filters
        found = {(o.project_a, o.project_b) for o in overlaps(embedded)}
        assert found == set(ref_overlaps(data)) and found
    finally:
        embedded.close()


def test_random_worlds_match_the_all_pairs_reference(store):
    @settings(max_examples=10 if store.name == "neo4j" else 30, deadline=None, database=None)
    @given(small_worlds())
    def check(example):
        data, as_of = example
        reset(store, data)
        expected = ref_overlaps(data)
        found = {(o.project_a, o.project_b): o for o in overlaps(store)}
        assert set(found) == set(expected)
        for pair, o in found.items():
            assert o.states == expected[pair]["states"]
            assert o.articles == expected[pair]["articles"]
            assert o.overlap_days == expected[pair]["overlap_days"]
            assert 0 < o.score <= 1 and all(0 <= v <= 1 for v in o.score_parts.values())
        # one filter per example, varied by the drawn day
        filters = [
            {"state": "KEN"},
            {"article": 5},
            {"provider": "P1"},
            {"group": "african"},
            {"start": as_of},
            {"end": as_of},
        ][as_of.toordinal() % 6]
        assert set(pairs(store, **filters)) == set(ref_overlaps(data, **filters))

    check()
