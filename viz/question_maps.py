"""The maps drawn from a question's answer: overlaps, gaps and pairings.

Each takes the answer of the question's public function in ``graph/queries`` (so the map and the table
at ``/overlaps``, ``/gaps``, ``/pairings`` always agree) and the projection for names and places.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
from tacmap.graph.store.base import Store
from tacmap.i18n import N_, _, day, ngettext, number
from tacmap.viz import describe, nodes
from tacmap.viz.filters import Filters, state_ok
from tacmap.viz.filters import describe as describe_filters
from tacmap.viz.graphview import in_keys, name, out_keys
from tacmap.viz.maps import sentence
from tacmap.viz.render import MapSpec
from tacmap.viz.style import PRIORITY_SIZES, legend

PEERS_PER_NEED = 3  # a pairing map shows the best three peers of each need
# Why a near miss does not cover a gap (the reasons the gaps question gives), as a sentence.
NEAR_MISS_REASONS: dict[str, str] = {
    "form": N_("{title} (its form does not match)"),
    "period": N_("{title} (its period does not match)"),
    "form and period": N_("{title} (its form and period do not match)"),
}


def _days(n: int) -> str:
    return ngettext("{count} day", "{count} days", n).format(count=n)


def overlaps(store: Store, g: nx.MultiDiGraph, f: Filters) -> MapSpec:
    """Projects that may duplicate each other, their shared States and their funders."""
    from tacmap.graph.queries.overlaps import overlaps as ask

    on = f.as_of
    pairs = ask(store, state=f.state, article=f.article, provider=f.provider, group=f.group, start=on, end=on)
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    involved: dict[str, list[str]] = defaultdict(list)  # project -> other project ids
    where: dict[str, set[str]] = defaultdict(set)  # project -> shared States
    for o in pairs:
        involved[o.project_a].append(o.project_b)
        involved[o.project_b].append(o.project_a)
        where[o.project_a].update(o.states)
        where[o.project_b].update(o.states)
    for s in sorted({s for states in where.values() for s in states}):
        out.add_node(f"State:{s}", **nodes.state(g, s))
    funders = sorted({fu for p in involved for fu in in_keys(g, ("Project", p), "FUNDS")})
    for fu in funders:
        out.add_node(f"Provider:{fu}", **nodes.provider(g, fu))
    for p in sorted(involved):
        others = sorted(set(involved[p]))
        extra = [
            ngettext(
                "May duplicate {count} other project: {titles}",
                "May duplicate {count} other projects: {titles}",
                len(others),
            ).format(count=len(others), titles=describe.listing([name(g, ("Project", x)) for x in others], 3))
        ]
        out.add_node(
            f"Project:{p}",
            **nodes.project_node(
                g, p, extra, variant="overlapping", near=[f"State:{s}" for s in sorted(where[p])]
            ),
        )
        for s in sorted(where[p]):
            out.add_edge(
                f"Project:{p}",
                f"State:{s}",
                key="benefits",
                kind="benefits",
                tooltip=sentence("BENEFITS", name(g, ("Project", p)), name(g, ("State", s))),
            )
        for fu in in_keys(g, ("Project", p), "FUNDS"):
            out.add_edge(
                f"Provider:{fu}",
                f"Project:{p}",
                key="funds",
                kind="funds",
                tooltip=sentence("FUNDS", name(g, ("Provider", fu)), name(g, ("Project", p))),
            )
    for o in pairs:

        def funder_names(ids: list[str]) -> str:
            return describe.listing([name(g, ("Provider", x)) for x in ids]) or _("no funder given")

        lines = [
            _("Possible duplication (score {score} of 1)").format(score=number(float(o.score), 2)),
            _("{a} and {b}").format(a=name(g, ("Project", o.project_a)), b=name(g, ("Project", o.project_b))),
            _("Both benefit {states}").format(
                states=describe.listing([name(g, ("State", s)) for s in o.states])
            ),
            ngettext("Shared article: {articles}", "Shared articles: {articles}", len(o.articles)).format(
                articles=describe.listing([describe.article_name(a) for a in o.articles], 4)
            ),
            _("{days} together: {start} to {end}").format(
                days=_days(o.overlap_days), start=day(o.start), end=day(o.end)
            ),
            _("Forms named by both: {forms}").format(
                forms=describe.listing([describe.words(x) for x in o.forms]) or _("none")
            ),
            _("Funded by {a} and by {b}: no common funder").format(
                a=funder_names(o.funders_a), b=funder_names(o.funders_b)
            ),
        ]
        out.add_edge(
            f"Project:{o.project_a}",
            f"Project:{o.project_b}",
            key="overlap",
            kind="overlap",
            tooltip="\n".join(lines),
            width=2.0 + 4.0 * float(o.score),
        )
    return MapSpec(
        graph=out,
        title=_("Overlap map: projects that may duplicate each other"),
        filters=describe_filters(g, f, _("any date")),
        legend=legend(["Project:overlapping", "State", "Provider"], ["overlap", "benefits", "funds"]),
        notes=[
            ngettext(
                "{count} pair of live projects share a State, an article and part of their period, with no "
                "common funder. Thicker red line: higher score.",
                "{count} pairs of live projects share a State, an article and part of their period, with no "
                "common funder. Thicker red line: higher score.",
                len(pairs),
            ).format(count=len(pairs))
        ],
    )


def _need_id(value: Any) -> str:
    return str(getattr(value, "id", value))


def _near_miss_text(miss: Any) -> str:
    """One near miss in words, whatever shape the gaps question gives it."""
    if isinstance(miss, str):
        return miss
    get = miss.get if isinstance(miss, dict) else lambda k, d=None: getattr(miss, k, d)
    title = get("title") or get("project")
    reason = get("reason") or get("explanation") or get("why") or ""
    text = NEAR_MISS_REASONS.get(reason)
    if text is None:
        return str(title) + (f" ({reason})" if reason else "")
    return _(text).format(title=title)


def gaps(store: Store, g: nx.MultiDiGraph, f: Filters) -> MapSpec:
    """States and their needs: covered, gap with a near miss, or gap."""
    from tacmap.graph.queries.gaps import gaps as ask

    params: dict[str, Any] = {
        k: v for k, v in {"state": f.state, "group": f.group, "article": f.article}.items() if v is not None
    }
    if f.as_of is not None:
        params["as_of"] = f.as_of
    found = {_need_id(x.need): x for x in ask(store, **params)}
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    tally: dict[str, dict[str, int]] = defaultdict(lambda: {"covered": 0, "near_miss": 0, "gap": 0})
    needs = []
    for u, v, k in g.edges(keys=True):
        if k != "HAS_NEED" or not state_ok(g, u[1], f):
            continue
        articles = [int(a) for a in out_keys(g, v, "ON_ARTICLE")]
        if f.article is not None and f.article not in articles:
            continue
        needs.append((u[1], v[1]))
    when = day(f.as_of) if f.as_of else _("today")
    for s, nid in sorted(needs):
        gap = found.get(nid)
        misses = list(getattr(gap, "near_misses", None) or []) if gap is not None else []
        variant = "covered" if gap is None else "near_miss" if misses else "gap"
        tally[s][variant] += 1
        if variant == "covered":
            status = [_("Covered: a live project matches it ({day})").format(day=when)]
        elif variant == "gap":
            status = [_("Gap: no live project covers it ({day}), and none comes close").format(day=when)]
        else:
            status = [
                ngettext(
                    "Gap, but close ({day}): {count} near miss",
                    "Gap, but close ({day}): {count} near misses",
                    len(misses),
                ).format(day=when, count=len(misses)),
                *[f"- {_near_miss_text(m)}" for m in misses[:3]],
            ]
        priority = g.nodes[("Need", nid)].get("priority")
        out.add_node(
            f"Need:{nid}",
            **nodes.need(g, nid, status, variant=variant, size=PRIORITY_SIZES.get(priority, 7.5)),
        )
    for s, counts in sorted(tally.items()):
        total = sum(counts.values())
        extra = [
            ngettext(
                "{total} need: {covered} covered, {near_miss} gaps with a near miss, {gap} gaps",
                "{total} needs: {covered} covered, {near_miss} gaps with a near miss, {gap} gaps",
                total,
            ).format(total=total, **counts)
        ]
        out.add_node(f"State:{s}", **nodes.state(g, s, extra))
    for s, nid in sorted(needs):
        out.add_edge(
            f"State:{s}",
            f"Need:{nid}",
            key="has_need",
            kind="has_need",
            tooltip=_("{state} has this need").format(state=name(g, ("State", s))),
        )
    notes = [
        _(
            "A need is covered when a live project benefits the State on that article, in that form (or any "
            "form) and has not ended. Dot size: priority (high, medium, low)."
        )
    ]
    if f.provider:
        notes.append(_("The provider filter does not apply to needs; it is ignored on this map."))
    return MapSpec(
        graph=out,
        title=_("Gap map: needs covered, nearly covered, or not at all"),
        filters=describe_filters(g, f, _("as of today")),
        legend=legend(["State", "Need:covered", "Need:near_miss", "Need:gap"], ["has_need"]),
        notes=notes,
    )


def pairings(store: Store, g: nx.MultiDiGraph, f: Filters) -> MapSpec:
    """South–South pairings for the gaps: arrows from the peer that can help to the State that asks."""
    from tacmap.graph.queries.pairings import pairings as ask

    rows = ask(
        store,
        state=f.state,
        group=f.group,
        article=f.article,
        gaps_only=True,
        as_of=f.as_of,
        limit_per_need=PEERS_PER_NEED,
    )
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        pair = pairs.setdefault((r.peer, r.state), {"articles": set(), "score": 0.0, "back": set()})
        pair["articles"].add(r.article)
        pair["score"] = max(pair["score"], r.score)
        pair["back"].update(r.reciprocal_articles)
    out: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for s in sorted({s for pair in pairs for s in pair}):
        out.add_node(f"State:{s}", **nodes.state(g, s))
    tips: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (peer, s), pair in sorted(pairs.items()):
        arts = describe.listing([str(a) for a in sorted(pair["articles"])])
        kind = "reciprocal" if pair["back"] else "pairing"
        tips[(peer, s, kind)].append(
            ngettext(
                "{peer} could help {state} on article {articles} (reported compliant; best score {score})",
                "{peer} could help {state} on articles {articles} (reported compliant; best score {score})",
                len(pair["articles"]),
            ).format(
                peer=name(g, ("State", peer)),
                state=name(g, ("State", s)),
                articles=arts,
                score=number(pair["score"], 2),
            )
        )
        if pair["back"]:
            back = describe.listing([str(a) for a in sorted(pair["back"])])
            tips[(s, peer, kind)].append(
                ngettext(
                    "In return, {state} could help {peer} on article {articles}",
                    "In return, {state} could help {peer} on articles {articles}",
                    len(pair["back"]),
                ).format(state=name(g, ("State", s)), peer=name(g, ("State", peer)), articles=back)
            )
    for (u, v, kind), lines in sorted(tips.items()):
        head = (
            _("Reciprocal pairing: an exchange, each can help the other")
            if kind == "reciprocal"
            else _("South–South pairing")
        )
        out.add_edge(f"State:{u}", f"State:{v}", key=kind, kind=kind, tooltip="\n".join([head, *lines]))
    notes = [
        ngettext(
            "For each need that is a gap, its best {count} peer: States that reported compliance on the "
            "article, have no need on it themselves and are not OECD-DAC donors.",
            "For each need that is a gap, its best {count} peers: States that reported compliance on the "
            "article, have no need on it themselves and are not OECD-DAC donors.",
            PEERS_PER_NEED,
        ).format(count=PEERS_PER_NEED)
    ]
    if f.provider:
        notes.append(_("The provider filter does not apply to pairings; it is ignored on this map."))
    return MapSpec(
        graph=out,
        title=_("Pairing map: South–South peers who could help"),
        filters=describe_filters(g, f, _("gaps as of today")),
        legend=legend(["State"], ["pairing", "reciprocal"]),
        notes=notes,
    )
