"""The default store: networkx in memory, one SQLite file on disk, no server.

Why SQLite: a single file that survives ``kill -9`` mid-write (write-ahead log, synchronous
commits), lets a command-line import and a running API server share it safely (one writer at a
time, readers never blocked), and tells a reader cheaply when another process has committed
(``PRAGMA data_version``), so the in-memory graph is reloaded only when the data changed.
Properties are stored as JSON text: readable with any SQLite tool and stable across versions.

Reads and writes use two connections with a lock each, so a write waiting for the file's write
lock (held by another process) never holds up a read: readers read the last committed version.
That wait is bounded (``TACMAP_LOCK_TIMEOUT`` seconds, 10 by default); past it the write is
refused with :class:`StoreBusy` (503 with ``Retry-After`` over HTTP, exit status 75), never a
generic "database is locked".
"""

from __future__ import annotations

import gc
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from tacmap.graph.private import private_file, private_folder
from tacmap.graph.schema.mapping import OWNED, Changes, Edge, NodeRef
from tacmap.graph.settings import settings
from tacmap.graph.store.base import Projection, Store, StoreBusy, StoreError, StoreUnavailable
from tacmap.graph.store.cypher import RawQuery

if TYPE_CHECKING:
    from tacmap.graph.schema.models import Bundle

SCHEMA = """
CREATE TABLE IF NOT EXISTS nodes (
    label TEXT NOT NULL,
    key   TEXT NOT NULL,          -- JSON of the key value (string or integer)
    props TEXT NOT NULL,          -- JSON object
    PRIMARY KEY (label, key)
);
CREATE TABLE IF NOT EXISTS edges (
    type      TEXT NOT NULL,
    src_label TEXT NOT NULL,
    src_key   TEXT NOT NULL,
    dst_label TEXT NOT NULL,
    dst_key   TEXT NOT NULL,
    props     TEXT NOT NULL,
    PRIMARY KEY (type, src_label, src_key, dst_label, dst_key)
);
CREATE INDEX IF NOT EXISTS edges_by_dst ON edges (dst_label, dst_key, type);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Each table as one JSON array made by SQLite: one json.loads of it is 2-3 times faster than one
# per key and property cell (SQLite copies numbers as written, so nothing is rounded).
READ_NODES = "SELECT coalesce(json_group_array(json_array(label, json(key), json(props))), '[]') FROM nodes"
READ_EDGES = (
    "SELECT coalesce(json_group_array(json_array(type, src_label, json(src_key), dst_label, json(dst_key), "
    "json(props))), '[]') FROM edges"
)

T = TypeVar("T")
EXPORT = "(export)"  # the memo of export(); question memos are named after their module

DB_FILE = "tacmap.sqlite"
REFERENCE_VERSION = "2"  # 2: Region nodes


def _long_lived() -> None:
    """Take what is alive now (the data just read, its projection, an index) out of the cyclic
    garbage collector's sight: it lives until the data changes, and scanning it made every full
    collection of a server stall (0.1 s at seed scale 10, 1 s at scale 100). It is still freed by
    reference counting once replaced; ``gc.freeze`` itself costs nothing."""
    gc.freeze()


def _insert_and_patch(props: dict[str, Any]) -> tuple[str, str]:
    """JSON for a new row (no nulls) and the merge patch for an existing one (nulls remove)."""
    return json.dumps({k: v for k, v in props.items() if v is not None}), json.dumps(props)


class EmbeddedStore(Store):
    name = "embedded"

    def __init__(self, data_dir: Path | str | None = None, lock_seconds: float | None = None) -> None:
        if not data_dir or lock_seconds is None:  # what the caller leaves open, from the environment
            found = settings()
            data_dir = data_dir or found.data_dir
            lock_seconds = found.lock_timeout if lock_seconds is None else lock_seconds
        self.data_dir = Path(data_dir)
        self.lock_seconds = lock_seconds
        self._lock = threading.RLock()  # the reading connection and the caches
        self._write_lock = threading.Lock()  # the writing connection
        try:
            private_file(private_folder(self.data_dir) / DB_FILE)
            self._db = self._connect()
            self._writer = self._connect()
            with self._writing():
                self._writer.execute("PRAGMA journal_mode=WAL")
                self._writer.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(
                f"cannot open the tacmap data in {self.data_dir}: {exc}. "
                "Check the folder exists and is writable, or choose another with --data-dir."
            ) from exc
        self._seen_version: int | None = None
        self._cache: tuple[dict[NodeRef, dict[str, Any]], list[Edge]] | None = None
        self._graph: Projection | None = None
        self._memo: dict[str, Any] = {}
        self._loads = 0
        self.ensure_reference()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.data_dir / DB_FILE, isolation_level=None, check_same_thread=False, timeout=self.lock_seconds
        )
        db.execute("PRAGMA synchronous=FULL")
        return db

    def _busy(self) -> StoreBusy:
        seconds = self.lock_seconds
        return StoreBusy(
            f"the tacmap data in {self.data_dir} is busy: another process has been writing to it for more "
            f"than {seconds:g} s (TACMAP_LOCK_TIMEOUT). Nothing was written; try again in a moment.",
            retry_after=max(1, round(seconds)),
        )

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """The writing connection, waited for at most ``lock_seconds`` (by this process's other
        threads, then by SQLite for other processes); :class:`StoreBusy` past that."""
        if not self._write_lock.acquire(timeout=self.lock_seconds):
            raise self._busy()
        try:
            yield self._writer
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise self._busy() from None
            raise
        finally:
            self._write_lock.release()

    def _changed(self) -> None:
        with self._lock:
            self._cache = None
            self._graph = None
            self._memo = {}

    # -- writing -----------------------------------------------------------------------------
    def write(self, changes: Changes) -> None:
        with self._writing() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                self._apply(db, changes)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            finally:
                self._changed()

    def _apply(self, db: sqlite3.Connection, changes: Changes) -> None:
        """Bulk statements; ``json_patch`` gives Cypher's ``SET n += props`` (a null removes)."""
        for direction, end in (("out", "src"), ("in", "dst")):  # relationships the records own
            db.executemany(
                f"DELETE FROM edges WHERE type = ? AND {end}_label = ? AND {end}_key = ?",
                [
                    (kind, label, json.dumps(key))
                    for label, key in changes.replace
                    for owned, kind in OWNED[label]
                    if owned == direction
                ],
            )
        db.executemany(
            "INSERT INTO nodes (label, key, props) VALUES (?, ?, ?) "
            "ON CONFLICT (label, key) DO UPDATE SET props = json_patch(props, ?)",
            [(n.label, json.dumps(n.key), *_insert_and_patch(n.props)) for n in changes.nodes],
        )
        db.executemany(
            "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
            "(type, src_label, src_key, dst_label, dst_key) DO UPDATE SET props = json_patch(props, ?)",
            [
                (
                    e.type,
                    e.src[0],
                    json.dumps(e.src[1]),
                    e.dst[0],
                    json.dumps(e.dst[1]),
                    *_insert_and_patch(e.props),
                )
                for e in changes.edges
            ],
        )
        # Every relationship's ends must exist: look up only the ends this write names (a temporary
        # table joined on the primary key), so a one-record write does not read every node.
        ends = {(label, json.dumps(key)): e.type for e in changes.edges for label, key in (e.src, e.dst)}
        db.execute("CREATE TEMP TABLE IF NOT EXISTS ends (label TEXT, key TEXT)")
        db.execute("DELETE FROM ends")
        db.executemany("INSERT INTO ends VALUES (?, ?)", list(ends))
        missing = db.execute(
            "SELECT e.label, e.key FROM ends e LEFT JOIN nodes n ON n.label = e.label AND n.key = e.key "
            "WHERE n.label IS NULL ORDER BY e.label, e.key LIMIT 1"
        ).fetchone()
        if missing is not None:
            label, key = missing
            raise StoreError(f"{ends[(label, key)]} refers to a missing {label} {json.loads(key)!r}")

    def clear(self) -> None:
        with self._writing() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM edges")
            db.execute("DELETE FROM nodes")
            db.execute("DELETE FROM meta")
            db.execute("COMMIT")
        self._changed()
        self.ensure_reference()

    def ensure_reference(self) -> None:
        if not self._reference_loaded():
            super().ensure_reference()
            with self._writing() as db:
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('reference_version', ?)", (REFERENCE_VERSION,)
                )

    def _reference_loaded(self) -> bool:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'reference_version'").fetchone()
        return bool(row) and row[0] == REFERENCE_VERSION

    # -- reading -----------------------------------------------------------------------------
    def _fresh(self) -> bool:
        """Whether the cache still matches the file (another process may have committed)."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._seen_version:
            self._seen_version = version
            return False
        return self._cache is not None

    def read_all(self) -> tuple[dict[NodeRef, dict[str, Any]], list[Edge]]:
        with self._lock:
            if not self._fresh() or self._cache is None:
                self._db.execute("BEGIN")  # one consistent snapshot for both tables
                try:
                    (node_rows,) = self._db.execute(READ_NODES).fetchone()
                    (edge_rows,) = self._db.execute(READ_EDGES).fetchone()
                finally:
                    self._db.execute("COMMIT")
                nodes = {(label, key): props for label, key, props in json.loads(node_rows)}
                edges = [Edge(t, (sl, sk), (dl, dk), p) for t, sl, sk, dl, dk, p in json.loads(edge_rows)]
                self._cache = (nodes, edges)
                _long_lived()
                self._loads += 1
                self._graph = None
                self._memo = {}
            return self._cache

    def export(self) -> Bundle:
        """The records, rebuilt once per version of the data: an import reads them to validate a
        bundle and again to compare with it, and an unchanged re-import should cost neither twice.
        Shared by every caller until the data changes: do not modify it."""
        with self._lock:
            self.read_all()
            if EXPORT not in self._memo:
                self._memo[EXPORT] = super().export()
                _long_lived()
            bundle: Bundle = self._memo[EXPORT]
            return bundle

    def projection(self) -> Projection:
        with self._lock:
            self.read_all()
            if self._graph is None:
                self._graph = super().projection()
                _long_lived()
            return self._graph

    def memo(self, name: str, build: Callable[[Projection], T]) -> T:
        """``build(graph)``, computed once per version of the data (indexes for the questions)."""
        with self._lock:
            graph = self.projection()
            if name not in self._memo:
                self._memo[name] = build(graph)
                _long_lived()
            return cast(T, self._memo[name])  # what build(graph) made for this name

    def answer(self, query: RawQuery, **params: Any) -> list[dict[str, Any]]:
        """The rows of the question's networkx twin."""
        return query.twin(self, **params)

    def data_version(self) -> int:
        """How many times the data was read from the file: it changes exactly when the data did
        (here or in another process; ``PRAGMA data_version`` tells)."""
        with self._lock:
            self.read_all()
            return self._loads

    def close(self) -> None:
        with self._lock, self._write_lock:
            self._db.close()
            self._writer.close()
