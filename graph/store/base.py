"""The one store interface that both the embedded store and the Neo4j store implement.

Everything above the stores (import, questions, API, maps) talks to this interface only.
A store holds nodes keyed by (label, key) and typed relationships between them; it writes a
:class:`~tacmap.graph.schema.mapping.Changes` atomically and reads back what it holds.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Self, TypeAlias, TypeVar

from tacmap.graph.errors import TacmapError
from tacmap.graph.schema.mapping import Changes, Edge, NodeRef, reference_changes, to_bundle
from tacmap.graph.store.cypher import RawQuery, Rows

if TYPE_CHECKING:
    import networkx as nx
    from tacmap.graph.schema.models import Bundle

T = TypeVar("T")
Graph = tuple[dict[NodeRef, dict[str, Any]], list[Edge]]
# The whole graph in networkx (see Store.projection); networkx's classes are generic only to type checkers.
Projection: TypeAlias = "nx.MultiDiGraph[NodeRef]"


class StoreError(TacmapError):
    """A store cannot be reached or used; the message says what to do."""


class StoreUnavailable(StoreError):
    """The store cannot be reached now (a server down, a data folder that cannot be opened):
    nothing was written; the API answers 503."""

    http_status = 503


class StoreBusy(StoreUnavailable):
    """Another writer held the store's write lock for longer than the bounded wait: nothing was
    written, and trying again shortly will work. 503 with ``Retry-After`` over HTTP, exit status
    75 (``EX_TEMPFAIL``) on the command line, so a script can tell it from a real failure."""

    exit_code = 75

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Store(ABC):
    """Where the coordination graph lives."""

    name: str

    @abstractmethod
    def write(self, changes: Changes) -> None:
        """Apply ``changes`` in one transaction: all of it, or (on any error) none of it."""

    @abstractmethod
    def read_all(self) -> Graph:
        """Every node (by reference) with its properties, and every relationship."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything, then put the schema and reference data back."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""

    @abstractmethod
    def answer(self, query: RawQuery, **params: Any) -> Rows:
        """Raw rows of one question: its Cypher file on Neo4j, its networkx twin on the embedded
        store. Both return the same rows."""

    @abstractmethod
    def _reference_loaded(self) -> bool:
        """Whether State and Article reference nodes are present and current."""

    def ensure_reference(self) -> None:
        """Load State and Article nodes from reference data unless they are already there."""
        if not self._reference_loaded():
            self.write(reference_changes())

    def data_version(self) -> Hashable | None:
        """A value that changes whenever the data does, cheap to ask; ``None`` when the store
        cannot tell (then callers cache for a bounded time instead)."""
        return None

    def memo(self, name: str, build: Callable[[Projection], T]) -> T:
        """``build(projection)``: an index for the questions. Stores that know their data version
        keep it until the data changes; this default builds it every time."""
        return build(self.projection())

    def export(self) -> Bundle:
        """The whole dataset as records (reference data is not exported: it comes with tacmap)."""
        return to_bundle(*self.read_all())

    def counts(self) -> dict[str, dict[str, int]]:
        """Number of nodes per label and relationships per type."""
        found, edges = self.read_all()
        return {
            "nodes": dict(sorted(Counter(label for label, _ in found).items())),
            "relationships": dict(sorted(Counter(e.type for e in edges).items())),
        }

    def projection(self) -> Projection:
        """The whole graph in networkx: nodes ``(label, key)`` with their properties and ``label``;
        edges keyed by relationship type with their properties."""
        import networkx as nx

        found, edges = self.read_all()
        g: Projection = nx.MultiDiGraph()
        g.add_nodes_from((ref, {**props, "label": ref[0]}) for ref, props in found.items())
        # the stubs know only (u, v) and (u, v, data), not a multigraph's (u, v, key, data)
        g.add_edges_from((e.src, e.dst, e.type, e.props) for e in edges)  # type: ignore[misc]
        return g

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class StoreView(Store):
    """A store in front of another: every member goes to ``inner`` unless a view overrides it
    (a viewer's view without restricted needs, the API's cached reads, an import's dry run)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.name = inner.name

    def write(self, changes: Changes) -> None:
        self.inner.write(changes)

    def read_all(self) -> Graph:
        return self.inner.read_all()

    def clear(self) -> None:
        self.inner.clear()

    def close(self) -> None:
        """The inner store belongs to whoever opened it."""

    def answer(self, query: RawQuery, **params: Any) -> Rows:
        return self.inner.answer(query, **params)

    def data_version(self) -> Hashable | None:
        return self.inner.data_version()

    def projection(self) -> Projection:
        return self.inner.projection()

    def memo(self, name: str, build: Callable[[Projection], T]) -> T:
        return self.inner.memo(name, build)

    def _reference_loaded(self) -> bool:
        return self.inner._reference_loaded()
