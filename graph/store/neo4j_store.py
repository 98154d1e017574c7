"""The Neo4j store: the official driver and Cypher text from ``graph/queries/``, nothing else.

Reads go through ``execute_read`` and writes through ``execute_write``, so a ``neo4j://`` URI
routes to the right cluster member and transient errors are retried by the driver. Cypher stays
in the portable subset that Neo4j 5 and ArcadeDB's Bolt server both run (no APOC or GDS). Labels
and types in templates come from the schema, never from input.

Days (project start and end, need and State dates: ``DATE_PROPS``) are Neo4j ``date`` values, so
Bloom's date filters and Cypher's ``date()`` functions apply; the date parameters of the questions
(``DATE_PARAMS``) are sent as dates too, and every date read back becomes the ISO string the
embedded store holds, so both stores answer alike. A database written when days were strings is
converted in place when the store is opened (:meth:`Neo4jStore.migrate`, also ``tacmap migrate``).

When the server goes away the driver retries for ``TACMAP_NEO4J_RETRY_SECONDS`` (5 by default,
instead of the driver's 30) and connects with a timeout of ``TACMAP_NEO4J_CONNECT_SECONDS`` (5);
then the command fails with one plain :class:`StoreUnavailable` naming the server and what to
check (exit status 1, HTTP 503), like the embedded store. The driver's own retry messages are
kept out of the terminal (a handler-less "neo4j" logger would print each one): an operator who
wants them configures logging for "neo4j".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import AuthError, DriverError, IncompleteCommit, Neo4jError, ServiceUnavailable
from neo4j.time import Date
from tacmap.graph.schema import reference
from tacmap.graph.schema.mapping import DATE_PROPS, KEYS, OWNED, Changes, Edge, NodeRef
from tacmap.graph.schema.regions import regions
from tacmap.graph.store.base import Store, StoreError, StoreUnavailable
from tacmap.graph.store.cypher import RawQuery, read_cypher
from tacmap.graph.store.neo4j_settings import Neo4jSettings

BATCH = 2000
# The question parameters that are days (ISO strings from the questions, dates on Neo4j).
DATE_PARAMS = frozenset({"as_of", "period_start", "period_end"})
T = TypeVar("T")

logging.getLogger("neo4j").addHandler(logging.NullHandler())


def _label(labels: list[str]) -> str:
    return next(label for label in labels if label in KEYS)


def _batches(rows: list[Any]) -> list[list[Any]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def _dated(label: str, props: dict[str, Any]) -> dict[str, Any]:
    """``props`` with the label's day properties as dates (the driver sends them as Neo4j dates)."""
    days = DATE_PROPS.get(label, ())
    return {k: date.fromisoformat(v) if k in days and isinstance(v, str) else v for k, v in props.items()}


def _plain(value: Any) -> Any:
    """``value`` with every Neo4j date in it (also inside lists and maps) as its ISO string."""
    if isinstance(value, Date):
        return value.iso_format()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Neo4jStore(Store):
    name = "neo4j"

    def __init__(self, settings: Neo4jSettings) -> None:
        self.settings = settings
        self.driver: Driver = GraphDatabase.driver(
            settings.uri,
            auth=(settings.user, settings.password),
            max_transaction_retry_time=settings.retry_seconds,
            connection_timeout=settings.connect_seconds,
            connection_acquisition_timeout=settings.connect_seconds + settings.retry_seconds,
        )
        try:
            self.driver.verify_connectivity()
            for statement in read_cypher("constraints", "tacmap.graph.schema").split(";"):
                if statement.strip():
                    with self._session() as session:
                        session.run(statement).consume()
        except (DriverError, AuthError, Neo4jError, OSError) as exc:
            self.driver.close()
            error = StoreUnavailable if isinstance(exc, ServiceUnavailable | OSError) else StoreError
            raise error(
                f"cannot use the Neo4j database at {settings.uri} (database {settings.database!r}): {exc}. "
                "Check NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE, and that the server runs."
            ) from exc
        self.migrated = self.migrate()  # what this opening converted (`tacmap migrate` says)
        self.ensure_reference()

    def _session(self) -> Session:
        return self.driver.session(database=self.settings.database)

    def _call(self, work: Callable[[Any], T], write: bool = False) -> T:
        """``work(tx)`` in a managed transaction (retried by the driver for ``retry_seconds``);
        a server that stays away is one plain :class:`StoreUnavailable`."""
        try:
            with self._session() as session:
                return (session.execute_write if write else session.execute_read)(work)
        except IncompleteCommit:
            raise StoreUnavailable(
                f"the Neo4j server at {self.settings.uri} went away while committing: the write may or may "
                "not have been made: check that it is running, then run the same import again (importing a "
                "bundle twice changes nothing)"
            ) from None
        except (DriverError, OSError) as exc:
            raise StoreUnavailable(
                f"the Neo4j server at {self.settings.uri} stopped answering ({type(exc).__name__}; retried "
                f"{self.settings.retry_seconds:g} s): check that it is running and reachable from here "
                "(NEO4J_URI). Nothing was changed."
            ) from None

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        return self._call(lambda tx: [_plain(r.data()) for r in tx.run(query, **params)])

    def answer(self, query: RawQuery, **params: Any) -> list[dict[str, Any]]:
        """The rows of the question's Cypher file, run with ``params`` in a read transaction
        (its day parameters as dates)."""
        days = {
            k: date.fromisoformat(v) for k, v in params.items() if k in DATE_PARAMS and isinstance(v, str)
        }
        return self._read(query.cypher, **(params | days))

    def migrate(self) -> dict[str, int]:
        """Convert day properties still stored as ISO strings into Neo4j dates, in one
        transaction; idempotent. Returns how many nodes changed per ``Label.property``."""

        def convert(tx: ManagedTransaction, label: str, prop: str) -> int:
            try:
                return int(
                    tx.run(read_cypher("migrate_dates").format(label=label, prop=prop)).single(strict=True)[0]
                )
            except Neo4jError as exc:
                raise StoreError(
                    f"cannot convert {label}.{prop} to dates: a {label} node holds a {prop} that is not an "
                    f"ISO date (YYYY-MM-DD): {exc.message}. Correct it (or import the record again), then "
                    "run `tacmap migrate`. Nothing was converted."
                ) from None

        def work(tx: ManagedTransaction) -> dict[str, int]:
            return {
                f"{label}.{prop}": convert(tx, label, prop)
                for label, props in DATE_PROPS.items()
                for prop in props
            }

        return self._call(work, write=True)

    # -- writing -----------------------------------------------------------------------------
    def write(self, changes: Changes) -> None:
        self._call(lambda tx: self._apply(tx, changes), write=True)

    @staticmethod
    def _apply(tx: ManagedTransaction, changes: Changes) -> None:
        by_label: dict[str, list[Any]] = {}
        for label, key in changes.replace:
            by_label.setdefault(label, []).append(key)
        for label, keys in by_label.items():
            for direction, kind in OWNED[label]:
                pattern = f"-[r:{kind}]->()" if direction == "out" else f"<-[r:{kind}]-()"
                query = read_cypher("delete_owned").format(label=label, key=KEYS[label], pattern=pattern)
                for batch in _batches(keys):
                    tx.run(query, keys=batch).consume()
        for label, nodes in changes.nodes_by_label().items():
            query = read_cypher("upsert_nodes").format(label=label, key=KEYS[label])
            for batch in _batches([{"key": n.key, "props": _dated(label, n.props)} for n in nodes]):
                tx.run(query, rows=batch).consume()
        for (src, kind, dst), edges in changes.edges_by_type().items():
            query = read_cypher("merge_edges").format(
                src=src, src_key=KEYS[src], type=kind, dst=dst, dst_key=KEYS[dst]
            )
            for batch in _batches([{"src": e.src[1], "dst": e.dst[1], "props": e.props} for e in edges]):
                written = tx.run(query, rows=batch).single(strict=True)["written"]
                if written != len(batch):
                    raise StoreError(f"{len(batch) - written} {kind} relationships refer to a missing node")

    def clear(self) -> None:
        self._call(lambda tx: tx.run(read_cypher("delete_all")).consume(), write=True)
        self.ensure_reference()

    def _reference_loaded(self) -> bool:
        row = self._read(read_cypher("reference_count"))[0]
        held = (row["states"], row["articles"], row["regions"])
        return held == (len(reference.countries()), len(reference.articles()), len(regions()))

    # -- reading -----------------------------------------------------------------------------
    def read_all(self) -> tuple[dict[NodeRef, dict[str, Any]], list[Edge]]:
        node_rows, edge_rows = self._call(
            lambda tx: (
                [_plain(r.data()) for r in tx.run(read_cypher("read_nodes"))],
                [_plain(r.data()) for r in tx.run(read_cypher("read_edges"))],
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
