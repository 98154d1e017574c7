"""Question 5, South–South pairing: every rule on hand-built worlds, both stores; conformance over the
seed; a property test against a brute force written from the contract (graph/queries/README.md §5)."""

from __future__ import annotations

import json
import sys
import types
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tacmap.graph.queries import pairings as pairings_q
from tacmap.graph.queries.pairings import Pairing, pairings
from tacmap.graph.schema import reference
from tacmap.graph.schema.mapping import to_changes
from tacmap.graph.schema.models import Bundle, Expert, Implementation, Need, Network
from tacmap.graph.store import EmbeddedStore, Store

from tests.worlds import bundle, load, need, project, seed_bundle


def expert(
    id: str, nationality: str, articles: list[int], forms: list[str] = (), languages=("en",)
) -> Expert:
    return Expert(
        id=id,
        name=f"Expert {id}",
        nationality=nationality,
        articles=articles,
        forms=list(forms),
        languages=list(languages),
        email=f"{id}@example.org",
    )


def peers(found: list[Pairing], need_id: str = "N1") -> list[str]:
    return [p.peer for p in found if p.need == need_id]


# -- candidate rules -------------------------------------------------------------------------------


def test_candidates_follow_every_rule(store: Store) -> None:
    """KEN needs help on article 5. Each State below breaks exactly one rule, except NGA and BRA."""
    load(
        store,
        bundle(
            needs=[need("N1", "KEN", 5, "legal_advice"), need("N2", "GHA", 5, "capacity_building")],
            implementation=[
                ("NGA", 5, "compliant"),  # candidate
                ("BRA", 5, "compliant"),  # candidate (other group: ranked lower, still a candidate)
                ("GHA", 5, "compliant"),  # own need on 5 (another form): excluded
                ("UGA", 5, "partial"),  # not compliant: excluded
                ("TZA", 5, "not_compliant"),  # excluded
                ("FRA", 5, "compliant"),  # OECD-DAC member: excluded
                ("KEN", 5, "compliant"),  # the requesting State itself: never its own peer
                ("MEX", 6, "compliant"),  # compliant on another article only: excluded
            ],
        ),
    )
    assert sorted(peers(pairings(store, need="N1"), "N1")) == ["BRA", "NGA"]


def test_dac_peer_is_excluded(store: Store) -> None:
    load(
        store,
        bundle(
            needs=[need("N1", "KEN", 5)], implementation=[("GBR", 5, "compliant"), ("NGA", 5, "compliant")]
        ),
    )
    assert peers(pairings(store)) == ["NGA"]


def test_dac_requesting_state_gets_no_pairing(store: Store) -> None:
    load(
        store,
        bundle(
            needs=[need("N1", "FRA", 5), need("N2", "KEN", 5)],
            implementation=[("NGA", 5, "compliant"), ("BRA", 5, "compliant")],
        ),
    )
    found = pairings(store)
    assert {p.need for p in found} == {"N2"}
    assert pairings(store, need="N1") == []
    assert pairings(store, state="FRA") == []


def test_own_need_on_the_article_excludes_a_peer_whatever_its_form(store: Store) -> None:
    load(
        store,
        bundle(
            needs=[need("N1", "KEN", 5, "legal_advice"), need("N2", "NGA", 5, "model_legislation")],
            implementation=[("NGA", 5, "compliant"), ("GHA", 5, "compliant")],
        ),
    )
    assert peers(pairings(store, need="N1")) == ["GHA"]


@pytest.mark.parametrize("status", ["partial", "not_compliant"])
def test_partial_and_not_compliant_peers_are_excluded(store: Store, status: str) -> None:
    load(store, bundle(needs=[need("N1", "KEN", 5)], implementation=[("NGA", 5, status)]))
    assert pairings(store) == []


# -- reciprocity -----------------------------------------------------------------------------------


def test_reciprocity_names_the_articles_of_the_exchange(store: Store) -> None:
    load(
        store,
        bundle(
            needs=[
                need("N1", "KEN", 5),
                need("N2", "NGA", 6),
                need("N3", "NGA", 7),
                need("N4", "NGA", 9, "other"),
                need("N5", "NGA", 9),
            ],
            implementation=[
                ("NGA", 5, "compliant"),
                ("BRA", 5, "compliant"),
                ("KEN", 6, "compliant"),  # NGA needs 6: reciprocal on 6
                ("KEN", 7, "partial"),  # NGA needs 7, but KEN is only partial: not an exchange
                ("KEN", 9, "compliant"),  # NGA has two needs on 9: named once
                ("KEN", 10, "compliant"),  # nobody needs 10
            ],
        ),
    )
    by_peer = {p.peer: p for p in pairings(store, need="N1")}
    assert by_peer["NGA"].reciprocal is True
    assert by_peer["NGA"].reciprocal_articles == [6, 9]
    assert "reciprocal" in by_peer["NGA"].explanation
    assert by_peer["BRA"].reciprocal is False
    assert by_peer["BRA"].reciprocal_articles == []


# -- score -----------------------------------------------------------------------------------------


def test_score_parts_and_ranking(store: Store) -> None:
    load(
        store,
        bundle(
            needs=[need("N1", "KEN", 5)],
            networks={
                "w1": ["KEN", "NGA", "BRA"],
                "w2": ["KEN", "NGA"],
                "w3": ["NGA"],
                "w4": ["KEN", "MEX"],
                "w5": ["KEN", "MEX"],
                "w6": ["KEN", "MEX"],
                "w7": ["KEN", "MEX"],
            },
            implementation=[
                ("NGA", 5, "compliant"),
                ("BRA", 5, "compliant"),
                ("MEX", 5, "compliant"),
                ("IDN", 5, "compliant"),
            ],
            experts=[
                expert("e1", "NGA", [5]),
                expert("e2", "NGA", [5, 6]),
                expert("e3", "NGA", [6]),  # not on article 5: does not count
                expert("e4", "GHA", [5]),  # not NGA's national: does not count
                expert("e5", "IDN", [5]),
                expert("e6", "IDN", [5]),
                expert("e7", "IDN", [5]),
                expert("e8", "IDN", [5]),
            ],
        ),
    )
    found = pairings(store, need="N1")
    by_peer = {p.peer: p for p in found}
    nga = by_peer["NGA"]  # African like KEN, 2 shared networks, English, 2 experts
    assert nga.score_parts == {"same_group": 1.0, "networks": 0.6667, "language": 1.0, "experts": 0.6667}
    assert nga.shared_networks == ["w1", "w2"]
    assert nga.shared_languages == ["en"]
    assert nga.peer_experts == ["e1", "e2"]
    assert nga.score == round(0.35 * 1 + 0.25 * 0.6667 + 0.20 * 1 + 0.20 * 0.6667, 4)
    mex = by_peer["MEX"]  # 4 shared networks: capped at 3
    assert mex.score_parts == {"same_group": 0.0, "networks": 1.0, "language": 0.0, "experts": 0.0}
    assert mex.score == 0.25
    idn = by_peer["IDN"]  # 4 experts: capped at 3
    assert idn.score_parts == {"same_group": 0.0, "networks": 0.0, "language": 0.0, "experts": 1.0}
    assert idn.score == 0.2
    bra = by_peer["BRA"]  # one shared network only
    assert bra.score_parts == {"same_group": 0.0, "networks": 0.3333, "language": 0.0, "experts": 0.0}
    assert [p.peer for p in found] == ["NGA", "MEX", "IDN", "BRA"]
    assert all(0.0 <= p.score <= 1.0 for p in found)


def test_ties_are_ordered_by_peer_and_needs_by_id(store: Store) -> None:
    load(
        store,
        bundle(
            needs=[need("N2", "KEN", 5), need("N1", "KEN", 6)],
            implementation=[("MEX", 5, "compliant"), ("BRA", 5, "compliant"), ("ARG", 6, "compliant")],
        ),
    )
    found = pairings(store)
    assert [(p.need, p.peer) for p in found] == [("N1", "ARG"), ("N2", "BRA"), ("N2", "MEX")]


# -- filters ---------------------------------------------------------------------------------------


def test_filters_and_limit(store: Store) -> None:
    load(
        store,
        bundle(
            needs=[need("N1", "KEN", 5), need("N2", "KEN", 6), need("N3", "BRA", 5), need("N4", "IDN", 6)],
            implementation=[
                ("NGA", 5, "compliant"),
                ("GHA", 5, "compliant"),
                ("MEX", 5, "compliant"),
                ("MEX", 6, "compliant"),
                ("NGA", 6, "compliant"),
            ],
            networks={"w": ["KEN", "GHA"]},
        ),
    )
    assert {p.need for p in pairings(store)} == {"N1", "N2", "N3", "N4"}
    assert {p.need for p in pairings(store, state="KEN")} == {"N1", "N2"}
    assert {p.need for p in pairings(store, group="african")} == {"N1", "N2"}
    assert {p.need for p in pairings(store, group="grulac")} == {"N3"}
    assert {p.need for p in pairings(store, article=6)} == {"N2", "N4"}
    assert {p.need for p in pairings(store, state="KEN", article=5)} == {"N1"}
    assert peers(pairings(store, need="N1", limit_per_need=1)) == ["GHA"]  # same group and a network
    assert [
        len([p for p in pairings(store, limit_per_need=2) if p.need == n]) for n in ("N1", "N2", "N3", "N4")
    ] == [2, 2, 2, 2]
    assert pairings(store, need="nope") == []
    with pytest.raises(ValueError):
        pairings(store, limit_per_need=0)
    with pytest.raises(ValueError, match="african"):
        pairings(store, group="africa")


def test_gaps_only_uses_the_gaps_question(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """gaps_only keeps the needs the gaps question returns (whatever its result objects hold in .need)."""
    load(
        store,
        bundle(
            needs=[need("N1", "KEN", 5), need("N2", "KEN", 6)],
            implementation=[("NGA", 5, "compliant"), ("NGA", 6, "compliant")],
        ),
    )
    calls = []

    def fake_gaps(store_, as_of=None, **filters):
        calls.append((as_of, filters))
        return [types.SimpleNamespace(need="N2")]

    monkeypatch.setitem(sys.modules, "tacmap.graph.queries.gaps", types.SimpleNamespace(gaps=fake_gaps))
    assert {p.need for p in pairings(store, gaps_only=True, as_of=date(2024, 6, 1))} == {"N2"}
    assert {p.need for p in pairings(store, gaps_only=True, as_of=date(2024, 6, 1), state="KEN")} == {"N2"}
    assert calls == [(date(2024, 6, 1), {}), (date(2024, 6, 1), {"state": "KEN"})]
    monkeypatch.setitem(
        sys.modules, "tacmap.graph.queries.gaps", types.SimpleNamespace(gaps=lambda s, **kw: [])
    )
    assert pairings(store, gaps_only=True) == []


def test_gaps_only_with_the_real_gaps_question(store: Store) -> None:
    import tacmap.graph.queries.gaps as gaps_module

    assert hasattr(gaps_module, "gaps")
    load(
        store,
        bundle(
            needs=[need("N1", "KEN", 5, "legal_advice"), need("N2", "KEN", 6, "legal_advice")],
            projects=[
                project(
                    "X1",
                    states=["KEN"],
                    articles=[5],
                    forms=["legal_advice"],
                    start="2024-01-01",
                    end="2024-12-31",
                )
            ],
            implementation=[("NGA", 5, "compliant"), ("NGA", 6, "compliant")],
        ),
    )
    assert {p.need for p in pairings(store, gaps_only=True, as_of=date(2024, 6, 1))} == {"N2"}
    assert {p.need for p in pairings(store, gaps_only=True, as_of=date(2025, 6, 1))} == {"N1", "N2"}


def test_result_is_json_with_the_contract_field_names(store: Store) -> None:
    load(
        store,
        bundle(
            needs=[need("N1", "KEN", 5)],
            implementation=[("NGA", 5, "compliant")],
            experts=[expert("e1", "NGA", [5])],
        ),
    )
    [row] = [p.to_dict() for p in pairings(store)]
    assert {
        "need",
        "state",
        "peer",
        "article",
        "score",
        "score_parts",
        "reciprocal",
        "reciprocal_articles",
        "explanation",
    } <= set(row)
    assert json.loads(json.dumps(row)) == row
    assert row["need"] == "N1" and row["state"] == "KEN" and row["peer"] == "NGA" and row["article"] == 5
    assert "@" not in json.dumps(row)


# -- conformance -----------------------------------------------------------------------------------


def _dump(found: list[Pairing]) -> str:
    return json.dumps([p.to_dict() for p in found], sort_keys=True)


def _raw(store: Store, **params) -> list[str]:
    full = {
        "need": None,
        "state": None,
        "group": None,
        "article": None,
        "needs": None,
        "hidden": None,
    } | params
    return sorted(json.dumps(r, sort_keys=True) for r in store.answer(pairings_q.RAW, **full))


def test_both_stores_agree_over_the_seed(neo4j_store_session, tmp_path: Path) -> None:
    seed = seed_bundle(1)
    embedded = EmbeddedStore(tmp_path / "data")
    embedded.write(to_changes(seed))
    neo4j = neo4j_store_session
    neo4j.clear()
    neo4j.write(to_changes(seed))
    try:
        needs = sorted(n.id for n in seed.needs)
        queries = [
            {"state": "KEN"},
            {"state": "BRA", "article": 6},
            {"group": "eastern_european", "article": 9},
            *({"need": n} for n in needs[:: max(1, len(needs) // 8)]),
        ]
        total = 0
        for q in queries:
            a, b = pairings(embedded, **q), pairings(neo4j, **q)
            assert _dump(a) == _dump(b), q
            total += len(a)
        assert total > 0
        # the raw rows themselves are the same, lists included
        assert _raw(embedded, state="KEN") == _raw(neo4j, state="KEN")
        assert _raw(embedded, needs=needs[:5]) == _raw(neo4j, needs=needs[:5])
    finally:
        embedded.close()


# -- property: brute force from the contract -------------------------------------------------------

STATES = ("KEN", "NGA", "GHA", "BRA", "MEX", "FRA", "IDN", "EGY", "MAR", "GBR", "PSE")  # PSE: no UN group
ARTICLES = (5, 6, 7)
FORMS = ("legal_advice", "capacity_building")
STATUSES = ("compliant", "partial", "not_compliant")


@st.composite
def worlds(draw) -> Bundle:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(STATES), st.sampled_from(ARTICLES), st.sampled_from(FORMS)),
            unique=True,
            max_size=8,
        )
    )
    needs = [Need(id=f"N{i}", state=s, article=a, form=f) for i, (s, a, f) in enumerate(keys)]
    reported = draw(
        st.dictionaries(
            st.tuples(st.sampled_from(STATES), st.sampled_from(ARTICLES)),
            st.sampled_from(STATUSES),
            max_size=20,
        )
    )
    nets = draw(st.lists(st.lists(st.sampled_from(STATES), unique=True, max_size=5), max_size=3))
    experts = draw(
        st.lists(
            st.tuples(st.sampled_from(STATES), st.lists(st.sampled_from(ARTICLES), min_size=1, unique=True)),
            max_size=6,
        )
    )
    return Bundle(
        needs=needs,
        implementation=[
            Implementation(state=s, article=a, status=v) for (s, a), v in sorted(reported.items())
        ],
        networks=[Network(id=f"w{i}", name=f"W{i}", members=sorted(m)) for i, m in enumerate(nets)],
        experts=[expert(f"e{i}", nat, sorted(arts)) for i, (nat, arts) in enumerate(experts)],
    )


def brute_force(world: Bundle) -> list[tuple]:
    """Section 5 read literally, on the records: (need, peer, score_parts, score, reciprocal_articles)."""
    ref = reference.countries()
    status = {(r.state, r.article): r.status for r in world.implementation}
    out = []
    for n in world.needs:
        s = n.state
        if ref[s].dac_member:
            continue
        for p in STATES:
            if p == s or ref[p].dac_member or status.get((p, n.article)) != "compliant":
                continue
            if any(m.state == p and m.article == n.article for m in world.needs):
                continue
            nets = sum(1 for w in world.networks if s in w.members and p in w.members)
            experts = sum(1 for e in world.experts if e.nationality == p and n.article in e.articles)
            parts = {
                "same_group": float(ref[s].un_group is not None and ref[s].un_group == ref[p].un_group),
                "networks": round(min(nets, 3) / 3, 4),
                "language": float(bool(set(ref[s].official_languages) & set(ref[p].official_languages))),
                "experts": round(min(experts, 3) / 3, 4),
            }
            score = round(
                0.35 * parts["same_group"]
                + 0.25 * parts["networks"]
                + 0.20 * parts["language"]
                + 0.20 * parts["experts"],
                4,
            )
            recip = sorted(
                {m.article for m in world.needs if m.state == p and status.get((s, m.article)) == "compliant"}
            )
            out.append((n.id, p, parts, score, recip))
    out.sort(key=lambda t: (t[0], -t[3], t[1]))
    return out


def test_property_matches_the_brute_force(store: Store) -> None:
    @settings(
        max_examples=8 if store.name == "neo4j" else 40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(worlds())
    def check(world: Bundle) -> None:
        store.clear()
        store.write(to_changes(world))
        found = [(p.need, p.peer, p.score_parts, p.score, p.reciprocal_articles) for p in pairings(store)]
        assert found == brute_force(world)

    check()
