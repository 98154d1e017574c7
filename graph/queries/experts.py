"""Expert shortlists (contract: ``graph/queries/README.md``, section 6).

An expert qualifies for a request (State s, article a, form f) when the roster lists expertise
on a, lists f among the forms for it or lists no forms (a generalist), is not a national of
s, and consented to be listed (``consent`` true; consent missing or false: the expert stays
on the roster but is never shortlisted). The database finds the qualifying experts
(``experts.cypher`` on Neo4j, :func:`embedded` on the embedded store: the same rows, never the
email or the gender); this module scores, ranks, balances and explains them once for both stores.

Score: ``score = Σ WEIGHTS[part] × score_parts[part]``, in [0, 1], each part in [0, 1]::

    part        weight  value
    form        0.40    1 when the expert lists f, 0.5 when the expert lists no forms (any form)
    language    0.35    1 when the expert speaks one of s's official languages, else 0
    same_group  0.25    1 when the expert's State is in s's primary UN regional group, else 0

Ranking: score (highest first), then expert id.

Balance: a shortlist of k walks down the ranking and skips an expert whose regional group
already holds ⌈k/2⌉ places. If fewer than k were taken that way (not enough experts of other
groups qualify), the free places are filled from the skipped experts in ranking order; each
of those entries says ``over_cap = True``. Experts whose State has no UN regional group are not
of "one regional group" and are never capped.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from tacmap.graph.queries._notes import facts, plural
from tacmap.graph.queries._results import Result
from tacmap.graph.schema.reference import UN_GROUPS
from tacmap.graph.store.base import Store
from tacmap.graph.store.cypher import RawQuery

WEIGHTS: dict[str, float] = {"form": 0.40, "language": 0.35, "same_group": 0.25}
GENERALIST_FORM_MATCH = 0.5  # an expert listing no forms matches any form, but less specifically


@dataclass(frozen=True, slots=True)
class ShortlistEntry(Result):
    """One expert for one request, with score, parts, ranking position and the balance decision."""

    need: str | None
    state: str
    article: int
    form: str | None
    expert: str
    name: str | None
    nationality: str
    group: str | None
    languages: list[str]
    forms: list[str]
    shared_languages: list[str]
    score: float
    score_parts: dict[str, float]
    rank: int  # position in the full ranking, from 1
    over_cap: bool  # admitted beyond the ⌈k/2⌉ regional cap because too few others qualify
    explanation: str


def score_parts(row: dict[str, Any]) -> dict[str, float]:
    """The parts of a qualifying expert's score, each in [0, 1] (see the module docstring)."""
    return dict(_scored_features(*_features(row))[0])


def score(parts: dict[str, float]) -> float:
    """The weighted sum of the parts, rounded to 4 decimals."""
    return round(sum(WEIGHTS[name] * value for name, value in parts.items()), 4)


def _features(row: dict[str, Any]) -> tuple[bool, bool, bool, bool]:
    forms = row["forms"] or ()
    return (
        row["form"] in forms,
        not forms,
        bool(row["shared_languages"]),
        row["state_group"] is not None and row["state_group"] == row["expert_group"],
    )


@cache
def _scored_features(
    listed: bool, generalist: bool, language: bool, same_group: bool
) -> tuple[tuple[tuple[str, float], ...], float]:
    """Parts and score for one combination of features (16 at most: computed once each)."""
    parts = {
        "form": 1.0 if listed else (GENERALIST_FORM_MATCH if generalist else 0.0),
        "language": 1.0 if language else 0.0,
        "same_group": 1.0 if same_group else 0.0,
    }
    return tuple(parts.items()), score(parts)


def _explain(row: dict[str, Any], parts: dict[str, float]) -> str:
    forms = row["forms"] or []
    reasons = [
        f"expertise on article {row['article']}"
        + (f" listing {row['form']}" if row["form"] in forms else " (no forms listed: any form)"),
        f"national of {row['nationality']}, not of {row['state']}",
    ]
    if row["shared_languages"]:
        reasons.append(f"speaks {', '.join(row['shared_languages'])}, official in {row['state']}")
    if parts["same_group"]:
        reasons.append(f"same UN regional group ({UN_GROUPS.get(row['expert_group'], row['expert_group'])})")
    return "; ".join(reasons)


def _scored(rows: list[dict[str, Any]]) -> list[tuple[float, dict[str, Any], dict[str, float]]]:
    """(score, row, parts) of every qualifying expert, in ranking order (score highest first, then id)."""
    scored = []
    for row in rows:
        if row["expert"] is None:
            continue
        row = {
            **row,
            "languages": sorted(set(row["languages"] or [])),
            "forms": sorted(set(row["forms"] or [])),
            "shared_languages": list(dict.fromkeys(row["shared_languages"] or [])),
        }
        items, value = _scored_features(*_features(row))
        scored.append((value, row, dict(items)))
    scored.sort(key=lambda t: (-t[0], t[1]["expert"]))
    return scored


def _entry(
    rank_: int,
    value: float,
    row: dict[str, Any],
    parts: dict[str, float],
    over_cap: bool,
    k: int | None = None,
) -> ShortlistEntry:
    explanation = _explain(row, parts) + (_over_cap_note(k, row["expert_group"]) if over_cap and k else "")
    return ShortlistEntry(
        need=row["need"],
        state=row["state"],
        article=row["article"],
        form=row["form"],
        expert=row["expert"],
        name=row["name"],
        nationality=row["nationality"],
        group=row["expert_group"],
        languages=row["languages"],
        forms=row["forms"],
        shared_languages=row["shared_languages"],
        score=value,
        score_parts=parts,
        rank=rank_,
        over_cap=over_cap,
        explanation=explanation,
    )


def _over_cap_note(k: int, group: str | None) -> str:
    return (
        f"; over the ⌈{k}/2⌉ = {math.ceil(k / 2)} cap for {group}: not enough experts of other groups qualify"
    )


def rank(rows: list[dict[str, Any]]) -> list[ShortlistEntry]:
    """Every qualifying expert, scored and ranked (score highest first, then expert id)."""
    return [_entry(i, value, row, parts, False) for i, (value, row, parts) in enumerate(_scored(rows), 1)]


def _greedy(groups: list[str | None], k: int) -> list[tuple[int, bool]]:
    """Positions in the ranking taken for a shortlist of k, each with its ``over_cap`` flag.

    Walk the ranking and skip a position whose group already holds ⌈k/2⌉ places (no group: never
    capped); then fill the places left from the skipped positions in ranking order (over the cap).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    cap = math.ceil(k / 2)
    taken: list[tuple[int, bool]] = []
    skipped: list[int] = []
    per_group: Counter[str] = Counter()
    for i, group in enumerate(groups):
        if len(taken) == k:
            break
        if group is not None and per_group[group] >= cap:
            skipped.append(i)
            continue
        taken.append((i, False))
        if group is not None:
            per_group[group] += 1
    return taken + [(i, True) for i in skipped[: k - len(taken)]]


def balance(ranked: list[ShortlistEntry], k: int) -> list[ShortlistEntry]:
    """The first k of ``ranked`` with at most ⌈k/2⌉ per regional group while others qualify.

    Greedy: take experts in ranking order, skipping one whose group is full; then, if places
    remain, fill them from the skipped experts in ranking order, marked ``over_cap``.
    """
    out = []
    for i, over in _greedy([e.group for e in ranked], k):
        entry = ranked[i]
        if over:
            entry = replace(
                entry, over_cap=True, explanation=entry.explanation + _over_cap_note(k, entry.group)
            )
        out.append(entry)
    return out


def _shortlist(rows: list[dict[str, Any]], k: int) -> list[ShortlistEntry]:
    """``balance(rank(rows), k)``, building result objects only for the k experts kept."""
    scored = _scored(rows)
    return [
        _entry(i + 1, scored[i][0], scored[i][1], scored[i][2], over, k)
        for i, over in _greedy([row["expert_group"] for _, row, _ in scored], k)
    ]


def _rows(store: Store, **params: Any) -> list[dict[str, Any]]:
    rows = store.answer(RAW, **params)
    if not rows:
        what = (
            f"need {params['need']!r}"
            if params.get("need") is not None
            else (f"State {params['state']!r} or article {params['article']!r}")
        )
        raise LookupError(f"no {what} in the store")
    return rows


def ranking(store: Store, need: str) -> list[ShortlistEntry]:
    """Every expert who qualifies for ``need`` (a need id), ranked; ``LookupError`` if no such need."""
    return rank(_rows(store, need=need, state=None, article=None, form=None))


def shortlist(store: Store, need: str, k: int = 5) -> list[ShortlistEntry]:
    """The balanced shortlist of ``k`` experts for ``need`` (a need id); ``LookupError`` if no such need.

    Fewer than k entries when fewer experts qualify. Entries admitted beyond the ⌈k/2⌉ regional
    cap (because not enough experts of other groups qualify) have ``over_cap = True``.
    """
    return _shortlist(_rows(store, need=need, state=None, article=None, form=None), k)


def notes(store: Store, rows: list[ShortlistEntry], *, need: str, k: int = 5) -> list[str]:
    """Why experts on the need's article are not in the shortlist, with counts (each expert
    counted once, at the first rule that leaves them out: nationality, form, consent)."""
    f = facts(store)
    if need not in f.needs:
        return []
    state, article, form = f.needs[need]
    experts = f.experts_on.get(article, [])
    if not experts:
        return [f"no expert on the roster has expertise on article {article}"]
    national = [e for e in experts if e.nationality == state]
    rest = [e for e in experts if e.nationality != state]
    other_form = [e for e in rest if e.forms and form not in e.forms]
    rest = [e for e in rest if not e.forms or form in e.forms]
    no_consent = [e for e in rest if not e.consent]
    reasons = [
        f"{len(national)} {'is a national' if len(national) == 1 else 'are nationals'} of {state}"
        if national
        else "",
        f"{len(other_form)} {'does' if len(other_form) == 1 else 'do'} not offer the form {form}"
        if other_form
        else "",
        f"{len(no_consent)} {'lacks' if len(no_consent) == 1 else 'lack'} consent to be listed"
        if no_consent
        else "",
    ]
    reasons = [r for r in reasons if r]
    if not reasons:
        return []
    return [f"{plural(len(experts), 'expert')} on article {article}; " + ", ".join(reasons)]


def shortlist_for(store: Store, state: str, article: int, form: str, k: int = 5) -> list[ShortlistEntry]:
    """The balanced shortlist for a request not (yet) recorded as a need: State ISO3, article, form."""
    return _shortlist(_rows(store, need=None, state=state, article=article, form=form), k)


# -- the embedded twin of experts.cypher -------------------------------------------------------------


def _index(g: Any) -> dict[str, Any]:
    """Experts by article with their nationality and listed forms; needs with their State and article."""
    by_article: dict[int, list[tuple[str, str, list[str], Any, list[Any], Any]]] = {}
    nationality: dict[str, list[str]] = {}
    expertise: list[tuple[str, int, list[str]]] = []
    need_state: dict[str, list[str]] = {}
    need_article: dict[str, list[int]] = {}
    for src, dst, kind, props in g.edges(keys=True, data=True):
        if kind == "NATIONAL_OF":
            nationality.setdefault(src[1], []).append(dst[1])
        elif kind == "EXPERT_IN":
            expertise.append((src[1], dst[1], list(props.get("forms") or [])))
        elif kind == "HAS_NEED":
            need_state.setdefault(dst[1], []).append(src[1])
        elif kind == "ON_ARTICLE":
            need_article.setdefault(src[1], []).append(dst[1])
    for expert, number, forms in expertise:
        props = g.nodes[("Expert", expert)]
        if props.get("consent") is not True:
            continue  # no consent to be listed: on the roster, never shortlisted
        for iso3 in nationality.get(expert, ()):
            by_article.setdefault(number, []).append(
                (
                    expert,
                    iso3,
                    forms,
                    props.get("name"),
                    list(props.get("languages") or []),
                    g.nodes[("State", iso3)].get("un_group"),
                )
            )
    needs = {
        need: [(s, a) for s in states for a in need_article.get(need, ())]
        for need, states in need_state.items()
    }
    return {"by_article": by_article, "needs": needs}


def embedded(
    store: Any,
    *,
    need: str | None = None,
    state: str | None = None,
    article: int | None = None,
    form: str | None = None,
) -> list[dict[str, Any]]:
    """The rows of ``experts.cypher``, computed on the embedded store's networkx projection."""
    ix = store.memo("experts.index", _index)
    g = store.projection()
    requests: list[tuple[Any, Any, Any, str | None]]
    if need is not None:
        props = g.nodes[("Need", need)] if ("Need", need) in g else None
        requests = [(s, a, props.get("form"), need) for s, a in ix["needs"].get(need, ())] if props else []
    else:
        requests = [(state, article, form, None)]
    rows: list[dict[str, Any]] = []
    for iso3, number, wanted, need_id in requests:
        if ("State", iso3) not in g or ("Article", number) not in g:
            continue
        sp = g.nodes[("State", iso3)]
        s_langs = sp.get("languages") or []
        base = {
            "need": need_id,
            "state": iso3,
            "state_group": sp.get("un_group"),
            "article": number,
            "form": wanted,
        }
        found = []
        for expert, nat, forms, name, e_langs, e_group in ix["by_article"].get(number, ()):
            if nat == iso3 or (forms and wanted not in forms):
                continue
            found.append(
                {
                    **base,
                    "expert": expert,
                    "name": name,
                    "nationality": nat,
                    "expert_group": e_group,
                    "languages": list(e_langs),
                    "forms": list(forms),
                    "shared_languages": [lang for lang in s_langs if lang in e_langs],
                }
            )
        rows.extend(
            found
            or [
                {
                    **base,
                    "expert": None,
                    "name": None,
                    "nationality": None,
                    "expert_group": None,
                    "languages": [],
                    "forms": [],
                    "shared_languages": [],
                }
            ]
        )
    return rows


RAW = RawQuery("experts", embedded)
