"""The filters every map takes (the same as the questions'), checked against the store's graph.

A wrong filter is a user error with a plain message (and a suggestion where one is close), never an empty
map that looks like "no data".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
from tacmap.graph.errors import TacmapError
from tacmap.graph.schema.reference import UN_GROUPS, suggest, suggest_iso3
from tacmap.i18n import _, day
from tacmap.viz.describe import article_name, group_name, provider_short, state_name
from tacmap.viz.kinds import KINDS  # noqa: F401  (where the routers and tests look for it)


class MapError(TacmapError):
    """A map cannot be drawn as asked (unknown kind, filter or node); the message says why."""

    exit_code = 2
    http_status = 400


class UnknownNode(MapError):
    """The node an ego map is centred on is not in the store."""

    http_status = 404


@dataclass(frozen=True)
class Filters:
    """Filters as the questions take them; ``None`` means "all"."""

    state: str | None = None
    article: int | None = None
    group: str | None = None
    provider: str | None = None
    as_of: date | None = None

    def params(self) -> dict[str, Any]:
        """Keyword arguments for a question (only the filters that are set)."""
        return {k: v for k, v in vars(self).items() if v is not None}


def checked(
    g: nx.MultiDiGraph,
    *,
    state: str | None = None,
    article: int | str | None = None,
    group: str | None = None,
    provider: str | None = None,
    as_of: date | str | None = None,
) -> Filters:
    """Filters validated against ``g`` (the projection): unknown codes raise :class:`MapError`."""
    if state is not None:
        state = state.strip().upper()
        if ("State", state) not in g:
            hint = suggest_iso3(state)
            raise MapError(
                f"no State with code {state!r}"
                + (f": did you mean {hint}?" if hint else ": use an ISO3 code such as KEN")
            )
    if article is not None:
        try:
            article = int(article)
        except (TypeError, ValueError):
            raise MapError(f"article must be a number from 1 to 71, not {article!r}") from None
        if not 1 <= article <= 71:
            raise MapError(f"article must be a number from 1 to 71, not {article}")
    if group is not None:
        group = group.strip().lower()
        if group not in UN_GROUPS:
            hint = suggest(group, UN_GROUPS)
            raise MapError(
                f"no UN regional group {group!r}: choose one of {', '.join(UN_GROUPS)}"
                + (f" (did you mean {hint}?)" if hint else "")
            )
    if provider is not None and ("Provider", provider) not in g:
        known = sorted(str(k) for lab, k in g if lab == "Provider")
        hint = suggest(provider, known)
        raise MapError(f"no provider with id {provider!r}" + (f": did you mean {hint}?" if hint else ""))
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            raise MapError(f"as_of must be a date like 2009-09-01, not {as_of!r}") from None
    return Filters(state, article, group, provider, as_of)


def describe(g: nx.MultiDiGraph, f: Filters, as_of_default: str | None = None) -> str:
    """The filters in words, in the current language, for a map's title line (``as_of_default``: what
    the map shows when no date is set, already translated; "all dates" if not given)."""
    parts = []
    if f.state:
        name = state_name(g.nodes[("State", f.state)])
        parts.append(_("State: {name} ({code})").format(name=name, code=f.state))
    if f.group:
        parts.append(_("group: {group}").format(group=group_name(f.group)))
    if f.article:
        parts.append(article_name(f.article))
    if f.provider:
        parts.append(_("provider: {name}").format(name=provider_short(g.nodes[("Provider", f.provider)])))
    if f.as_of:
        parts.append(_("as of {date}").format(date=day(f.as_of)))
    else:
        parts.append(as_of_default or _("all dates"))
    if not (f.state or f.group):
        parts.insert(0, _("all States"))
    return " · ".join(parts)


def state_ok(g: nx.MultiDiGraph, iso3: str, f: Filters) -> bool:
    """Whether a State passes the State and group filters (the group is the State's primary UN regional
    group, as in the questions)."""
    if f.state and iso3 != f.state:
        return False
    if f.group:
        return g.nodes.get(("State", iso3), {}).get("un_group") == f.group
    return True
