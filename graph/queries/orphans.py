"""Question 4a, orphans: States that have needs and no live project benefiting them at as_of.

``orphans(store, ...)`` is the public function (CLI, API); ``orphans.cypher`` on Neo4j and
:func:`embedded` here return the same raw rows. Contract: ``graph/queries/README.md`` section 4.
Darlings and fragmentation are in ``fragmentation.py``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from tacmap.graph.queries._portfolio import as_of_iso, portfolio
from tacmap.graph.queries._results import Result, bulk
from tacmap.graph.store.base import Store
from tacmap.graph.store.cypher import RawQuery


@dataclass(frozen=True, slots=True)
class Orphan(Result):
    """A State with needs and no live project benefiting it that ends on or after as_of."""

    state: str
    name: str | None
    group: str | None  # primary UN regional group
    needs: int
    high_priority: int  # needs of high priority
    last_end: date | None  # when the last live project benefiting it ended (None: never had one)
    as_of: date

    @property
    def explanation(self) -> str:
        since = (
            f"the last live project benefiting it ended on {self.last_end.isoformat()}"
            if self.last_end
            else "no live project has ever benefited it"
        )
        return (
            f"{self.state} has {self.needs} need{'s' if self.needs != 1 else ''} "
            f"({self.high_priority} high priority) and no live project on {self.as_of.isoformat()}; {since}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**Result.to_dict(self), "explanation": self.explanation}


def params(*, as_of: date | str | None = None, group: str | None = None) -> dict[str, Any]:
    return {"as_of": as_of_iso(as_of), "group": group}


@bulk
def orphans(store: Store, *, as_of: date | str | None = None, group: str | None = None) -> list[Orphan]:
    """States with at least one need and no live project benefiting them that ends on or after
    ``as_of`` (date or ISO string; default today). ``group``: only States whose primary UN regional
    group it is. Ordered by number of high-priority needs, then needs (most first), then State."""
    p = params(as_of=as_of, group=group)
    day = date.fromisoformat(p["as_of"])
    found = [
        Orphan(
            state=r["state"],
            name=r["name"],
            group=r["group"],
            needs=r["needs"],
            high_priority=r["high_priority"],
            last_end=date.fromisoformat(r["last_end"]) if r["last_end"] else None,
            as_of=day,
        )
        for r in store.answer(RAW, **p)
    ]
    found.sort(key=lambda o: (-o.high_priority, -o.needs, o.state))
    return found


def _need_counts(store: Store) -> dict[str, tuple[int, int]]:
    def build(_graph: Any) -> dict[str, tuple[int, int]]:
        needs: Counter[str] = Counter()
        high: Counter[str] = Counter()
        for n in portfolio(store).needs:
            needs[n.state] += 1
            high[n.state] += n.priority == "high"
        return {s: (needs[s], high[s]) for s in needs}

    return store.memo("questions_a.need_counts", build)


def embedded(store: Store, *, as_of: str, group: str | None) -> list[dict[str, Any]]:
    """The rows of ``orphans.cypher``: States with needs whose latest live project ended before as_of."""
    index = portfolio(store)
    rows = []
    for s, (needs, high) in _need_counts(store).items():
        info = index.states.get(s, {})
        if group is not None and info.get("un_group") != group:
            continue
        last = index.last_end.get(s)
        if last is not None and last >= as_of:
            continue
        rows.append(
            {
                "state": s,
                "name": info.get("name"),
                "group": info.get("un_group"),
                "needs": needs,
                "high_priority": high,
                "last_end": last,
            }
        )
    return rows


RAW = RawQuery("orphans", embedded)
