"""Coverage's evidence and regional reach on the seed world at scale 1 and 10, made to carry both:
every third project's first article inferred from a sector code, every seventh project a regional
programme (DAC 289, its States dropped), every eleventh reaching DAC 998 besides its States. The raw
rows of gaps (both ways) and of the matrix are identical on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from tacmap.graph.queries import gaps as g
from tacmap.graph.queries import matrix as m
from tacmap.graph.schema.models import Bundle
from tacmap.graph.store import EmbeddedStore, Store

from tests.worlds import SEED_AS_OF, canonical, reset, seed_bundle


def evidenced(data: Bundle) -> Bundle:
    projects = []
    for i, p in enumerate(sorted(data.projects, key=lambda p: p.id)):
        update: dict[str, object] = {}
        if i % 3 == 0 and p.articles:
            update["basis"] = {min(p.articles): "sector:15113"}
        if i % 7 == 0:
            update.update(beneficiaries=[], shares={}, regions=["dac-289"])
        elif i % 11 == 0:
            update["regions"] = ["dac-998"]
        projects.append(p.model_copy(update=update))
    return data.model_copy(update={"projects": projects})


@pytest.mark.slow
@pytest.mark.parametrize("scale", [1, 10])
def test_seed_with_evidence_identical_on_both_stores(
    neo4j_store_session: Store, tmp_path: Path, scale: int
) -> None:
    data = evidenced(seed_bundle(scale))
    embedded = EmbeddedStore(tmp_path / "e")
    try:
        stores = (embedded, neo4j_store_session)
        for store in stores:
            reset(store, data)
        for stated_only in (False, True):
            p = g.params(as_of=SEED_AS_OF, stated_only=stated_only)
            raws = [canonical(s.answer(g.RAW, **p)) for s in stores]
            assert raws[0] == raws[1]
            answers = [
                [x.to_dict() for x in g.gaps(s, as_of=SEED_AS_OF, stated_only=stated_only)] for s in stores
            ]
            assert answers[0] == answers[1]
        kinds = {x["coverage"] for x in answers[0]}
        assert {"gap", "covered (inferred)", "reached regionally"} <= kinds  # the world shows each status
        raws = [canonical(s.answer(m.RAW, as_of=SEED_AS_OF.isoformat())) for s in stores]
        assert raws[0] == raws[1]
        totals = m.matrix(embedded, "article", "level", as_of=SEED_AS_OF).attrs["totals"]
        assert totals["covered_stated"] < totals["covered"]  # a range, not one number
    finally:
        embedded.close()
        neo4j_store_session.clear()
