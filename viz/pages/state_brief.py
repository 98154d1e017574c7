"""The State brief (``/states/KEN`` in a browser): what a coordination officer takes into a
country meeting, on a few A4 pages. Every figure is an answer of a registry question (gaps, overlaps,
presence, pairings, experts), so the brief and the question pages agree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup
from tacmap.i18n import _, number, use
from tacmap.viz.describe import article_name, group_name, money, words
from tacmap.viz.pages.brief import (
    BRIEF_CSS,
    as_of_form,
    href,
    link,
    links,
    period,
    project_link,
    provider_link,
    section,
    state_label,
    state_link,
    status,
    timeline_bar,
)
from tacmap.viz.pages.layout import page


@dataclass
class StateBrief:
    """What the brief shows, gathered by the route from the questions' answers."""

    state: Any  # api.schemas.StateDetail (in the page's language)
    as_of: date
    gaps: Sequence[Any]  # gaps.Gap rows for this State
    overlaps: Sequence[Any]  # overlaps.Overlap rows involving it
    presence: Sequence[Any]  # presence.Presence rows for it (funders' and implementers' shares)
    pairings: Sequence[Any]  # pairings.Pairing rows for its gaps
    experts: Mapping[str, Sequence[Any]] = field(default_factory=dict)  # need id -> experts.ShortlistEntry
    provider_names: Mapping[str, str] = field(default_factory=dict)


def need_status(need_id: str, gaps: Mapping[str, Any]) -> str:
    """The status the gaps answer gives a need: its own ``status`` when the row carries one, else
    ``near miss`` (a gap with near misses), ``gap``, or ``covered`` (not among the gaps)."""
    gap = gaps.get(need_id)
    if gap is None:
        return "covered"
    return str(getattr(gap, "status", None) or ("near miss" if gap.near_misses else "gap"))


def _needs(b: StateBrief) -> Markup:
    by_need = {g.need: g for g in b.gaps}
    order = {"high": 0, "medium": 1, "low": 2}
    needs = sorted(b.state.needs, key=lambda n: (n.article, order.get(str(n.priority or ""), 3), n.form))
    rows = [
        [
            link(
                href("/gaps", state=b.state.iso3, article=n.article, as_of=b.as_of), article_name(n.article)
            ),
            words(n.form),
            words(str(n.priority or "")) or "–",
            status(need_status(n.id, by_need)),
        ]
        for n in needs
    ]
    return section(
        "needs",
        _("Needs by article"),
        [_("Article"), _("Form"), _("Priority"), _("Status")],
        rows,
        _("No needs are recorded for this State."),
    )


def _live(project: Any, as_of: date) -> bool:
    return bool(project.end >= as_of)


def _timeline(b: StateBrief) -> Markup:
    live = sorted((p for p in b.state.projects if _live(p, b.as_of)), key=lambda p: (p.start, p.id))
    rows = []
    if live:
        first = min(p.start for p in live)
        last = max(p.end for p in live)
        for p in live:
            rows.append(
                [
                    project_link(p.id, p.title),
                    links(provider_link(f, b.provider_names.get(f)) for f in p.funders) or "–",
                    provider_link(p.implementer, b.provider_names.get(p.implementer))
                    if p.implementer
                    else "–",
                    period(p.start, p.end),
                    money(p.budget_usd),
                    timeline_bar(p.start, p.end, first, last, b.as_of),
                ]
            )
    return section(
        "projects",
        _("Live projects"),
        [
            _("Project"),
            _("Funded by"),
            _("Implemented by"),
            _("Period"),
            "#" + _("Budget"),
            "~" + _("Timeline"),
        ],
        rows,
        _("No project benefiting this State is live on this day."),
    )


def _shares(b: StateBrief) -> Markup:
    funded = [p for p in b.presence if p.funded]
    total = sum(p.budget_usd for p in funded)
    rows = [
        [
            provider_link(p.provider, p.provider_name),
            number(p.funded),
            money(p.budget_usd) if p.budget_usd or not p.unbudgeted_projects else money(None),
            f"{number(100 * p.budget_usd / total, 1)} %" if total and p.budget_usd else "–",
        ]
        for p in sorted(funded, key=lambda p: (-p.budget_usd, p.provider))
    ]
    return section(
        "funders",
        _("Funders' shares"),
        [_("Funder"), "#" + _("Live projects funded"), "#" + _("Budget here"), "#" + _("Share")],
        rows,
        _("No funder has a live project here on this day."),
    )


def _overlaps(b: StateBrief) -> Markup:
    rows = [
        [
            project_link(o.project_a, o.title_a),
            project_link(o.project_b, o.title_b),
            ", ".join(article_name(a) for a in o.articles),
            period(o.start, o.end),
            number(o.score, 2),
        ]
        for o in b.overlaps
    ]
    return section(
        "overlaps",
        _("Overlaps involving this State"),
        [_("Project"), _("Overlaps with"), _("Articles"), _("Common period"), "#" + _("Score")],
        rows,
        _("No pair of live projects here shares an article and a period without a common funder."),
    )


def _pairings(b: StateBrief) -> Markup:
    rows = [
        [
            article_name(p.article),
            words(p.form),
            state_link(p.peer),
            group_name(p.peer_group),
            number(p.score, 2),
        ]
        for p in b.pairings
    ]
    return section(
        "pairings",
        _("South–South peers for its gaps"),
        [_("Article"), _("Form"), _("Peer State"), _("Group"), "#" + _("Score")],
        rows,
        _("No State that reported compliance matches its gaps."),
    )


def _experts(b: StateBrief) -> Markup:
    rows = [
        [
            article_name(e.article),
            words(e.form),
            e.name or e.expert,
            state_label(e.nationality),
            group_name(e.group),
            number(e.score, 2),
        ]
        for entries in b.experts.values()
        for e in entries
    ]
    return section(
        "experts",
        _("Experts from its region for its needs"),
        [_("Article"), _("Form"), _("Expert"), _("Nationality"), _("Group"), "#" + _("Score")],
        rows,
        _("No expert of its regional group matches its gaps."),
    )


def _networks(b: StateBrief) -> Markup:
    nets = [[n.name, number(len(n.members))] for n in b.state.networks]
    regional = [
        [
            project_link(p.id, p.title),
            links(provider_link(f, b.provider_names.get(f)) for f in p.funders) or "–",
            period(p.start, p.end),
        ]
        for p in b.state.regional_programmes
    ]
    return section(
        "networks",
        _("Networks"),
        [_("Network"), "#" + _("Members")],
        nets,
        _("It is a member of no network."),
    ) + section(
        "regional",
        _("Regional programmes"),
        [_("Programme"), _("Funded by"), _("Period")],
        regional,
        _("No regional or global programme reaches it."),
    )


def state_brief(b: StateBrief, lang: str) -> str:
    """The whole page in ``lang``."""
    code = b.state.iso3
    with use(lang):
        facts = [
            x for x in (b.state.subregion, group_name(b.state.un_group) if b.state.un_group else None) if x
        ]
        subtitle = " · ".join([*facts, _("as of {day}").format(day=b.as_of.isoformat())])
        body = Markup("").join(
            [
                as_of_form(f"/states/{code}", b.as_of),
                _needs(b),
                _timeline(b),
                _shares(b),
                _overlaps(b),
                _pairings(b),
                _experts(b),
                _networks(b),
            ]
        )
        return page(
            _("State brief: {name}").format(name=b.state.name),
            body,
            lang,
            subtitle=subtitle,
            twins=[("JSON", f"/states/{code}?format=json")],
            css=BRIEF_CSS,
        )
