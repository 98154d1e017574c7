"""Where the graph lives: :func:`open_store` picks the embedded default or Neo4j."""

from __future__ import annotations

from pathlib import Path

from tacmap.graph.store.base import Store, StoreBusy, StoreError, StoreUnavailable
from tacmap.graph.store.embedded import EmbeddedStore, default_data_dir
from tacmap.graph.store.neo4j_store import Neo4jSettings, Neo4jStore

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
        return Neo4jStore(settings)
    raise StoreError(f"unknown store {kind!r}: choose embedded or neo4j")
