"""Every question of the registry gives the same answer, notes included, on both stores on the
illustrative seed: unfiltered and with each of its parameters set to its documented example.

The parameter sets come from the registry's own models (``graph/queries/spec.py``), so a question
or a parameter added later is compared here without a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tacmap.graph.queries.spec import QUESTIONS, BadParams, Question
from tacmap.graph.store import EmbeddedStore, Store

from tests.test_api_support import load_seed, seed_bundle

AS_OF = "2009-09-01"


def variants(q: Question) -> list[dict[str, Any]]:
    """The question as an officer asks it first, then with each parameter at its example."""
    base: dict[str, Any] = {"as_of": AS_OF} if "as_of" in q.params.model_fields else {}
    if q.name == "experts":
        base["need"] = min(n.id for n in seed_bundle().needs if n.visibility == "public")
    out = [base]
    for name, spec in q.params.model_fields.items():
        if spec.examples and name not in base:
            out.append({**base, name: spec.examples[0]})
    checked = []
    for values in out:
        try:
            q.check(**values)
        except BadParams:
            continue  # an example that breaks a rule between parameters (darlings with state)
        checked.append(values)
    return checked


CASES = [(q.name, values) for q in QUESTIONS for values in variants(q)]


@pytest.fixture(scope="module")
def both(
    neo4j_store_session: Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Store]]:
    embedded = EmbeddedStore(Path(tmp_path_factory.mktemp("both")))
    load_seed(embedded)
    neo4j_store_session.clear()
    load_seed(neo4j_store_session)
    yield embedded, neo4j_store_session
    embedded.close()
    neo4j_store_session.clear()


def plain(q: Question, answer: Any) -> Any:
    if q.shape == "matrix":
        from tacmap.graph.queries.matrix import to_records

        return {"cells": to_records(answer), "totals": answer.attrs["totals"]}
    if q.shape == "metrics":
        return answer.to_dict()
    return [r.to_dict() for r in answer]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "values"), CASES, ids=[f"{n}-{'-'.join(map(str, v.values()))}" for n, v in CASES]
)
def test_same_answer_on_both_stores(name: str, values: dict[str, Any], both: tuple[Store, Store]) -> None:
    q = next(q for q in QUESTIONS if q.name == name)
    params = q.check(**values)
    answers = []
    for store in both:
        answer = q.ask(store, params)
        answers.append((plain(q, answer), q.notes(store, params, answer)))
    assert answers[0] == answers[1]


def test_every_question_is_compared_with_and_without_filters() -> None:
    asked = {name for name, _ in CASES}
    assert asked == {q.name for q in QUESTIONS}
    filtered = {name for name, values in CASES if set(values) - {"as_of"}}
    assert filtered >= {q.name for q in QUESTIONS if q.params.model_fields and q.name != "experts"} - {
        "network-metrics"
    }
