"""Question 3, the needs-vs-supply matrix: hand-built worlds on both stores, the seed on both
stores, random worlds against a cell-by-cell reference, and the JSON/CSV/xlsx outputs
(graph/queries/README.md section 3)."""

from __future__ import annotations

import itertools
import json
import math

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from tacmap.graph.queries import matrix as q
from tacmap.graph.queries.matrix import DIMENSIONS, matrix, to_csv, to_json, to_records, to_xlsx
from tacmap.graph.store import EmbeddedStore

from tests.worlds import (
    SEED_AS_OF,
    canonical,
    need,
    ref_gaps,
    ref_matrix,
    reset,
    seed_bundle,
    small_worlds,
    world,
)
from tests.worlds import project as P

AS_OF = "2024-06-01"


def cells(table: pd.DataFrame) -> dict[tuple, dict]:
    rows, cols = table.attrs["rows"], table.attrs["cols"]
    return {(r[rows], r[cols]): r for r in to_records(table)}


@pytest.fixture
def small(store):
    """KEN, NGA (African), FRA (WEOG), PSE (no group); supply at 2024-06-01: A, B, C, D, E."""
    world(
        store,
        projects=[
            P("A", funders=["P1"], states=["KEN"], articles=[5], forms=["legal_advice"], budget=100.0),
            P("B", funders=["P2"], states=["KEN", "NGA"], articles=[5, 46], forms=[], budget=200.0),
            P("C", funders=["P3"], states=["KEN", "FRA"], articles=[6], forms=["technology"], budget=None),
            P(
                "D",
                funders=["P4"],
                states=["FRA", "NGA"],
                articles=[6],
                forms=["technology"],
                network="NET",
                budget=40.0,
            ),
            P("E", funders=["P1"], states=["PSE", "NGA"], articles=[46], forms=["legal_advice"], budget=10.0),
            P("old", funders=["P1"], states=["KEN"], articles=[6], end="2024-05-31", budget=999.0),
            P("cxl", funders=["P1"], states=["KEN"], articles=[6], status="cancelled", budget=999.0),
        ],
        needs=[
            need("N1", "KEN", 5, "legal_advice"),  # covered by A (bilateral) and B (regional)
            need("N2", "KEN", 5, "technology"),  # covered by B (any form)
            need("N3", "KEN", 6, "legal_advice"),  # C reaches (global), wrong form; old ended: gap
            need("N4", "NGA", 46, "technology"),  # B covers; E reaches, wrong form
            need("N5", "PSE", 9, "technology"),  # nobody reaches
        ],
    )
    return store


def test_article_by_group(small):
    t = matrix(small, "article", "group", as_of=AS_OF)
    assert list(t.columns) == [
        "article",
        "group",
        "needs",
        "covered_stated",
        "covered",
        "coverage_pct_stated",
        "coverage_pct",
        "projects",
        "budget_usd",
    ]
    c = cells(t)
    assert c[(5, "african")] == {
        "article": 5,
        "group": "african",
        "needs": 2,
        "covered_stated": 2,
        "covered": 2,
        "coverage_pct_stated": 100.0,
        "coverage_pct": 100.0,
        "projects": 2,
        "budget_usd": 200.0,
    }  # A 100 + half of B
    # B touches (5|46) x (african): 2 cells, 100 each
    assert c[(46, "african")]["budget_usd"] == 100.0 + 5.0  # B + half of E (E touches african and none)
    assert c[(46, "none")]["budget_usd"] == 5.0
    assert c[(6, "african")]["needs"] == 1 and c[(6, "african")]["covered"] == 0
    assert c[(6, "african")]["coverage_pct"] == 0.0
    assert c[(6, "weog")]["needs"] == 0 and c[(6, "weog")]["coverage_pct"] is None
    assert c[(6, "weog")]["projects"] == 2 and c[(6, "weog")]["budget_usd"] == 20.0  # C (no budget), D 40/2
    assert c[(9, "none")]["needs"] == 1 and c[(9, "none")]["projects"] == 0
    assert list(c) == sorted(
        c,
        key=lambda k: (
            k[0],
            ["african", "asia_pacific", "eastern_european", "grulac", "weog", "none"].index(k[1]),
        ),
    )
    totals = t.attrs["totals"]
    assert totals == {
        "needs": 5,
        "covered_stated": 3,
        "covered": 3,
        "coverage_pct_stated": 60.0,
        "coverage_pct": 60.0,
        "projects": 5,
        "budget_usd": 350.0,
    }
    assert math.isclose(t["budget_usd"].sum(), totals["budget_usd"])  # honest: the column adds up


def test_levels_of_projects(small):
    t = matrix(small, "level", "article", as_of=AS_OF)
    c = cells(t)
    # A: one beneficiary -> bilateral; B: KEN+NGA both African -> regional; D: through a network ->
    # regional; C: KEN (African) + FRA (WEOG) -> global; E: NGA + PSE (no group) -> global
    assert c[("bilateral", 5)]["projects"] == 1
    assert c[("regional", 5)]["projects"] == 1 and c[("regional", 46)]["projects"] == 1
    assert c[("regional", 6)]["projects"] == 1  # D
    assert c[("global", 6)]["projects"] == 1 and c[("global", 46)]["projects"] == 1
    assert list(dict.fromkeys(t["level"])) == ["bilateral", "regional", "global", "none"]


def test_needs_in_level_cells_are_those_reached_and_covered_at_that_level(small):
    c = cells(matrix(small, "level", "form", as_of=AS_OF))
    # N1 reached by A (bilateral) and B (regional), covered by both
    assert (c[("bilateral", "legal_advice")]["needs"], c[("bilateral", "legal_advice")]["covered"]) == (1, 1)
    # regional/legal_advice: N1 (covered by B); regional/technology: N2 (B), N4 (B)
    assert (c[("regional", "legal_advice")]["needs"], c[("regional", "legal_advice")]["covered"]) == (1, 1)
    assert (c[("regional", "technology")]["needs"], c[("regional", "technology")]["covered"]) == (2, 2)
    # global: N3 reached by C (wrong form), N4 reached by E (wrong form)
    assert (c[("global", "legal_advice")]["needs"], c[("global", "legal_advice")]["covered"]) == (1, 0)
    assert (c[("global", "technology")]["needs"], c[("global", "technology")]["covered"]) == (1, 0)
    # N5: no supply reaches it
    assert (c[("none", "technology")]["needs"], c[("none", "technology")]["covered"]) == (1, 0)
    # projects listing no forms sit in "unspecified"
    assert c[("regional", "unspecified")]["projects"] == 1 and c[("regional", "unspecified")]["needs"] == 0


def test_chapter_by_form_and_budget_split(small):
    t = matrix(small, "chapter", "form", as_of=AS_OF)
    c = cells(t)
    assert c[("II", "unspecified")]["budget_usd"] == 100.0  # B: chapters II and IV, one form value
    assert c[("IV", "unspecified")]["budget_usd"] == 100.0
    assert c[("II", "legal_advice")]["needs"] == 2 and c[("II", "legal_advice")]["covered"] == 1
    assert math.isclose(t["budget_usd"].sum(), 350.0)


def test_every_pair_of_dimensions(small):
    for rows, cols in itertools.permutations(DIMENSIONS, 2):
        t = matrix(small, rows, cols, as_of=AS_OF)
        assert t.attrs["totals"]["needs"] == 5 and math.isclose(t["budget_usd"].sum(), 350.0)
        if "level" not in (rows, cols):
            assert t["needs"].sum() == 5 and t["covered"].sum() == 3


def test_bad_dimensions(store):
    with pytest.raises(ValueError, match="differ"):
        matrix(store, "article", "article")
    with pytest.raises(ValueError, match="unknown dimension"):
        matrix(store, "article", "donor")


def test_outputs(small, tmp_path):
    t = matrix(small, "article", "group", as_of=AS_OF)
    records = json.loads(to_json(t, tmp_path / "m.json"))
    assert records == json.loads((tmp_path / "m.json").read_text())
    assert records[0] == {
        "article": 5,
        "group": "african",
        "needs": 2,
        "covered_stated": 2,
        "covered": 2,
        "coverage_pct_stated": 100.0,
        "coverage_pct": 100.0,
        "projects": 2,
        "budget_usd": 200.0,
    }
    assert any(r["coverage_pct"] is None for r in records)
    text = to_csv(t, tmp_path / "m.csv")
    back = pd.read_csv(tmp_path / "m.csv")
    assert text.splitlines()[0] == ",".join(t.columns)
    assert len(back) == len(t) and list(back.columns) == list(t.columns)
    book = openpyxl.load_workbook(to_xlsx(t, tmp_path / "m.xlsx"))
    assert book.sheetnames == ["cells", "coverage", "totals"]
    sheet = book["cells"]
    assert [c.value for c in sheet[1]] == list(t.columns) and sheet.max_row == len(t) + 1
    totals = book["totals"]
    assert [c.value for c in totals[1]][:4] == ["as_of", "needs", "covered_stated", "covered"]
    assert [c.value for c in totals[2]][:4] == [AS_OF, 5, 3, 3]


def test_empty_world(store):
    t = matrix(store, "article", "group", as_of=AS_OF)
    assert len(t) == 0 and t.attrs["totals"]["needs"] == 0 and t.attrs["totals"]["coverage_pct"] is None


@pytest.mark.slow
def test_seed_world_identical_on_both_stores(neo4j_store_session, tmp_path):
    data = seed_bundle()
    embedded = EmbeddedStore(tmp_path / "e")
    try:
        reset(embedded, data)
        reset(neo4j_store_session, data)
        stores = (embedded, neo4j_store_session)
        raws = [s.answer(q.RAW, as_of=SEED_AS_OF.isoformat()) for s in stores]
        assert canonical(raws[0]) == canonical(raws[1])
        for rows, cols in itertools.combinations(DIMENSIONS, 2):
            tables = [q.build(raw, rows, cols, SEED_AS_OF.isoformat()) for raw in raws]
            pd.testing.assert_frame_equal(tables[0], tables[1])
            assert tables[0].attrs == tables[1].attrs
        pd.testing.assert_frame_equal(
            matrix(embedded, "article", "level", as_of=SEED_AS_OF),
            matrix(neo4j_store_session, "article", "level", as_of=SEED_AS_OF),
        )
        t = matrix(embedded, "article", "form", as_of=SEED_AS_OF)
        assert t.attrs["totals"]["covered"] == len(data.needs) - len(ref_gaps(data, SEED_AS_OF))
    finally:
        embedded.close()


def _check_against_reference(t: pd.DataFrame, expected: dict) -> None:
    found = cells(t)
    assert set(found) == set(expected)
    for key, cell in expected.items():
        got = found[key]
        assert (got["needs"], got["covered"], got["covered_stated"], got["projects"]) == (
            cell["needs"],
            cell["covered"],
            cell["covered_stated"],
            cell["projects"],
        )
        assert math.isclose(got["budget_usd"], cell["budget_usd"], abs_tol=0.01), key


def test_random_worlds_match_the_cell_by_cell_reference(store):
    pairs = [*itertools.combinations(DIMENSIONS, 2), ("level", "article"), ("form", "group")]

    @settings(max_examples=10 if store.name == "neo4j" else 30, deadline=None, database=None)
    @given(small_worlds())
    def check(example):
        data, as_of = example
        reset(store, data)
        raw = store.answer(q.RAW, as_of=as_of.isoformat())
        # every pair of dimensions (and some the other way round) from one answer of the store
        for rows, cols in pairs:
            _check_against_reference(
                q.build(raw, rows, cols, as_of.isoformat()), ref_matrix(data, rows, cols, as_of)
            )
        t = matrix(store, "form", "level", as_of=as_of)
        assert t.attrs["totals"]["covered"] == len(data.needs) - len(ref_gaps(data, as_of))
        stated_gaps = len(ref_gaps(data, as_of, stated_only=True))
        assert t.attrs["totals"]["covered_stated"] == len(data.needs) - stated_gaps

    check()


def test_regional_and_global_programmes_count_at_their_level(store):
    """A programme for DAC 289 (South of Sahara, regional) with no State is regional; one for DAC 998
    (developing countries, unspecified) is global, even with a State named; neither reaches a need."""
    world(
        store,
        projects=[
            P("R", states=[], regions=["dac-289"], articles=[5], budget=300.0),
            P("W", states=["KEN"], regions=["dac-998"], articles=[5], budget=50.0),
            P("B", states=["KEN"], articles=[5], budget=10.0),
        ],
        needs=[need("n1", "KEN", 5, "legal_advice")],
    )
    table = cells(matrix(store, rows="article", cols="level", as_of=AS_OF))
    assert table[(5, "regional")]["projects"] == 1 and table[(5, "regional")]["budget_usd"] == 300.0
    assert table[(5, "regional")]["needs"] == 0  # it names no State: it reaches no need
    assert table[(5, "global")]["projects"] == 1 and table[(5, "global")]["needs"] == 1
    assert table[(5, "bilateral")]["projects"] == 1
