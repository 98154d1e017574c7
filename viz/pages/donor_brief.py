"""The donor brief (``/providers/{id}`` in a browser): where a provider works (State × article), which
of its projects may duplicate others' (and whose), and the gaps next to its own work
(:mod:`tacmap.graph.queries.nearby`) — what "donors spotting gaps" means."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup
from tacmap.graph.queries.nearby import CLOSENESS, HERE, NEIGHBOUR, SAME_STATE
from tacmap.i18n import N_, _, number, use
from tacmap.viz.describe import PROVIDER_KINDS, article_name, money, words
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
)
from tacmap.viz.pages.layout import page

NEAR_SHOWN = 25  # gaps listed per closeness (the gaps page has them all)
CLOSENESS_WORDS = {
    HERE: N_("where it works, same article"),
    SAME_STATE: N_("where it works, another article"),
    NEIGHBOUR: N_("in a neighbouring State"),
}


@dataclass
class DonorBrief:
    """What the brief shows, gathered by the route from the questions' answers."""

    provider: Any  # api.schemas.ProviderOut
    as_of: date
    presence: Sequence[Any]  # presence.Presence rows of this provider
    articles_of: Mapping[str, Sequence[int]]  # project id -> articles
    overlaps: Sequence[Any]  # overlaps.Overlap rows with one of its projects
    near: Sequence[Any]  # nearby.NearGap rows
    provider_names: Mapping[str, str] = field(default_factory=dict)


def _portfolio(b: DonorBrief) -> Markup:
    """One line per State, its articles with the live projects on each (a link to them): the
    State × article table in long form, so that it prints on A4 however many articles there are."""
    cells: dict[str, dict[int, int]] = {}
    projects: dict[str, int] = {}
    for row in b.presence:
        projects[row.state] = len(row.project_ids)
        for project in row.project_ids:
            for article in b.articles_of.get(project, ()):
                here = cells.setdefault(row.state, {})
                here[article] = here.get(article, 0) + 1
    pid = b.provider.id
    rows = [
        [
            state_link(s),
            number(projects[s]),
            Markup(" · ").join(
                link(
                    href("/projects", state=s, article=a, provider=pid, active_on=b.as_of),
                    _("Art. {number}").format(number=a) + f" ({number(n)})",
                )
                for a, n in sorted(cells.get(s, {}).items())
            ),
        ]
        for s in sorted(projects, key=state_label)
    ]
    return section(
        "portfolio",
        _("Portfolio: live projects by State and article"),
        [_("State"), "#" + _("Live projects"), _("Articles (live projects on each)")],
        rows,
        _("It funds or implements no live project on this day."),
    )


def _overlaps(b: DonorBrief) -> Markup:
    mine = set(b.articles_of)
    rows = []
    for o in b.overlaps:
        own, other = ("a", "b") if o.project_a in mine else ("b", "a")
        who = [*getattr(o, f"funders_{other}"), getattr(o, f"implementer_{other}")]
        rows.append(
            [
                project_link(getattr(o, f"project_{own}"), getattr(o, f"title_{own}")),
                project_link(getattr(o, f"project_{other}"), getattr(o, f"title_{other}")),
                links(provider_link(p, b.provider_names.get(p)) for p in dict.fromkeys(who) if p),
                links(state_link(s) for s in o.states),
                ", ".join(article_name(a) for a in o.articles),
                period(o.start, o.end),
            ]
        )
    return section(
        "overlaps",
        _("Its projects that overlap with others'"),
        [_("Its project"), _("Overlaps with"), _("Whose"), _("States"), _("Articles"), _("Common period")],
        rows,
        _("None of its live projects shares a State, an article and a period with another funder's."),
    )


def _near(b: DonorBrief) -> Markup:
    """At most :data:`NEAR_SHOWN` gaps of each closeness, with how many there are."""
    counts = {c: sum(1 for n in b.near if n.closeness == c) for c in CLOSENESS}
    shown = [n for c in CLOSENESS for n in [n for n in b.near if n.closeness == c][:NEAR_SHOWN]]
    rows = [
        [
            state_link(n.gap.state),
            link(
                href("/gaps", state=n.gap.state, article=n.gap.article, as_of=b.as_of),
                article_name(n.gap.article),
            ),
            words(n.gap.form),
            words(n.gap.priority or "") or "–",
            _(CLOSENESS_WORDS[n.closeness]),
            state_link(n.next_to) if n.closeness == NEIGHBOUR else "",
        ]
        for n in shown
    ]
    note = _(
        "{here} where it works on the same article, {same} on another article, {near} in neighbouring "
        "States; at most {shown} of each are listed."
    ).format(
        here=number(counts[HERE]),
        same=number(counts[SAME_STATE]),
        near=number(counts[NEIGHBOUR]),
        shown=NEAR_SHOWN,
    )
    out = section(
        "near",
        _("Gaps next to its own work"),
        [_("State"), _("Article"), _("Form"), _("Priority"), _("Where"), _("Next to")],
        rows,
        _("No gap lies in a State where it works, or in their neighbours on its articles."),
    )
    if not rows:
        return out
    gaps = link(href("/gaps", as_of=b.as_of), _("all gaps"))
    return Markup(out.replace("</h2>", Markup('</h2><p class="note">{} ({})</p>').format(note, gaps), 1))


def donor_brief(b: DonorBrief, lang: str) -> str:
    """The whole page in ``lang``."""
    p = b.provider
    with use(lang):
        budget = sum(r.budget_usd for r in b.presence)
        kind = str(getattr(p.kind, "value", p.kind))
        facts = [
            _(PROVIDER_KINDS[kind]) if kind in PROVIDER_KINDS else words(kind),
            _("as of {day}").format(day=b.as_of.isoformat()),
        ]
        summary = Markup('<p class="note">{}</p>').format(
            _("{states} States, {projects} live projects, {budget} of funding there.").format(
                states=number(len({r.state for r in b.presence})),
                projects=number(len(b.articles_of)),
                budget=money(budget),
            )
        )
        body = Markup("").join(
            [as_of_form(f"/providers/{p.id}", b.as_of), summary, _near(b), _portfolio(b), _overlaps(b)]
        )
        return page(
            _("Donor brief: {name}").format(name=p.name),
            body,
            lang,
            subtitle=" · ".join(facts),
            twins=[("JSON", f"/providers/{p.id}?format=json")],
            css=BRIEF_CSS,
        )
