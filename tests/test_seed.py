"""The illustrative seed world: deterministic, valid, and shaped as seed/README.md promises."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from itertools import combinations
from pathlib import Path

import pytest
from tacmap.graph.schema.models import Bundle, Project, record_key
from tacmap.graph.schema.reference import articles, countries, forms
from tacmap.seed.generate import AS_OF, generate, overlapping_ids

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def world() -> Bundle:
    return generate()


@pytest.fixture(scope="module")
def world2() -> Bundle:
    return generate(scale=2)


def brute_force_overlaps(projects: list[Project]) -> set[str]:
    """Every pair compared: both live, a shared beneficiary and article, periods
    intersecting (inclusive), no common funder."""
    found: set[str] = set()
    for p, q in combinations(projects, 2):
        if (
            p.status != "cancelled"
            and q.status != "cancelled"
            and set(p.beneficiaries) & set(q.beneficiaries)
            and set(p.articles) & set(q.articles)
            and p.start <= q.end
            and q.start <= p.end
            and not set(p.funders) & set(q.funders)
        ):
            found |= {p.id, q.id}
    return found


def digest(bundle: Bundle) -> str:
    return hashlib.sha256(bundle.model_dump_json().encode()).hexdigest()


def test_deterministic(world: Bundle) -> None:
    assert generate() == world
    assert generate(seed=7) != world


def test_deterministic_across_hash_seeds(world: Bundle) -> None:
    """No dependence on set/dict order that PYTHONHASHSEED could change."""
    code = "import hashlib; from seed.generate import generate; "
    code += "print(hashlib.sha256(generate().model_dump_json().encode()).hexdigest())"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == digest(world)


def test_counts(world: Bundle) -> None:
    assert len(world.states) == 137
    assert sum(s.self_assessment_on is not None for s in world.states) == 77
    groups = Counter(countries()[s.iso3].un_group for s in world.states)
    assert set(groups) == {"african", "asia_pacific", "eastern_european", "grulac", "weog"}
    assert 250 <= len(world.projects) <= 350
    assert len(world.experts) == 120
    assert 500 <= len(world.needs) <= 1000


def test_keys_unique(world: Bundle, world2: Bundle) -> None:
    for bundle in (world, world2):
        for name, rows in bundle.tables().items():
            keys = [record_key(r) for r in rows]
            assert len(keys) == len(set(keys)), name


def test_references_resolve(world: Bundle) -> None:
    ref, arts, form_codes = countries(), articles(), forms()
    parties = {s.iso3 for s in world.states}
    providers = {p.id for p in world.providers}
    networks = {n.id for n in world.networks}
    assert parties <= set(ref)
    assert all(p.country is None or p.country in ref for p in world.providers)
    for n in world.networks:
        assert n.members and set(n.members) <= parties
    for need in world.needs:
        assert need.state in parties and need.article in arts and need.form in form_codes
    for p in world.projects:
        assert 1 <= len(p.funders) <= 2 and set(p.funders) <= providers
        assert p.implementer is None or p.implementer in providers
        assert p.beneficiaries and set(p.beneficiaries) <= parties
        assert 1 <= len(p.articles) <= 4 and set(p.articles) <= set(arts)
        assert set(p.forms) <= set(form_codes)
        assert (
            p.network is None
            or p.network in networks
            and set(p.beneficiaries) <= set(next(n.members for n in world.networks if n.id == p.network))
        )
    for e in world.experts:
        assert e.nationality in parties and set(e.articles) <= set(arts) and set(e.forms) <= set(form_codes)
        assert e.recommended_by is None or e.recommended_by in parties
        assert e.email.endswith("@example.org")
    for r in world.implementation:
        assert r.state in parties and r.article in arts


def test_dates_and_status(world: Bundle) -> None:
    for s in world.states:
        assert date(2005, 12, 14) <= s.party_since <= date(2009, 8, 31)
        if s.self_assessment_on:
            assert s.party_since < s.self_assessment_on <= AS_OF
    assessed = {s.iso3: s.self_assessment_on for s in world.states if s.self_assessment_on}
    for need in world.needs:
        assert need.identified_on == assessed[need.state]
        assert "illustrative" in need.source
    for p in world.projects:
        assert p.start <= p.end and p.start.year >= 2005 and p.end.year <= 2013
        assert p.budget_usd is None or 50_000 <= p.budget_usd <= 10_000_000
        assert "illustrative" in p.title
        expected = "completed" if p.end < AS_OF else "planned" if p.start > AS_OF else "ongoing"
        assert p.status in (expected, "cancelled")
    assert any(p.status == "cancelled" for p in world.projects)


def test_needs_only_where_they_can_be(world: Bundle) -> None:
    arts = articles()
    assert all(arts[n.article].chapter not in ("I", "VII", "VIII") for n in world.needs)
    combos = [(n.state, n.article, n.form) for n in world.needs]
    assert len(combos) == len(set(combos))
    by_chapter = Counter(arts[n.article].chapter for n in world.needs)
    assert by_chapter["II"] > by_chapter["III"] and by_chapter["IV"] > by_chapter["V"]


def test_overlap_share(world: Bundle) -> None:
    overlapping = brute_force_overlaps(world.projects)
    assert overlapping == overlapping_ids(world.projects)
    assert 0.05 <= len(overlapping) / len(world.projects) <= 0.10


def test_gaps_and_orphans(world: Bundle) -> None:
    live = [p for p in world.projects if p.status != "cancelled"]
    covered = {
        (s, a, f) for p in live for s in p.beneficiaries for a in p.articles for f in (p.forms or forms())
    }
    gaps = [n for n in world.needs if (n.state, n.article, n.form) not in covered]
    assert gaps and len(gaps) < len(world.needs)
    reached = {s for p in world.projects for s in p.beneficiaries}
    orphans = {n.state for n in world.needs} - reached
    assert len(orphans) >= 1


def test_scale_two(world: Bundle, world2: Bundle) -> None:
    assert len(world2.states) == len(world.states)
    assert len(world2.needs) == 2 * len(world.needs)
    assert len(world2.experts) == 2 * len(world.experts)
    assert abs(len(world2.projects) - 2 * len(world.projects)) <= 0.05 * len(world.projects)


def test_named_providers(world: Bundle) -> None:
    kinds = {p.id: p.kind for p in world.providers}
    assert kinds["gtz"] == kinds["dfid"] == kinds["finland"] == "bilateral"
    assert kinds["undp"] == kinds["unodc"] == "un_entity"
    assert kinds["govnet"] == "multilateral" and kinds["qatar"] == "state"
    assert kinds["u4"] in ("ngo", "other")
    countries_of = {p.id: p.country for p in world.providers}
    assert (countries_of["gtz"], countries_of["dfid"], countries_of["finland"], countries_of["qatar"]) == (
        "DEU",
        "GBR",
        "FIN",
        "QAT",
    )
    south = [p for p in world.providers if p.kind == "state" and not countries()[p.country].dac_member]
    assert len(south) >= 3


def test_implementation_consistent_with_needs(world: Bundle) -> None:
    needed = {(n.state, n.article) for n in world.needs}
    assert all(r.status != "compliant" for r in world.implementation if (r.state, r.article) in needed)
    assessed = {s.iso3 for s in world.states if s.self_assessment_on}
    assert {r.state for r in world.implementation} == assessed
    # Fewer needs, more compliant reports: the evidence South-South pairing rests on.
    need_count = Counter(n.state for n in world.needs)
    compliant = Counter(r.state for r in world.implementation if r.status == "compliant")
    few = [compliant[s] for s in assessed if need_count[s] <= 3]
    many = [compliant[s] for s in assessed if need_count[s] >= 15]
    assert few and many and sum(few) / len(few) > 2 * sum(many) / len(many)
