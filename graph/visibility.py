"""Restricted needs: who may see a need's own record, and a read-only view of a store without the
records someone may not see.

A State may share a self-assessment with the Secretariat without publishing it: its needs are then
``visibility = restricted``. They still count in aggregates (the matrix, coverage, orphans, the
home page's numbers), so totals are the same for everyone; their records (the need itself, its
gap, its pairings, its node on a map, its row in an export) are shown only to an audience that may
see them: editors and admins (``EVERYONE``), and viewers of that State (``Audience(state="KEN")``).

The rule lives here once, for both stores: :class:`NeedView` wraps any store, leaves restricted
needs out of whole-graph reads and drops the question rows about them (and hands their ids to a
question that looks at other needs than its rows', pairings), so every per-record answer and map
computed on the view is what that audience would get if the hidden needs did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from tacmap.graph.errors import TacmapError
from tacmap.graph.schema.mapping import Changes, Edge, NodeRef
from tacmap.graph.schema.reference import countries, suggest_iso3
from tacmap.graph.store.base import Projection, Store, StoreError, StoreView
from tacmap.graph.store.cypher import RawQuery, Rows

T = TypeVar("T")


class Remember(Protocol):
    """A cache: ``compute()``, or the value it gave before for ``key``."""

    def __call__(self, key: tuple[str, ...], compute: Callable[[], T]) -> T: ...


Graph = tuple[dict[NodeRef, dict[str, Any]], list[Edge]]


@dataclass(frozen=True)
class Audience:
    """Who is looking, as far as restricted needs go: everyone privileged, one State's viewers,
    or the public (anonymous and unscoped viewers)."""

    everything: bool = False
    state: str | None = None

    @property
    def key(self) -> str:
        """A short name, for cache keys and messages."""
        return "everything" if self.everything else f"state:{self.state}" if self.state else "public"


EVERYONE = Audience(everything=True)
PUBLIC = Audience()


def parse_audience(text: str) -> Audience:
    """``all`` (everything, as editors see it), ``public`` (as anonymous and unscoped viewers see
    it) or a State's ISO3 code (as a viewer key scoped to it sees it), as typed on the command line."""
    word = text.strip().lower()
    if word == "all":
        return EVERYONE
    if word == "public":
        return PUBLIC
    code = text.strip().upper()
    if code in countries():
        return Audience(state=code)
    guess = suggest_iso3(text)
    hint = f"did you mean {guess}?" if guess else "or a State's ISO3 code such as KEN"
    raise TacmapError(f"unknown audience {text!r}: use all, public {hint}")


@dataclass(frozen=True)
class Hidden:
    """What one audience may not see in one version of the data."""

    needs: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.needs)


NOTHING = Hidden(frozenset())


def hidden_from(graph: Graph, audience: Audience) -> Hidden:
    """The restricted needs ``audience`` may not see in ``graph`` (``read_all`` of a store)."""
    if audience.everything:
        return NOTHING
    from tacmap.graph.schema.models import Visibility

    nodes, edges = graph
    state_of = {e.dst[1]: e.src[1] for e in edges if e.type == "HAS_NEED"}
    hidden = frozenset(
        str(key)
        for (label, key), props in nodes.items()
        if label == "Need"
        and props.get("visibility") == Visibility.restricted
        and (audience.state is None or state_of.get(key) != audience.state)
    )
    return Hidden(hidden) if hidden else NOTHING


def without_hidden(graph: Graph, hidden: Hidden) -> Graph:
    """``graph`` without the hidden needs and the relationships that touch them."""
    if not hidden:
        return graph
    nodes, edges = graph
    gone = {("Need", key) for key in hidden.needs}
    return (
        {ref: props for ref, props in nodes.items() if ref not in gone},
        [e for e in edges if e.src not in gone and e.dst not in gone],
    )


def redact_rows(rows: list[dict[str, Any]], hidden: Hidden) -> list[dict[str, Any]]:
    """Raw question rows without those about a hidden need."""
    if not hidden:
        return rows
    return [row for row in rows if row.get("need") not in hidden.needs]


class NeedView(StoreView):
    """A read-only store that shows ``inner`` as ``audience`` may see it.

    ``remember(key, compute)`` lets a caller cache the hidden set and the filtered graph (the API
    keeps them per version of the data); by default the view keeps them for its own life, which is
    one command or one request. Questions still run on the inner store (Cypher on
    Neo4j), and their rows are redacted here, so aggregates computed by the inner store are never
    what a view returns: ask aggregate questions of the inner store.
    """

    def __init__(
        self,
        inner: Store,
        audience: Audience,
        remember: Remember | None = None,
    ) -> None:
        super().__init__(inner)
        self.audience = audience
        self._kept: dict[tuple[str, ...], Any] = {}
        self._remember: Remember = remember or self._keep

    def _keep(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
        if key not in self._kept:
            self._kept[key] = compute()
        return cast(T, self._kept[key])  # what compute() gave for this key

    @property
    def hidden(self) -> Hidden:
        return self._remember(
            ("hidden", self.audience.key), lambda: hidden_from(self.inner.read_all(), self.audience)
        )

    def read_all(self) -> Graph:
        hidden = self.hidden
        if not hidden:
            return self.inner.read_all()
        return self._remember(
            ("read_all", self.audience.key), lambda: without_hidden(self.inner.read_all(), hidden)
        )

    def projection(self) -> Projection:
        if not self.hidden:
            return self.inner.projection()
        return self._remember(("projection", self.audience.key), lambda: Store.projection(self))

    def memo(self, name: str, build: Callable[[Projection], T]) -> T:
        """The inner store's index when nothing is hidden; else one built on this view's graph."""
        if not self.hidden:
            return self.inner.memo(name, build)
        return self._remember(("memo", name, self.audience.key), lambda: build(self.projection()))

    def answer(self, query: RawQuery, **params: Any) -> Rows:
        """The inner store's rows without those about hidden needs. A question that takes a
        ``hidden`` parameter (pairings: whether a peer has a need of its own, and reciprocity, look
        at other needs than the row's) is asked with the hidden ids, so that it answers as if they
        did not exist."""
        hidden = self.hidden
        if "hidden" in params and hidden:
            params = {**params, "hidden": sorted(hidden.needs)}
        return redact_rows(self.inner.answer(query, **params), hidden)

    def write(self, changes: Changes) -> None:
        raise StoreError("a view of the store for one audience is read-only")

    def clear(self) -> None:
        raise StoreError("a view of the store for one audience is read-only")


def seen_by(store: Store, audience: Audience) -> Store:
    """``store`` as ``audience`` may see it: the store itself for everyone privileged, else a view."""
    return store if audience is EVERYONE else NeedView(store, audience)
