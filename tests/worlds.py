"""Hand-built worlds for the question tests: compact specs -> a Bundle -> a store.

Shared by every ``tests/test_questions_*.py`` (read-only for other suites). A world names States by
ISO3 code (reference data supplies them) and providers by id (created on the fly from funders and
implementers, so a spec only lists what matters to the rule under test).

    world(store,
          projects=[project("X1", funders=["P1"], states=["KEN"], articles=[5],
                            start="2024-01-01", end="2024-12-31")],
          needs=[need("N1", "KEN", 5, "legal_advice")])
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from tacmap.graph.schema import mapping, reference
from tacmap.graph.schema.models import (
    Bundle,
    Expert,
    Implementation,
    Need,
    Network,
    Project,
    Provider,
)
from tacmap.graph.store.base import Store

# States with a known primary UN regional group (reference data), for readable worlds.
AFRICAN = ("KEN", "NGA", "GHA")
ASIA_PACIFIC = ("IND", "IDN")
GRULAC = ("BRA", "MEX")
WEOG = ("FRA", "DEU")
EASTERN = ("POL",)


def _date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def project(
    id: str,
    *,
    funders: Sequence[str] = ("P1",),
    states: Sequence[str] = ("KEN",),
    articles: Sequence[int] = (5,),
    start: str | date = "2024-01-01",
    end: str | date = "2024-12-31",
    forms: Sequence[str] = (),
    status: str = "ongoing",
    budget: float | None = None,
    network: str | None = None,
    implementer: str | None = None,
    title: str | None = None,
    regions: Sequence[str] = (),
    shares: dict[str, float] | None = None,
    sector_share: float | None = None,
    basis: dict[int, str] | None = None,
    description: str | None = None,
) -> Project:
    """A project record from keyword specs (defaults: funder P1, Kenya, article 5, calendar 2024)."""
    return Project(
        regions=sorted(set(regions)),
        shares=dict(shares or {}),
        sector_share=sector_share,
        id=id,
        title=title or f"Project {id}",
        description=description,
        basis=dict(basis or {}),
        funders=sorted(set(funders)),
        implementer=implementer,
        beneficiaries=sorted(set(states)),
        articles=sorted(set(articles)),
        forms=sorted(set(forms)),
        start=_date(start),
        end=_date(end),
        budget_usd=budget,
        status=status,
        network=network,
    )


def need(
    id: str,
    state: str = "KEN",
    article: int = 5,
    form: str = "legal_advice",
    priority: str | None = "high",
) -> Need:
    """A need record: State ``state`` asks for ``form`` on ``article``."""
    return Need(id=id, state=state, article=article, form=form, priority=priority)


def bundle(
    projects: Iterable[Project] = (),
    needs: Iterable[Need] = (),
    networks: Mapping[str, Sequence[str]] | None = None,
    implementation: Iterable[Implementation | tuple[str, int, str]] = (),
    experts: Iterable[Expert] = (),
    providers: Iterable[Provider] = (),
) -> Bundle:
    """A Bundle; providers named by projects (funders, implementers) are created when not given."""
    projects = list(projects)
    given = {p.id: p for p in providers}
    for p in projects:
        for pid in [*p.funders, *([p.implementer] if p.implementer else [])]:
            given.setdefault(pid, Provider(id=pid, name=f"Provider {pid}", kind="bilateral"))
    nets = dict(networks or {})
    for p in projects:
        if p.network:
            nets.setdefault(p.network, [])
    return Bundle(
        providers=list(given.values()),
        networks=[Network(id=k, name=f"Network {k}", members=sorted(v)) for k, v in nets.items()],
        needs=list(needs),
        projects=projects,
        experts=list(experts),
        implementation=[
            r if isinstance(r, Implementation) else Implementation(state=r[0], article=r[1], status=r[2])
            for r in implementation
        ],
    )


def load(store: Store, data: Bundle) -> Bundle:
    """Write ``data`` into ``store`` (one transaction) and return it."""
    store.write(mapping.to_changes(data))
    return data


def world(
    store: Store,
    *,
    projects: Iterable[Project] = (),
    needs: Iterable[Need] = (),
    networks: Mapping[str, Sequence[str]] | None = None,
    implementation: Iterable[Implementation | tuple[str, int, str]] = (),
    experts: Iterable[Expert] = (),
    providers: Iterable[Provider] = (),
) -> Bundle:
    """Build a Bundle from compact specs (see :func:`bundle`) and import it into ``store``."""
    return load(
        store,
        bundle(
            projects=projects,
            needs=needs,
            networks=networks,
            implementation=implementation,
            experts=experts,
            providers=providers,
        ),
    )


def reset(store: Store, data: Bundle) -> Bundle:
    """Empty ``store`` (reference data stays) and import ``data``: one example of a property test."""
    store.clear()
    return load(store, data)


@functools.cache
def seed_bundle(scale: int = 1) -> Bundle:
    """The illustrative seed world (``seed.generate``), generated once per process."""
    from tacmap.seed.generate import generate

    return generate(scale)


SEED_AS_OF = date(2009, 9, 1)  # the "today" of the seed world


# -- small random worlds (hypothesis) ------------------------------------------------------------

POOL_STATES = ("KEN", "NGA", "IND", "FRA", "PSE")  # PSE: no UN regional group
POOL_ARTICLES = (5, 6, 46)  # chapters II, II, IV
POOL_PROVIDERS = ("P1", "P2", "P3", "P4")
POOL_FORMS = ("legal_advice", "technology", "capacity_building")
POOL_START = date(2024, 1, 1)


def small_worlds(max_projects: int = 12, max_needs: int = 10) -> Any:
    """A hypothesis strategy of (Bundle, as_of): a few States, articles, providers and forms,
    up to 12 projects on short, often touching periods, up to 10 needs, and a day to judge on."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: Any) -> tuple[Bundle, date]:
        projects = []
        for i in range(draw(st.integers(0, max_projects))):
            start = POOL_START + timedelta(days=draw(st.integers(0, 40)))
            states = draw(st.lists(st.sampled_from(POOL_STATES), min_size=1, max_size=3, unique=True))
            stated = draw(st.booleans())  # each State's share stated (IATI percentages), or an even split
            shares = {s: float(draw(st.integers(1, 100 // len(states)))) for s in states} if stated else {}
            articles = draw(st.lists(st.sampled_from(POOL_ARTICLES), min_size=1, max_size=2, unique=True))
            guessed = draw(st.lists(st.sampled_from(articles), unique=True))  # the rest are stated
            projects.append(
                project(
                    f"X{i:02d}",
                    funders=draw(
                        st.lists(st.sampled_from(POOL_PROVIDERS), min_size=0, max_size=2, unique=True)
                    ),
                    states=states,
                    shares=shares,
                    sector_share=draw(st.one_of(st.none(), st.integers(1, 100).map(float))),
                    articles=articles,
                    basis={a: "sector:15113" for a in guessed},
                    forms=draw(st.lists(st.sampled_from(POOL_FORMS), min_size=0, max_size=2, unique=True)),
                    start=start,
                    end=start + timedelta(days=draw(st.integers(0, 30))),
                    status=draw(st.sampled_from(("planned", "ongoing", "completed", "cancelled"))),
                    budget=draw(st.one_of(st.none(), st.integers(0, 1000).map(float))),
                    network=draw(st.one_of(st.none(), st.just("NET1"))),
                    implementer=draw(st.one_of(st.none(), st.sampled_from(POOL_PROVIDERS))),
                )
            )
        needs = [
            need(
                f"N{i:02d}",
                draw(st.sampled_from(POOL_STATES)),
                draw(st.sampled_from(POOL_ARTICLES)),
                draw(st.sampled_from(POOL_FORMS)),
                draw(st.sampled_from(("high", "medium", "low", None))),
            )
            for i in range(draw(st.integers(0, max_needs)))
        ]
        as_of = POOL_START + timedelta(days=draw(st.integers(-5, 75)))
        return bundle(projects=projects, needs=needs), as_of

    return build()


# -- brute-force references, written directly from the contract (graph/queries/README.md) -------
# Naive on purpose: all pairs, a scan of every project per need. The property tests hold both
# stores to them, and bench/questions_a.py times them as the baseline.


def group_of(iso3: str) -> str | None:
    return reference.countries()[iso3].un_group if iso3 in reference.countries() else None


def _live(p: Project) -> bool:
    return p.status != "cancelled"


def ref_overlaps(
    data: Bundle,
    *,
    state: str | None = None,
    article: int | None = None,
    provider: str | None = None,
    group: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict[tuple[str, str], dict[str, Any]]:
    """(project_a, project_b) -> shared states, articles, overlap_days: every pair compared."""
    out = {}
    projects = sorted(data.projects, key=lambda p: p.id)
    for i, a in enumerate(projects):
        for b in projects[i + 1 :]:
            states = sorted(set(a.beneficiaries) & set(b.beneficiaries))
            articles = sorted(set(a.articles) & set(b.articles))
            if not (_live(a) and _live(b) and states and articles and a.start <= b.end and b.start <= a.end):
                continue
            if set(a.funders) & set(b.funders):
                continue
            first, last = max(a.start, b.start), min(a.end, b.end)
            if state is not None and state not in states:
                continue
            if article is not None and article not in articles:
                continue
            if group is not None and not any(group_of(s) == group for s in states):
                continue
            if provider is not None and provider not in {
                *a.funders,
                *b.funders,
                a.implementer,
                b.implementer,
            }:
                continue
            if (start is not None and last < start) or (end is not None and first > end):
                continue
            out[(a.id, b.id)] = {
                "states": states,
                "articles": articles,
                "overlap_days": (last - first).days + 1,
            }
    return out


def covers(p: Project, n: Need, as_of: date) -> bool:
    """Section 2's rule, literally."""
    return (
        _live(p)
        and n.state in p.beneficiaries
        and n.article in p.articles
        and (not p.forms or n.form in p.forms)
        and p.end >= as_of
    )


def stated(p: Project, article: int) -> bool:
    """The project's article is stated (not inferred)."""
    return p.basis.get(article, "stated") == "stated"


def ref_gaps(data: Bundle, as_of: date, stated_only: bool = False) -> dict[str, list[tuple[str, str]]]:
    """need id -> its near-misses [(project, reason)], nearest first, for every gap (with
    ``stated_only``, also every need covered only by projects whose article is inferred)."""
    out = {}
    for n in data.needs:
        if any(covers(p, n, as_of) and (stated(p, n.article) or not stated_only) for p in data.projects):
            continue
        misses = []
        for p in data.projects:
            if not (_live(p) and n.state in p.beneficiaries and n.article in p.articles):
                continue
            form_miss = bool(p.forms) and n.form not in p.forms
            period_miss = p.end < as_of
            reason = (
                "form and period"
                if form_miss and period_miss
                else "form"
                if form_miss
                else "period"
                if period_miss
                else "inferred"
            )
            misses.append(((form_miss + period_miss, max(0, (as_of - p.end).days), p.id), (p.id, reason)))
        out[n.id] = [m for _, m in sorted(misses)[:3]]
    return out


def supply(data: Bundle, as_of: date) -> list[Project]:
    """Live projects ending on or after as_of."""
    return [p for p in data.projects if _live(p) and p.end >= as_of]


def ref_orphans(data: Bundle, as_of: date) -> set[str]:
    served = {s for p in supply(data, as_of) for s in p.beneficiaries}
    return {n.state for n in data.needs} - served


def ref_fragmentation(
    data: Bundle, as_of: date, by_chapter: bool = False
) -> dict[tuple[str, str | None], dict]:
    """(State, chapter or None) -> providers, projects, budget_usd, hhi."""
    chapter = {a: x.chapter for a, x in reference.articles().items()}
    acc: dict[tuple[str, str | None], dict] = {}
    for p in supply(data, as_of):
        chapters = sorted({chapter[a] for a in p.articles}) if by_chapter else [None]
        for s in p.beneficiaries:
            for ch in chapters:
                cell = acc.setdefault(
                    (s, ch), {"providers": set(), "projects": set(), "budget": 0.0, "by": {}}
                )
                cell["providers"] |= set(p.funders)
                cell["projects"].add(p.id)
                if p.budget_usd is None:
                    continue
                amount = p.budget_usd * (p.sector_share if p.sector_share is not None else 100) / 100
                stated = p.shares.get(s)
                part = (amount * stated / 100 if stated is not None else amount / len(p.beneficiaries)) / len(
                    chapters
                )
                cell["budget"] += part
                for f in p.funders:
                    cell["by"][f] = cell["by"].get(f, 0.0) + part / len(p.funders)
    out = {}
    for key, cell in acc.items():
        total = sum(cell["by"].values())
        hhi = sum((100 * v / total) ** 2 for v in cell["by"].values()) if total > 0 else None
        out[key] = {
            "providers": len(cell["providers"]),
            "projects": len(cell["projects"]),
            "budget_usd": cell["budget"],
            "hhi": hhi,
        }
    return out


def project_level(p: Project) -> str:
    from tacmap.graph.schema.regions import regions

    groups = {group_of(s) for s in p.beneficiaries}
    scopes = {regions()[r].scope for r in p.regions}
    if "global" in scopes:
        return "global"
    if len(p.beneficiaries) == 1 and not scopes:
        return "bilateral"
    if scopes or p.network or (len(p.beneficiaries) > 1 and len(groups) == 1 and None not in groups):
        return "regional"
    return "global"


def _empty_cell() -> dict[str, float]:
    return {"needs": 0, "covered": 0, "covered_stated": 0, "projects": 0, "budget_usd": 0.0}


def ref_matrix(data: Bundle, rows: str, cols: str, as_of: date) -> dict[tuple[Any, Any], dict[str, float]]:
    """(row value, col value) -> needs, covered, covered_stated (by a project whose article is
    stated), projects, budget_usd, cell by cell from the records."""
    chapter = {a: x.chapter for a, x in reference.articles().items()}
    live = supply(data, as_of)

    def project_values(p: Project, dim: str) -> list[Any]:
        return {
            "article": sorted(p.articles),
            "chapter": sorted({chapter[a] for a in p.articles}),
            "group": sorted({group_of(s) or "none" for s in p.beneficiaries}),
            "form": sorted(p.forms) or ["unspecified"],
            "level": [project_level(p)],
        }[dim]

    def need_values(n: Need, dim: str) -> list[Any]:
        if dim == "level":
            reach = {project_level(p) for p in live if n.state in p.beneficiaries and n.article in p.articles}
            return sorted(reach) or ["none"]
        return [
            {
                "article": n.article,
                "chapter": chapter[n.article],
                "group": group_of(n.state) or "none",
                "form": n.form,
            }[dim]
        ]

    out: dict[tuple[Any, Any], dict[str, float]] = {}
    for n in data.needs:
        for r in need_values(n, rows):
            for c in need_values(n, cols):
                cell = out.setdefault((r, c), _empty_cell())
                cell["needs"] += 1
                lvl = r if rows == "level" else c if cols == "level" else None
                at_level = [p for p in live if covers(p, n, as_of) and lvl in (None, project_level(p))]
                cell["covered"] += bool(at_level)
                cell["covered_stated"] += any(stated(p, n.article) for p in at_level)
    for p in live:
        cells = [(r, c) for r in project_values(p, rows) for c in project_values(p, cols)]
        for key in cells:
            cell = out.setdefault(key, _empty_cell())
            cell["projects"] += 1
            governed = (p.budget_usd or 0.0) * (p.sector_share if p.sector_share is not None else 100) / 100
            cell["budget_usd"] += governed / len(cells)
    return out


def canonical(rows: list[dict[str, Any]]) -> list[str]:
    """Raw rows of a question in a store-independent form: every list sorted, rows sorted (the
    contract lets list and row order vary between stores)."""
    import json

    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return sorted((norm(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return value

    return sorted(json.dumps(norm(r), sort_keys=True) for r in rows)
