"""The one store interface that both the embedded store and the Neo4j store implement.

Everything above the stores (import, questions, API, maps) talks to this interface only.
A store holds nodes keyed by (label, key) and typed relationships between them; it writes a
:class:`~tacmap.graph.schema.mapping.Changes` atomically and reads back what it holds.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from typing import Any, Self

import networkx as nx
from tacmap.graph.errors import TacmapError
from tacmap.graph.schema.mapping import KEYS, Changes, Edge, Key, NodeRef, reference_changes, to_bundle
from tacmap.graph.schema.models import Bundle


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
    def read_all(self) -> tuple[dict[NodeRef, dict[str, Any]], list[Edge]]:
        """Every node (by reference) with its properties, and every relationship."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything, then put the schema and reference data back."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and files."""

    @abstractmethod
    def answer(self, question: str, **params: Any) -> list[dict[str, Any]]:
        """Raw rows of one question (``graph/queries/<question>``): the Cypher file on Neo4j,
        its networkx twin ``embedded()`` on the embedded store. Both return the same rows."""

    @abstractmethod
    def _reference_loaded(self) -> bool:
        """Whether State and Article reference nodes are present and current."""

    def ensure_reference(self) -> None:
        """Load State and Article nodes from reference data unless they are already there."""
        if not self._reference_loaded():
            self.write(reference_changes())

    def nodes(self, label: str) -> dict[Key, dict[str, Any]]:
        """All nodes of one label, by key."""
        if label not in KEYS:
            raise ValueError(f"unknown label {label!r}")
        found, _ = self.read_all()
        return {key: props for (lab, key), props in found.items() if lab == label}

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

    def projection(self) -> nx.MultiDiGraph:
        """The whole graph in networkx: nodes ``(label, key)`` with their properties and ``label``;
        edges keyed by relationship type with their properties."""
        found, edges = self.read_all()
        g = nx.MultiDiGraph()
        g.add_nodes_from((ref, {**props, "label": ref[0]}) for ref, props in found.items())
        g.add_edges_from((e.src, e.dst, e.type, e.props) for e in edges)
        return g

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
