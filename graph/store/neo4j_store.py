"""The Neo4j store: the official driver and Cypher text from ``graph/queries/``, nothing else.

Reads go through ``execute_read`` and writes through ``execute_write``, so a ``neo4j://`` URI
routes to the right cluster member and transient errors are retried by the driver. Cypher stays
in the portable subset that Neo4j 5 and ArcadeDB's Bolt server both run (no APOC or GDS; dates as
ISO strings). Labels and types in templates come from the schema, never from input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from graph.queries import cypher
from graph.schema import reference
from graph.schema.mapping import KEYS, OWNED, Changes, Edge, NodeRef
from graph.schema.regions import regions
from graph.store.base import Store, StoreError

BATCH = 2000


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    user: str = "neo4j"
    password: str = ""
    database: str = "neo4j"

    @classmethod
    def from_env(cls) -> Neo4jSettings | None:
        """``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``; None without a URI."""
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            return None
        return cls(
            uri=uri,
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
            database=os.environ.get("NEO4J_DATABASE", "neo4j"),
        )


def _label(labels: list[str]) -> str:
    return next(label for label in labels if label in KEYS)


def _batches(rows: list[Any]) -> list[list[Any]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


class Neo4jStore(Store):
    name = "neo4j"

    def __init__(self, settings: Neo4jSettings) -> None:
        self.settings = settings
        self.driver: Driver = GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password))
        try:
            self.driver.verify_connectivity()
            for statement in cypher("constraints", "graph.schema").split(";"):
                if statement.strip():
                    self._session().run(statement).consume()
        except (ServiceUnavailable, AuthError, Neo4jError, OSError) as exc:
            self.driver.close()
            raise StoreError(
                f"cannot use the Neo4j database at {settings.uri} (database {settings.database!r}): {exc}. "
                "Check NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE, and that the server runs."
            ) from exc
        self.ensure_reference()

    def _session(self):
        return self.driver.session(database=self.settings.database)

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with self._session() as session:
            return session.execute_read(lambda tx: [r.data() for r in tx.run(query, **params)])

    def run_read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run ``graph/queries/<name>.cypher`` with parameters; rows as dicts."""
        return self._read(cypher(name), **params)

    def answer(self, question: str, **params: Any) -> list[dict[str, Any]]:
        return self.run_read(question, **params)

    # -- writing -----------------------------------------------------------------------------
    def write(self, changes: Changes) -> None:
        with self._session() as session:
            session.execute_write(self._apply, changes)

    @staticmethod
    def _apply(tx: ManagedTransaction, changes: Changes) -> None:
        by_label: dict[str, list[Any]] = {}
        for label, key in changes.replace:
            by_label.setdefault(label, []).append(key)
        for label, keys in by_label.items():
            for direction, kind in OWNED[label]:
                pattern = f"-[r:{kind}]->()" if direction == "out" else f"<-[r:{kind}]-()"
                query = cypher("delete_owned").format(label=label, key=KEYS[label], pattern=pattern)
                for batch in _batches(keys):
                    tx.run(query, keys=batch).consume()
        for label, nodes in changes.nodes_by_label().items():
            query = cypher("upsert_nodes").format(label=label, key=KEYS[label])
            for batch in _batches([{"key": n.key, "props": n.props} for n in nodes]):
                tx.run(query, rows=batch).consume()
        for (src, kind, dst), edges in changes.edges_by_type().items():
            query = cypher("merge_edges").format(
                src=src, src_key=KEYS[src], type=kind, dst=dst, dst_key=KEYS[dst]
            )
            for batch in _batches([{"src": e.src[1], "dst": e.dst[1], "props": e.props} for e in edges]):
                written = tx.run(query, rows=batch).single()["written"]
                if written != len(batch):
                    raise StoreError(f"{len(batch) - written} {kind} relationships refer to a missing node")

    def clear(self) -> None:
        with self._session() as session:
            session.execute_write(lambda tx: tx.run(cypher("delete_all")).consume())
        self.ensure_reference()

    def _reference_loaded(self) -> bool:
        row = self.run_read("reference_count")[0]
        return (
            row["states"] == len(reference.countries())
            and row["articles"] == len(reference.articles())
            and row["regions"] == len(regions())
        )

    # -- reading -----------------------------------------------------------------------------
    def read_all(self) -> tuple[dict[NodeRef, dict[str, Any]], list[Edge]]:
        with self._session() as session:
            node_rows, edge_rows = session.execute_read(
                lambda tx: (
                    [r.data() for r in tx.run(cypher("read_nodes"))],
                    [r.data() for r in tx.run(cypher("read_edges"))],
                )
            )
        nodes: dict[NodeRef, dict[str, Any]] = {}
        for row in node_rows:
            label = _label(row["labels"])
            nodes[(label, row["props"][KEYS[label]])] = row["props"]
        edges = [
            Edge(
                row["type"],
                (_label(row["src_labels"]), row["src_key"]),
                (_label(row["dst_labels"]), row["dst_key"]),
                row["props"],
            )
            for row in edge_rows
        ]
        return nodes, edges

    def close(self) -> None:
        self.driver.close()
