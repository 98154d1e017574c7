"""Question 7, presence ("who works where"): for each provider and State, the live projects the
provider funds or implements there, and the part of their budget it brings.

A coordination officer preparing a country meeting asks first who is already at the table; a donor
asks where else it works. ``presence(store, ...)`` is the public function (CLI, API);
``presence.cypher`` on Neo4j and :func:`embedded` here return the same raw rows (one per project,
State and provider role) and this module counts them once for both. Contract:
``graph/queries/README.md`` section 7.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tacmap.graph.queries._portfolio import as_of_iso, governance_budget, live_from, portfolio, state_part
from tacmap.graph.queries._results import Result, bulk
from tacmap.graph.store.base import Store
from tacmap.graph.store.cypher import RawQuery

FUNDS, IMPLEMENTS = "FUNDS", "IMPLEMENTED_BY"


@dataclass(frozen=True, slots=True)
class Presence(Result):
    """A provider working in a State on ``as_of``: funding or implementing live projects there."""

    provider: str
    provider_name: str | None
    state: str
    state_name: str | None
    group: str | None  # the State's primary UN regional group
    projects: int  # live projects it funds or implements there
    funded: int  # of which it funds
    implemented: int  # of which it implements
    budget_usd: float  # its part of the State's part of the budgets of the projects it funds
    unbudgeted_projects: int  # projects it funds there whose budget is unknown
    project_ids: list[str]
    as_of: date

    @property
    def explanation(self) -> str:
        roles = [f"funds {self.funded}"] * bool(self.funded) + [f"implements {self.implemented}"] * bool(
            self.implemented
        )
        money = f"USD {self.budget_usd:,.0f}" + (
            f" (+{self.unbudgeted_projects} without a budget)" if self.unbudgeted_projects else ""
        )
        return (
            f"{self.provider} {' and '.join(roles)} live project{'s' * (self.projects != 1)} benefiting "
            f"{self.state} on {self.as_of.isoformat()}; its part of their budgets: {money}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**Result.to_dict(self), "explanation": self.explanation}


def params(
    *,
    as_of: date | str | None = None,
    state: str | None = None,
    provider: str | None = None,
    group: str | None = None,
    article: int | None = None,
) -> dict[str, Any]:
    return {
        "as_of": as_of_iso(as_of),
        "state": state.upper() if state else None,
        "provider": provider,
        "group": group,
        "article": article,
    }


@bulk
def presence(
    store: Store,
    *,
    as_of: date | str | None = None,
    state: str | None = None,
    provider: str | None = None,
    group: str | None = None,
    article: int | None = None,
) -> list[Presence]:
    """Providers and the States they work in on ``as_of`` (default today): live projects funded or
    implemented, the provider's part of their budget. Most projects first, then budget, provider, State.

    A funder's part of a project in a State = the State's part of the project's budget (its stated
    share, else an even split; only the part in the selected sectors) divided by the number of funders;
    an implementer that does not fund brings no budget."""
    p = params(as_of=as_of, state=state, provider=provider, group=group, article=article)
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for r in store.answer(RAW, **p):
        cell = cells.setdefault(
            (r["provider"], r["state"]),
            {"row": r, "funded": set(), "implemented": set(), "budget": 0.0, "unbudgeted": set()},
        )
        if r["role"] == IMPLEMENTS:
            cell["implemented"].add(r["project"])
            continue
        cell["funded"].add(r["project"])
        amount = governance_budget(r["budget_usd"], r["sector_share"])
        if amount is None:
            cell["unbudgeted"].add(r["project"])
        else:
            cell["budget"] += state_part(amount, r["share"], r["beneficiaries"]) / max(1, r["funders"])
    day = date.fromisoformat(p["as_of"])
    found = [
        Presence(
            provider=prov,
            provider_name=c["row"]["provider_name"],
            state=st,
            state_name=c["row"]["state_name"],
            group=c["row"]["group"],
            projects=len(c["funded"] | c["implemented"]),
            funded=len(c["funded"]),
            implemented=len(c["implemented"]),
            budget_usd=round(c["budget"], 2),
            unbudgeted_projects=len(c["unbudgeted"]),
            project_ids=sorted(c["funded"] | c["implemented"]),
            as_of=day,
        )
        for (prov, st), c in cells.items()
    ]
    found.sort(key=lambda x: (-x.projects, -x.budget_usd, x.provider, x.state))
    return found


def embedded(
    store: Store,
    *,
    as_of: str,
    state: str | None,
    provider: str | None,
    group: str | None,
    article: int | None,
) -> list[dict[str, Any]]:
    """The rows of ``presence.cypher`` from the embedded store's index."""
    index = portfolio(store)
    g = store.projection()
    rows = []
    for proj in live_from(index, as_of):
        if article is not None and article not in proj.articles:
            continue
        roles = [(f, FUNDS) for f in proj.funders] + [(proj.implementer, IMPLEMENTS)] * bool(proj.implementer)
        shares = dict(proj.shares)
        for s in proj.states:
            info = index.states.get(s, {})
            if (state is not None and s != state) or (group is not None and info.get("un_group") != group):
                continue
            for who, role in roles:
                if provider is not None and who != provider:
                    continue
                rows.append(
                    {
                        "provider": who,
                        "provider_name": g.nodes.get(("Provider", who), {}).get("name"),
                        "state": s,
                        "state_name": info.get("name"),
                        "group": info.get("un_group"),
                        "project": proj.id,
                        "role": role,
                        "budget_usd": proj.budget,
                        "sector_share": proj.sector_share,
                        "share": shares.get(s),
                        "beneficiaries": len(proj.states),
                        "funders": len(proj.funders),
                    }
                )
    return rows


RAW = RawQuery("presence", embedded)
