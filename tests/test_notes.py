"""Answers that leave candidates out say why, with counts (graph/queries/README.md, "Notes"),
on both stores."""

from __future__ import annotations

from tacmap.graph.queries import experts, gaps, overlaps, pairings
from tacmap.graph.schema.models import Expert
from tacmap.graph.store import Store

from tests.worlds import need as N
from tests.worlds import project as P
from tests.worlds import world


def expert(
    id: str, nationality: str = "FRA", *, consent: bool | None = True, forms: list[str] | None = None
) -> Expert:
    return Expert(
        id=id,
        name=id,
        nationality=nationality,
        articles=[9],
        forms=forms or [],
        languages=["en"],
        consent=consent,
    )


def test_experts_without_consent_are_counted(store: Store) -> None:
    world(store, needs=[N("n1", article=9)], experts=[expert(f"e{i}", consent=None) for i in range(12)])
    rows = experts.shortlist(store, "n1")
    assert rows == []
    assert experts.notes(store, rows, need="n1") == ["12 experts on article 9; 12 lack consent to be listed"]


def test_experts_left_out_for_each_reason(store: Store) -> None:
    world(
        store,
        needs=[N("n1", article=9, form="legal_advice")],
        experts=[
            expert("ok"),
            expert("kenyan", "KEN"),
            expert("trainer", forms=["capacity_building"]),
            expert("silent", consent=False),
        ],
    )
    rows = experts.shortlist(store, "n1")
    assert [e.expert for e in rows] == ["ok"]
    assert experts.notes(store, rows, need="n1") == [
        "4 experts on article 9; 1 is a national of KEN, 1 does not offer the form legal_advice, 1 lacks consent to be listed"
    ]


def test_no_expert_on_the_article(store: Store) -> None:
    world(store, needs=[N("n1", article=46)], experts=[expert("e1")])
    assert experts.notes(store, [], need="n1") == ["no expert on the roster has expertise on article 46"]


def test_pairings_excluded_candidates(store: Store) -> None:
    world(
        store,
        needs=[N("n1", "KEN", 9), N("n2", "UGA", 9)],
        implementation=[("FRA", 9, "compliant"), ("DEU", 9, "compliant"), ("UGA", 9, "compliant")],
    )
    rows = pairings.pairings(store, need="n1")
    assert rows == []
    assert pairings.notes(store, rows, need="n1") == [
        "n1: 3 States reported compliance on article 9: 2 are OECD-DAC donors, 1 has the same need"
    ]


def test_pairings_for_a_dac_member_and_with_nobody_compliant(store: Store) -> None:
    world(store, needs=[N("n1", "FRA", 9), N("n2", "KEN", 11)])
    assert pairings.notes(store, pairings.pairings(store)) == [
        "n1: FRA is an OECD-DAC member, which gets no South–South pairing",
        "n2: no other State reported compliance on article 11",
    ]


def test_gaps_all_covered(store: Store) -> None:
    world(
        store,
        needs=[N(f"n{a}", "KEN", a) for a in (5, 6, 9, 11)],
        projects=[P("A", articles=[5, 6, 9, 11], end="2010-12-31", start="2009-01-01")],
    )
    rows = gaps.gaps(store, state="KEN", as_of="2009-09-01")
    assert rows == []
    assert gaps.notes(store, rows, state="KEN", as_of="2009-09-01") == [
        "all 4 needs of KEN are covered as of 2009-09-01"
    ]
    assert gaps.notes(store, [], state="UGA", as_of="2009-09-01") == ["no need of UGA is recorded"]
    assert gaps.notes(store, gaps.gaps(store, as_of="2011-01-01"), as_of="2011-01-01") == []  # gaps: no note


def test_overlaps_filters_matching_nothing(store: Store) -> None:
    world(
        store,
        projects=[
            P("A", funders=["P1"], articles=[5]),
            P("B", funders=["P2"], articles=[5], start="2026-01-01", end="2026-12-31"),
            P("C", funders=["P3"], articles=[46], states=["UGA"]),
        ],
    )
    assert overlaps.notes(
        store, overlaps.overlaps(store, state="KEN", article=46), state="KEN", article=46
    ) == ["no live project benefits KEN on article 46"]
    assert overlaps.notes(store, [], state="UGA") == [
        "only 1 live project benefits UGA (C): there is nothing to compare it with"
    ]
    rows = overlaps.overlaps(store, state="KEN")
    assert rows == []
    assert overlaps.notes(store, rows, state="KEN") == [
        "2 live projects benefit KEN, but no two of them share a period without a common funder"
    ]


def test_a_bundle_of_experts_without_consent_warns(store: Store) -> None:
    from tacmap.graph.ingest.bundle import import_bundle
    from tacmap.graph.schema.models import Bundle

    summary = import_bundle(
        store, Bundle(experts=[expert("e1", consent=None), expert("e2", consent=None), expert("e3")])
    )
    expected = (
        "2 experts (e1, e2) have no consent recorded and will not be shortlisted: add a consent column "
        "(yes for each expert who agreed to be listed)"
    )
    assert summary.warnings == [expected]
    assert (
        "warning: 2 experts (e1, e2)" in summary.text() and summary.to_dict()["warnings"] == summary.warnings
    )
    assert import_bundle(store, Bundle(experts=[expert("e3")])).warnings == []
