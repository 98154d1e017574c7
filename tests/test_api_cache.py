"""The API's cache of answers: exact on the embedded store (a write by another process is seen on
the next request), bounded in time on other stores, one computation per key at a time."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tacmap.api.cache import CachedReads, DataCache
from tacmap.graph.store import EmbeddedStore

from tests.worlds import bundle, load, project


class FarStore:
    """A stand-in for a store that cannot say when its data changed (like Neo4j)."""

    name = "neo4j"

    def data_version(self) -> None:
        return None


def test_embedded_cache_sees_another_writer_at_once(tmp_path: Path) -> None:
    served = EmbeddedStore(tmp_path)
    cache = DataCache(served, max_age=3600)
    assert cache.reader is served
    assert cache.snapshot().bundle.projects == []
    other = EmbeddedStore(tmp_path)  # as `tacmap load` in another process
    load(other, bundle(projects=[project("X1")]))
    assert [p.id for p in cache.snapshot().bundle.projects] == ["X1"]
    other.close()
    served.close()


def test_other_stores_are_cached_for_max_age_then_reread() -> None:
    cache = DataCache(FarStore(), max_age=0.3)  # type: ignore[arg-type]
    assert isinstance(cache.reader, CachedReads)
    counter = iter(range(100))
    assert cache.get("k", lambda: next(counter)) == 0
    assert cache.get("k", lambda: next(counter)) == 0
    time.sleep(0.35)
    assert cache.get("k", lambda: next(counter)) == 1
    cache.invalidate()
    assert cache.get("k", lambda: next(counter)) == 2


def test_one_computation_per_key_at_a_time() -> None:
    cache = DataCache(FarStore(), max_age=60)  # type: ignore[arg-type]
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8 and len(calls) == 1


def test_an_old_value_is_served_while_it_is_recomputed() -> None:
    cache = DataCache(FarStore(), max_age=0.1)  # type: ignore[arg-type]
    assert cache.get("k", lambda: "old") == "old"
    time.sleep(0.15)
    started = threading.Event()

    def slow() -> str:
        started.set()
        time.sleep(0.5)
        return "new"

    worker = threading.Thread(target=lambda: cache.get("k", slow))
    worker.start()
    started.wait()
    began = time.monotonic()
    assert cache.get("k", lambda: "never") == "old"  # not held up by the recomputation
    assert time.monotonic() - began < 0.2
    worker.join()
    assert cache.get("k", lambda: "never") == "new"


def test_a_failed_computation_is_not_cached() -> None:
    cache = DataCache(FarStore(), max_age=60)  # type: ignore[arg-type]
    attempts: list[int] = []

    def failing() -> int:
        attempts.append(1)
        raise ValueError("no")

    for _ in range(2):
        try:
            cache.get("k", failing)
        except ValueError:
            pass
    assert len(attempts) == 2
    assert cache.get("k", lambda: 7) == 7
