"""South–South pairing (contract: ``graph/queries/README.md``, section 5).

For a need (State s, article a) the candidate peers are the States p ≠ s that reported
``compliant`` on a, have no need of their own on a, and are not OECD-DAC members (a DAC
member s gets no pairing at all). The database finds the candidates and their facts
(``pairings.cypher`` on Neo4j, :func:`embedded` on the embedded store: the same rows); this
module scores, ranks and explains them once for both stores.

Score: ``score = Σ WEIGHTS[part] × score_parts[part]``, in [0, 1], each part in [0, 1]::

    part        weight  value
    same_group  0.35    1 when p's primary UN regional group is s's, else 0
    networks    0.25    min(networks both belong to, 3) / 3
    language    0.20    1 when s and p share an official language, else 0
    experts     0.20    min(experts of p's nationality with expertise on a, 3) / 3

A pairing is *reciprocal* when p has a need on some article b on which s reported
``compliant``; ``reciprocal_articles`` names every such b. Reciprocity does not change the
score (it is an extra reason to pick a peer, shown next to it).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from tacmap.graph.queries._notes import facts, needs_matching, plural
from tacmap.graph.queries._results import Result
from tacmap.graph.schema.reference import UN_GROUPS
from tacmap.graph.store.base import Store
from tacmap.graph.store.cypher import RawQuery

WEIGHTS: dict[str, float] = {"same_group": 0.35, "networks": 0.25, "language": 0.20, "experts": 0.20}
NETWORKS_CAP = 3  # shared networks beyond this add nothing
EXPERTS_CAP = 3  # experts beyond this add nothing


@dataclass(frozen=True, slots=True)
class Pairing(Result):
    """One candidate peer for one need, with its score, the parts of the score and the reasons."""

    need: str
    state: str
    state_name: str | None
    state_group: str | None
    article: int
    article_title: str | None
    form: str | None
    priority: str | None
    peer: str
    peer_name: str | None
    peer_group: str | None
    score: float
    score_parts: dict[str, float]
    shared_networks: list[str]
    shared_languages: list[str]
    peer_experts: list[str]
    reciprocal: bool
    reciprocal_articles: list[int]
    explanation: str


def score_parts(row: dict[str, Any]) -> dict[str, float]:
    """The parts of a candidate row's score, each in [0, 1] (see the module docstring)."""
    return dict(_scored(*_features(row))[0])


def score(parts: dict[str, float]) -> float:
    """The weighted sum of the parts, rounded to 4 decimals."""
    return round(sum(WEIGHTS[name] * value for name, value in parts.items()), 4)


def _features(row: dict[str, Any]) -> tuple[bool, int, bool, int]:
    return (
        row["state_group"] is not None and row["state_group"] == row["peer_group"],
        min(len(row["shared_networks"]), NETWORKS_CAP),
        bool(row["shared_languages"]),
        min(len(row["peer_experts"]), EXPERTS_CAP),
    )


@cache
def _scored(
    same_group: bool, networks: int, language: bool, experts: int
) -> tuple[tuple[tuple[str, float], ...], float]:
    """Parts and score for one combination of features (there are only 64: computed once each)."""
    parts = {
        "same_group": 1.0 if same_group else 0.0,
        "networks": round(networks / NETWORKS_CAP, 4),
        "language": 1.0 if language else 0.0,
        "experts": round(experts / EXPERTS_CAP, 4),
    }
    return tuple(parts.items()), score(parts)


def _explain(row: dict[str, Any], parts: dict[str, float]) -> str:
    peer, state, article = row["peer"], row["state"], row["article"]
    reasons = [f"{peer} reported compliant on article {article} and has no need of its own on it"]
    if parts["same_group"]:
        reasons.append(f"same UN regional group ({UN_GROUPS.get(row['peer_group'], row['peer_group'])})")
    if row["shared_networks"]:
        n = len(row["shared_networks"])
        reasons.append(f"{n} shared network{'s' if n > 1 else ''} ({', '.join(row['shared_networks'])})")
    if row["shared_languages"]:
        reasons.append(f"shared official language ({', '.join(row['shared_languages'])})")
    if row["peer_experts"]:
        n = len(row["peer_experts"])
        reasons.append(f"{n} expert{'s' if n > 1 else ''} of {peer} nationality on article {article}")
    if row["reciprocal_articles"]:
        arts = ", ".join(str(b) for b in row["reciprocal_articles"])
        reasons.append(f"reciprocal: {state} reported compliant on article {arts}, where {peer} has a need")
    return "; ".join(reasons)


def finish(rows: list[dict[str, Any]], limit_per_need: int | None = None) -> list[Pairing]:
    """Score, rank and explain raw rows: by need id, then score (highest first), then peer ISO3.

    Rows come from either store with their lists sorted and distinct (the Cypher and its twin say
    so; the conformance tests compare the raw rows). Scores are computed first and the result
    objects only for the rows kept by ``limit_per_need``.
    """
    scored = []
    for row in rows:
        items, value = _scored(*_features(row))
        scored.append((row["need"], -value, row["peer"], value, items, row))
    scored.sort(key=lambda t: t[:3])
    if limit_per_need is not None:
        seen: dict[str, int] = defaultdict(int)
        kept = []
        for t in scored:
            seen[t[0]] += 1
            if seen[t[0]] <= limit_per_need:
                kept.append(t)
        scored = kept
    out: list[Pairing] = []
    for _, _, _, value, items, row in scored:
        parts = dict(items)
        out.append(
            Pairing(
                **row,
                score=value,
                score_parts=parts,
                reciprocal=bool(row["reciprocal_articles"]),
                explanation=_explain(row, parts),
            )
        )
    return out


def _gap_need_ids(store: Store, as_of: date | None, **filters: Any) -> list[str]:
    """Ids of the needs that are gaps (section 2), from the gaps question's public function."""
    from tacmap.graph.queries.gaps import gaps  # lazy: another question, used only for gaps_only

    wanted = {k: v for k, v in filters.items() if v is not None}
    found = gaps(store, as_of=as_of, **wanted) if as_of is not None else gaps(store, **wanted)
    return sorted({getattr(g.need, "id", g.need) for g in found})


def pairings(
    store: Store,
    *,
    need: str | None = None,
    state: str | None = None,
    group: str | None = None,
    article: int | None = None,
    limit_per_need: int | None = None,
    gaps_only: bool = False,
    as_of: date | None = None,
) -> list[Pairing]:
    """South–South pairings: for each need matching the filters, its candidate peers ranked by score.

    ``need`` (need id), ``state`` (ISO3 of the requesting State), ``group`` (its UN regional group
    code) and ``article`` filter the needs; ``gaps_only`` keeps only needs that are gaps at ``as_of``
    (default today, as the gaps question defines it). ``limit_per_need`` keeps the best N peers of
    each need. Ordered by need id, then score (highest first), then peer ISO3.
    """
    if limit_per_need is not None and limit_per_need < 1:
        raise ValueError("limit_per_need must be at least 1")
    if group is not None and group not in UN_GROUPS:
        raise ValueError(f"unknown UN regional group {group!r}: choose one of {', '.join(UN_GROUPS)}")
    needs = (
        _gap_need_ids(store, as_of, need=need, state=state, group=group, article=article)
        if gaps_only
        else None
    )
    if needs is not None and not needs:
        return []
    # hidden=None: every need; a view of the store for one audience fills in what it hides
    rows = store.answer(RAW, need=need, state=state, group=group, article=article, needs=needs, hidden=None)
    return finish(rows, limit_per_need)


NOTES_LISTED = 5  # needs without a peer named one by one; the others are counted


def notes(
    store: Store,
    rows: list[Pairing],
    *,
    need: str | None = None,
    state: str | None = None,
    group: str | None = None,
    article: int | None = None,
    limit_per_need: int | None = None,
    gaps_only: bool = False,
    as_of: date | None = None,
) -> list[str]:
    """For each selected need that got no peer, why the States that reported compliance on its
    article were left out: OECD-DAC donors, or the same need of their own."""
    f = facts(store)
    selected = needs_matching(f, need=need, state=state, article=article, group=group)
    if gaps_only:
        selected = [
            n
            for n in selected
            if n in _gap_need_ids(store, as_of, need=need, state=state, group=group, article=article)
        ]
    paired = {p.need for p in rows}
    out = []
    for n in (n for n in selected if n not in paired):
        s, a, _ = f.needs[n]
        if s in f.dac:
            out.append(f"{n}: {s} is an OECD-DAC member, which gets no South–South pairing")
            continue
        reported = sorted(f.compliant_on.get(a, set()) - {s})
        if not reported:
            out.append(f"{n}: no other State reported compliance on article {a}")
            continue
        dac = [p for p in reported if p in f.dac]
        same = [p for p in reported if p not in f.dac and p in f.needs_on.get(a, set())]
        reasons = [
            f"{len(dac)} {'is an OECD-DAC donor' if len(dac) == 1 else 'are OECD-DAC donors'}" if dac else "",
            f"{len(same)} {'has' if len(same) == 1 else 'have'} the same need" if same else "",
        ]
        if any(reasons):
            out.append(
                f"{n}: {plural(len(reported), 'State')} reported compliance on article {a}: "
                + ", ".join(r for r in reasons if r)
            )
    if len(out) > NOTES_LISTED:
        out = out[:NOTES_LISTED] + [f"and {len(out) - NOTES_LISTED} more needs without a peer"]
    return out


# -- the embedded twin of pairings.cypher ------------------------------------------------------------


def _index(g: Any, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Facts the candidate search needs, read once per version of the data (and set of hidden needs:
    those are left out, as if they did not exist)."""
    states: dict[str, dict[str, Any]] = {}
    articles: dict[int, dict[str, Any]] = {}
    needs: dict[str, dict[str, Any]] = {}
    need_articles: dict[str, set[int]] = defaultdict(set)  # State -> articles it has a need on
    compliant_on: dict[int, set[str]] = defaultdict(set)  # article -> States compliant on it
    compliant_by: dict[str, set[int]] = defaultdict(set)  # State -> articles it is compliant on
    networks: dict[str, set[str]] = defaultdict(set)  # State -> networks it is a member of
    experts: dict[tuple[str, int], set[str]] = defaultdict(set)  # (nationality, article) -> expert ids
    for ref, props in g.nodes(data=True):
        if ref[0] == "State":
            states[ref[1]] = props
        elif ref[0] == "Article":
            articles[ref[1]] = props
    expert_nationality: dict[str, list[str]] = defaultdict(list)
    expert_articles: dict[str, list[int]] = defaultdict(list)
    need_state: dict[str, str] = {}
    need_article: dict[str, list[int]] = defaultdict(list)
    for src, dst, kind, props in g.edges(keys=True, data=True):
        if kind == "HAS_NEED":
            if dst[1] not in hidden:
                need_state[dst[1]] = src[1]
        elif kind == "ON_ARTICLE":
            need_article[src[1]].append(dst[1])
        elif kind == "REPORTED":
            if props.get("status") == "compliant":
                compliant_on[dst[1]].add(src[1])
                compliant_by[src[1]].add(dst[1])
        elif kind == "MEMBER_OF":
            networks[src[1]].add(dst[1])
        elif kind == "NATIONAL_OF":
            expert_nationality[src[1]].append(dst[1])
        elif kind == "EXPERT_IN":
            expert_articles[src[1]].append(dst[1])
    for expert, nationalities in expert_nationality.items():
        for iso3 in nationalities:
            for number in expert_articles.get(expert, ()):
                experts[(iso3, number)].add(expert)
    for need_id, iso3 in need_state.items():
        for number in need_article.get(need_id, ()):
            need_articles[iso3].add(number)
            needs.setdefault(need_id, {"id": need_id, "state": iso3, "articles": []})["articles"].append(
                number
            )
    for need_id, entry in needs.items():
        entry["props"] = g.nodes[("Need", need_id)]
        entry["group"] = states.get(entry["state"], {}).get("un_group")
    by_article: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in needs.values():
        for a in dict.fromkeys(entry["articles"]):
            by_article[a].append(entry)
    # candidate peers of any need on article a: compliant on a, no need of their own on a, not DAC
    eligible = {
        a: sorted(
            p for p in found if not states.get(p, {}).get("dac_member") and a not in need_articles.get(p, ())
        )
        for a, found in compliant_on.items()
    }
    return {
        "states": states,
        "articles": articles,
        "needs": needs,
        "needs_by_state": _group_by(needs.values(), "state"),
        "needs_by_group": _group_by(needs.values(), "group"),
        "needs_by_article": by_article,
        "need_articles": need_articles,
        "compliant_on": compliant_on,
        "compliant_by": compliant_by,
        "networks": networks,
        "experts": {key: sorted(ids) for key, ids in experts.items()},
        "eligible": eligible,
    }


def _group_by(entries: Any, key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        out[entry[key]].append(entry)
    return out


def embedded(
    store: Any,
    *,
    need: str | None = None,
    state: str | None = None,
    group: str | None = None,
    article: int | None = None,
    needs: list[str] | None = None,
    hidden: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The rows of ``pairings.cypher``, computed on the embedded store's networkx projection."""
    if hidden:
        gone = frozenset(hidden)
        digest = hashlib.sha256("\n".join(sorted(gone)).encode()).hexdigest()[:16]
        ix = store.memo(f"pairings.index.{digest}", lambda g: _index(g, gone))
    else:
        ix = store.memo("pairings.index", _index)
    states = ix["states"]
    # start from the smallest index that the filters allow; every filter is still checked below
    if need is not None:
        chosen = [ix["needs"][need]] if need in ix["needs"] else []
    elif needs is not None:
        chosen = [ix["needs"][n] for n in dict.fromkeys(needs) if n in ix["needs"]]
    else:
        options = [list(ix["needs"].values())]
        if state is not None:
            options.append(ix["needs_by_state"].get(state, []))
        if group is not None:
            options.append(ix["needs_by_group"].get(group, []))
        if article is not None:
            options.append(ix["needs_by_article"].get(article, []))
        chosen = min(options, key=len)
    wanted = set(needs) if needs is not None else None
    pair_facts: dict[tuple[str, str], tuple[list[str], list[str], list[int]]] = {}
    rows: list[dict[str, Any]] = []
    for entry in chosen:
        s = entry["state"]
        sp = states.get(s, {})
        if (
            (need is not None and entry["id"] != need)
            or (state is not None and s != state)
            or (group is not None and sp.get("un_group") != group)
            or (wanted is not None and entry["id"] not in wanted)
            or sp.get("dac_member")
        ):
            continue
        base = {
            "need": entry["id"],
            "state": s,
            "state_name": sp.get("name"),
            "state_group": sp.get("un_group"),
            "form": entry["props"].get("form"),
            "priority": entry["props"].get("priority"),
        }
        for a in entry["articles"]:
            if article is not None and a != article:
                continue
            title = ix["articles"].get(a, {}).get("title")
            for p in ix["eligible"].get(a, ()):
                if p == s:
                    continue
                facts = pair_facts.get((s, p))
                if facts is None:
                    facts = pair_facts[(s, p)] = _pair_facts(ix, s, p)
                pp = states[p]
                rows.append(
                    {
                        **base,
                        "article": a,
                        "article_title": title,
                        "peer": p,
                        "peer_name": pp.get("name"),
                        "peer_group": pp.get("un_group"),
                        "shared_languages": list(facts[0]),
                        "shared_networks": list(facts[1]),
                        "peer_experts": list(ix["experts"].get((p, a), ())),
                        "reciprocal_articles": list(facts[2]),
                    }
                )
    return rows


def _pair_facts(ix: dict[str, Any], s: str, p: str) -> tuple[list[str], list[str], list[int]]:
    """What a requesting State s and a peer p share: languages (in s's order), networks, and the
    articles of p's needs on which s reported compliant."""
    p_langs = ix["states"][p].get("languages") or []
    s_compliant = ix["compliant_by"].get(s, set())
    return (
        [lang for lang in ix["states"].get(s, {}).get("languages") or [] if lang in p_langs],
        sorted(ix["networks"].get(s, set()) & ix["networks"].get(p, set())),
        sorted(b for b in ix["need_articles"].get(p, ()) if b in s_compliant),
    )


RAW = RawQuery("pairings", embedded)
