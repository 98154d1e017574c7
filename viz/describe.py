"""Plain-language names and tooltips for the nodes of a map (no raw ids alone, no personal data).

Each function takes a node's properties from the store's projection and returns short text. An expert is
described by roster id, nationality and expertise only: name, e-mail and gender are personal data and
never reach a map.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from graph.schema.reference import UN_GROUPS, articles

Props = Mapping[str, Any]
_ABBREVIATION = re.compile(r"\(([^()]{2,12})\)\s*$")


def node_id(label: str, key: object) -> str:
    """The id of a node on a map and in ``--node``: ``State:KEN``, ``Provider:dfid``, ``Article:5``."""
    return f"{label}:{key}"


def money(amount: float | None) -> str:
    """``USD 1.2 million``, ``USD 502,000``; ``budget not given`` when unknown."""
    if amount is None:
        return "budget not given"
    if amount >= 1_000_000:
        return f"USD {amount / 1_000_000:,.1f} million"
    return f"USD {amount:,.0f}"


def words(code: str | None) -> str:
    """A code as words: ``legal_advice`` -> ``legal advice``."""
    return (code or "").replace("_", " ")


def listing(items: Iterable[str], limit: int = 6) -> str:
    """``a, b and c`` (``…`` and a count past ``limit``)."""
    items = [str(i) for i in items]
    if len(items) > limit:
        return f"{', '.join(items[:limit])} and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def article_name(number: int) -> str:
    """``article 5 (Preventive anti-corruption policies and practices)``."""
    found = articles().get(int(number))
    return f"article {number} ({found.title})" if found else f"article {number}"


def group_name(code: str | None) -> str:
    return UN_GROUPS.get(code or "", code or "no UN regional group")


def state_name(p: Props) -> str:
    return str(p.get("name") or p.get("iso3"))


def provider_short(p: Props) -> str:
    """The abbreviation in brackets when the name ends with one (``DFID``), else the name."""
    name = str(p.get("name") or p.get("id"))
    found = _ABBREVIATION.search(name)
    return found.group(1) if found else name


def state_tooltip(p: Props, extra: Iterable[str] = ()) -> str:
    lines = [
        f"{state_name(p)} ({p.get('iso3')})",
        f"{group_name(p.get('un_group'))}; {p.get('subregion') or p.get('region') or 'region unknown'}",
    ]
    if p.get("income_group"):
        lines.append(f"World Bank income group: {p['income_group']}")
    if p.get("dac_member"):
        lines.append("OECD-DAC member (a donor)")
    return "\n".join([*lines, *extra])


def provider_tooltip(p: Props, home: str | None = None, extra: Iterable[str] = ()) -> str:
    lines = [str(p.get("name") or p.get("id")), f"{words(p.get('kind')).capitalize() or 'Provider'} provider"]
    if home:
        lines.append(f"Based in {home}")
    return "\n".join([*lines, *extra])


def network_tooltip(p: Props, members: int | None = None, extra: Iterable[str] = ()) -> str:
    lines = [str(p.get("name") or p.get("id")), "Coordination network"]
    if members is not None:
        lines.append(f"{members} member State{'s' if members != 1 else ''} on this map")
    return "\n".join([*lines, *extra])


def project_tooltip(p: Props, extra: Iterable[str] = ()) -> str:
    lines = [
        f"Project: {p.get('title') or p.get('id')}",
        f"From {p.get('start')} to {p.get('end')}; {words(p.get('status'))}; {money(p.get('budget_usd'))}",
    ]
    return "\n".join([*lines, *extra])


def need_label(p: Props, article: int | None) -> str:
    return f"Art. {article} {words(p.get('form'))}" if article is not None else words(p.get("form"))


def need_tooltip(p: Props, state: str, article: int | None, extra: Iterable[str] = ()) -> str:
    lines = [
        f"{state} needs {words(p.get('form'))}"
        + (f" on {article_name(article)}" if article is not None else ""),
        f"Priority: {p.get('priority') or 'not given'}"
        + (f"; identified on {p['identified_on']}" if p.get("identified_on") else ""),
    ]
    return "\n".join([*lines, *extra])


def article_tooltip(p: Props) -> str:
    return f"UNCAC {article_name(int(p.get('number', 0)))}\nChapter {p.get('chapter') or '?'}"


def expert_tooltip(p: Props, nationality: str | None, expertise: Iterable[int]) -> str:
    """Roster id, nationality and articles only: no name, e-mail or gender (personal data)."""
    arts = listing([str(a) for a in sorted(expertise)])
    return "\n".join(
        [
            f"Roster expert {p.get('id')}",
            f"National of {nationality or 'a State not on this map'}",
            f"Expertise: article{'s' if ',' in arts or ' and ' in arts else ''} {arts or 'not given'}",
            "Name and contact details are personal data: ask the Secretariat.",
        ]
    )
