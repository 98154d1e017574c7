"""Where the graph lives: :func:`open_store` picks the embedded default or Neo4j.

The Neo4j store (and its driver) is imported on first use only, so that a command on the embedded
store does not pay for it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tacmap.graph.store.base import Store, StoreBusy, StoreError, StoreUnavailable
from tacmap.graph.store.embedded import EmbeddedStore, default_data_dir
from tacmap.graph.store.neo4j_settings import Neo4jSettings

if TYPE_CHECKING:
    from tacmap.graph.store.neo4j_store import Neo4jStore

__all__ = [
    "EmbeddedStore",
    "Neo4jSettings",
    "Neo4jStore",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreUnavailable",
    "default_data_dir",
    "open_store",
]


def __getattr__(name: str) -> Any:
    """``Neo4jStore``, imported when first asked for."""
    if name == "Neo4jStore":
        from tacmap.graph.store.neo4j_store import Neo4jStore

        return Neo4jStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_store(kind: str | None = None, data_dir: Path | str | None = None) -> Store:
    """Open the store of ``kind`` (``embedded`` or ``neo4j``); by default neo4j only when
    ``NEO4J_URI`` is set."""
    settings = Neo4jSettings.from_env()
    kind = kind or ("neo4j" if settings else "embedded")
    if kind == "embedded":
        return EmbeddedStore(data_dir)
    if kind == "neo4j":
        if settings is None:
            raise StoreError("the neo4j store needs NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD) to be set")
        from tacmap.graph.store.neo4j_store import Neo4jStore

        return Neo4jStore(settings)
    raise StoreError(f"unknown store {kind!r}: choose embedded or neo4j")
