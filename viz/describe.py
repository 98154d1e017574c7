"""Plain-language names and tooltips for the nodes of a map (no raw ids alone, no personal data).

Each function takes a node's properties from the store's projection and returns short text, in the
current language (:mod:`tacmap.i18n`). An expert is described by roster id, nationality and expertise only:
name, e-mail and gender are personal data and never reach a map.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from tacmap.graph.schema.reference import articles
from tacmap.i18n import N_, _, day, ngettext, number, region_name
from tacmap.i18n import group_name as _group_name
from tacmap.i18n import state_name as _state_name

Props = Mapping[str, Any]
_ABBREVIATION = re.compile(r"\(([^()]{2,12})\)\s*$")
# Codes of the schema's vocabularies (forms, priorities, statuses, kinds) in words; other codes read
# with their underscores as spaces.
CODE_WORDS: dict[str, str] = {
    "legal_advice": N_("legal advice"),
    "legislative_drafting": N_("legislative drafting"),
    "model_legislation": N_("model legislation"),
    "good_practices": N_("good practices"),
    "model_agreements": N_("model agreements"),
    "action_plan": N_("action plan"),
    "on_site_expert": N_("on site expert"),
    "capacity_building": N_("capacity building"),
    "technology": N_("technology"),
    "other": N_("other"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "planned": N_("planned"),
    "ongoing": N_("ongoing"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "compliant": N_("compliant"),
    "partial": N_("partial"),
    "not_compliant": N_("not compliant"),
}
PROVIDER_KINDS: dict[str, str] = {
    "bilateral": N_("Bilateral provider"),
    "multilateral": N_("Multilateral provider"),
    "un_entity": N_("UN entity provider"),
    "ngo": N_("NGO provider"),
    "state": N_("State provider"),
    "private": N_("Private provider"),
    "other": N_("Other provider"),
}


def node_id(label: str, key: object) -> str:
    """The id of a node on a map and in ``--node``: ``State:KEN``, ``Provider:dfid``, ``Article:5``."""
    return f"{label}:{key}"


def money(amount: float | None) -> str:
    """``USD 1.2 million``, ``USD 502,000``; ``budget not given`` when unknown."""
    if amount is None:
        return _("budget not given")
    if amount >= 1_000_000:
        return _("USD {amount} million").format(amount=number(amount / 1_000_000, 1))
    return _("USD {amount}").format(amount=number(amount))


def words(code: str | None) -> str:
    """A code as words: ``legal_advice`` -> ``legal advice`` (translated when it is a known code)."""
    code = code or ""
    return _(CODE_WORDS[code]) if code in CODE_WORDS else code.replace("_", " ")


def listing(items: Iterable[str], limit: int = 6) -> str:
    """``a, b and c`` (``…`` and a count past ``limit``)."""
    items = [str(i) for i in items]
    comma = _(", ")
    if len(items) > limit:
        more = len(items) - limit
        return ngettext("{items} and {count} more", "{items} and {count} more", more).format(
            items=comma.join(items[:limit]), count=more
        )
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=comma.join(items[:-1]), last=items[-1])


def article_name(number_: int) -> str:
    """``article 5 (Preventive anti-corruption policies and practices)`` (titles in English only)."""
    found = articles().get(int(number_))
    if found:
        return _("article {number} ({title})").format(number=number_, title=found.title)
    return _("article {number}").format(number=number_)


def group_name(code: str | None) -> str:
    return _group_name(code) or code or _("no UN regional group")


def state_name(p: Props) -> str:
    return _state_name(p)


def provider_short(p: Props) -> str:
    """The abbreviation in brackets when the name ends with one (``DFID``), else the name."""
    name = str(p.get("name") or p.get("id"))
    found = _ABBREVIATION.search(name)
    return found.group(1) if found else name


def state_tooltip(p: Props, extra: Iterable[str] = ()) -> str:
    where = region_name(p.get("subregion") or p.get("region")) or _("region unknown")
    lines = [
        f"{state_name(p)} ({p.get('iso3')})",
        _("{group}; {region}").format(group=group_name(p.get("un_group")), region=where),
    ]
    if p.get("income_group"):
        lines.append(_("World Bank income group: {level}").format(level=income_level(p["income_group"])))
    if p.get("dac_member"):
        lines.append(_("OECD-DAC member (a donor)"))
    return "\n".join([*lines, *extra])


INCOME_LEVELS: dict[str, str] = {
    "Low": N_("Low"),
    "Lower middle": N_("Lower middle"),
    "Upper middle": N_("Upper middle"),
    "High": N_("High"),
}


def income_level(level: str) -> str:
    """A World Bank income level (as hdx words it) in the current language."""
    return _(INCOME_LEVELS[level]) if level in INCOME_LEVELS else level


def provider_tooltip(p: Props, home: str | None = None, extra: Iterable[str] = ()) -> str:
    kind = str(p.get("kind") or "")
    lines = [str(p.get("name") or p.get("id")), _(PROVIDER_KINDS.get(kind, N_("Provider")))]
    if home:
        lines.append(_("Based in {state}").format(state=home))
    return "\n".join([*lines, *extra])


def network_tooltip(p: Props, members: int | None = None, extra: Iterable[str] = ()) -> str:
    lines = [str(p.get("name") or p.get("id")), _("Coordination network")]
    if members is not None:
        lines.append(
            ngettext("{count} member State on this map", "{count} member States on this map", members).format(
                count=members
            )
        )
    return "\n".join([*lines, *extra])


def project_tooltip(p: Props, extra: Iterable[str] = ()) -> str:
    lines = [
        _("Project: {title}").format(title=p.get("title") or p.get("id")),
        _("From {start} to {end}; {status}; {budget}").format(
            start=day(p.get("start")),
            end=day(p.get("end")),
            status=words(p.get("status")),
            budget=money(p.get("budget_usd")),
        ),
    ]
    return "\n".join([*lines, *extra])


def need_label(p: Props, article: int | None) -> str:
    if article is None:
        return words(p.get("form"))
    return _("Art. {number} {form}").format(number=article, form=words(p.get("form")))


def need_tooltip(p: Props, state: str, article: int | None, extra: Iterable[str] = ()) -> str:
    form = words(p.get("form"))
    priority = words(p.get("priority")) if p.get("priority") else _("not given")
    lines = [
        _("{state} needs {form} on {article}").format(state=state, form=form, article=article_name(article))
        if article is not None
        else _("{state} needs {form}").format(state=state, form=form),
        _("Priority: {priority}; identified on {date}").format(
            priority=priority, date=day(p["identified_on"])
        )
        if p.get("identified_on")
        else _("Priority: {priority}").format(priority=priority),
    ]
    return "\n".join([*lines, *extra])


def article_tooltip(p: Props) -> str:
    article = _("UNCAC {article}").format(article=article_name(int(p.get("number", 0))))
    chapter = _("Chapter {chapter}").format(chapter=p.get("chapter") or "?")
    return f"{article}\n{chapter}"


def expert_tooltip(p: Props, nationality: str | None, expertise: Iterable[int]) -> str:
    """Roster id, nationality and articles only: no name, e-mail or gender (personal data)."""
    numbers = sorted(expertise)
    arts = listing([str(a) for a in numbers])
    return "\n".join(
        [
            _("Roster expert {id}").format(id=p.get("id")),
            _("National of {state}").format(state=nationality or _("a State not on this map")),
            ngettext("Expertise: article {articles}", "Expertise: articles {articles}", len(numbers)).format(
                articles=arts
            )
            if numbers
            else _("Expertise: not given"),
            _("Name and contact details are personal data: ask the Secretariat."),
        ]
    )
