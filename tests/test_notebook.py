"""The Python API for notebooks (``tacmap.open``): every question as a method, on both stores, each
answer a DataFrame with flat columns, the same rows and notes as the command line's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import tacmap
from tacmap.api.tables import rows_of, table
from tacmap.graph.queries.spec import QUESTIONS, BadParams
from tacmap.graph.store import Store
from tacmap.graph.visibility import parse_audience, seen_by
from tacmap.notebook import Tacmap

from tests.test_api_support import load_seed, seeded_store
from tests.test_questions_both_stores import variants

__all__ = ["seeded_store"]


@pytest.fixture
def seeded(seeded_store: Store) -> Tacmap:
    """The seed on each store kind, loaded once per module (these tests only read)."""
    return Tacmap(seeded_store)


def flat(value: Any) -> bool:
    return not isinstance(value, list | tuple | dict | set)


def test_every_question_is_a_method_giving_a_flat_frame(seeded: Tacmap) -> None:
    for q in QUESTIONS:
        method = getattr(seeded, q.name.replace("-", "_"))
        for values in variants(q)[:2]:  # unfiltered, and with one filter
            answer = method(**values)
            frame = answer.to_frame()
            assert isinstance(frame, pd.DataFrame)
            assert len(frame) == len(answer.rows), (q.name, values)
            assert all(flat(v) for v in frame.to_numpy().ravel()), (q.name, values)
            params = q.check(**values)
            expected = q.ask(seen_by(seeded.store, parse_audience("all")), params)
            assert table(answer.rows) == table(rows_of(q, params, expected)), (q.name, values)
            assert answer.notes == q.notes(seeded.store, params, expected)
    assert {q.name.replace("-", "_") for q in QUESTIONS} <= set(dir(seeded))


def test_lists_are_joined_and_nested_fields_are_columns(seeded: Tacmap) -> None:
    frame = seeded.overlaps().to_frame()
    first = seeded.overlaps().rows[0]
    assert frame.loc[0, "articles"] == "; ".join(str(a) for a in first.articles)
    assert "score_parts.text" in frame.columns and "score_parts" not in frame.columns


def test_an_empty_answer_says_why(seeded: Tacmap) -> None:
    answer = seeded.gaps(as_of="2009-09-01", state="FRA")
    assert answer.rows == [] and answer.to_frame().empty
    assert answer.notes == ["no need of FRA is recorded"]
    assert "note: no need of FRA is recorded" in repr(answer)


def test_an_audience_sees_what_the_command_line_shows_it(seeded: Tacmap) -> None:
    everyone = seeded.gaps(as_of="2009-09-01")
    public = Tacmap(seeded.store, audience="public").gaps(as_of="2009-09-01")
    assert 0 < len(public) < len(everyone)


def test_bad_parameters_and_names_are_refused_plainly(seeded: Tacmap) -> None:
    with pytest.raises(BadParams, match="as_of"):
        seeded.gaps(as_of="01/09/2009")
    with pytest.raises(AttributeError, match="no question or attribute 'overlap'"):
        seeded.overlap()  # a typo a notebook makes
    with pytest.raises(LookupError, match="the questions: overlaps, gaps"):
        seeded.ask("overlap")


def test_open_reads_the_store_the_environment_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("TACMAP_DATA_DIR", str(tmp_path / "env"))
    with tacmap.open() as opened:
        assert opened.store.name == "embedded"
        load_seed(opened.store)
    with tacmap.open(tmp_path / "env") as again:
        assert len(again.overlaps()) > 0
    with tacmap.open(tmp_path / "other") as other:
        assert len(other.overlaps()) == 0
