"""Where the graph lives: :func:`open_store` picks the embedded default or Neo4j.

The Neo4j store (and its driver) is imported on first use only, so that a command on the embedded
store does not pay for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tacmap.graph.store.base import Store, StoreBusy, StoreError, StoreUnavailable
from tacmap.graph.store.embedded import EmbeddedStore
from tacmap.graph.store.neo4j_settings import Neo4jSettings

if TYPE_CHECKING:
    from tacmap.graph.settings import Settings
    from tacmap.graph.store.neo4j_store import Neo4jStore

__all__ = [
    "EmbeddedStore",
    "Neo4jSettings",
    "Neo4jStore",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreUnavailable",
    "open_store",
]


def __getattr__(name: str) -> Any:
    """``Neo4jStore``, imported when first asked for."""
    if name == "Neo4jStore":
        from tacmap.graph.store.neo4j_store import Neo4jStore

        return Neo4jStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(settings: Settings | None = None) -> Store:
    """The store ``settings`` name (default: this process's environment): the embedded store in
    ``data_dir``, or Neo4j (the default only when ``NEO4J_URI`` is set)."""
    from tacmap.graph.settings import Settings

    settings = settings or Settings.from_env()
    if settings.store_kind == "embedded":
        return EmbeddedStore(settings.data_dir, lock_seconds=settings.lock_timeout)
    if settings.neo4j is None:
        raise StoreError("the neo4j store needs NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) to be set")
    from tacmap.graph.store.neo4j_store import Neo4jStore

    return Neo4jStore(settings.neo4j)
