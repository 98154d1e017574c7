"""The embedded store reads each table back as one JSON array made by SQLite: every value comes
back exactly as written (floats to the last digit, integers past 2**53, any text), keys keep
their type."""

from __future__ import annotations

import gc

from tacmap.graph.schema.mapping import Changes, Edge, Node
from tacmap.graph.store import EmbeddedStore

AWKWARD = {
    "float": 0.1 + 0.2,  # 0.30000000000000004: 17 significant digits
    "tiny": 5e-324,
    "big": 2**63 - 1,
    "text": 'é 中文 "quoted" \\ \u2028 \U0001f600',
    "list": [1, "two", 3.5, None],
    "nested": {"a": {"b": [True, False]}},
}


def test_values_come_back_exactly_as_written(tmp_path):
    store = EmbeddedStore(tmp_path)
    try:
        store.write(
            Changes(
                nodes=[Node("Provider", "p-1", dict(AWKWARD)), Node("Provider", "p-2", {})],
                edges=[Edge("FUNDS", ("Provider", "p-1"), ("Article", 5), {"share": 1 / 3})],
            )
        )
        again = EmbeddedStore(tmp_path)  # a fresh read of the file, not this store's cache
        nodes, edges = again.read_all()
        again.close()
    finally:
        store.close()
    assert nodes[("Provider", "p-1")] == AWKWARD
    assert repr(nodes[("Provider", "p-1")]["float"]) == "0.30000000000000004"
    assert nodes[("Provider", "p-2")] == {}
    assert ("Article", 5) in nodes and ("Article", "5") not in nodes  # integer keys stay integers
    assert Edge("FUNDS", ("Provider", "p-1"), ("Article", 5), {"share": 1 / 3}) in edges


def test_what_was_read_is_kept_out_of_the_garbage_collector(tmp_path):
    """A full collection does not scan the data, its projection or the indexes (gc.freeze)."""
    store = EmbeddedStore(tmp_path)
    try:
        store.write(Changes(nodes=[Node("Provider", f"p-{i}", {"n": {"i": i}}) for i in range(2000)]))
        gc.unfreeze()
        nodes, _ = store.read_all()
        after_read = gc.get_freeze_count()
        assert after_read >= 2 * 2000  # each node's properties and their nested object
        assert all(o is not nodes for o in gc.get_objects())  # frozen objects are not listed
        store.projection()
        after_projection = gc.get_freeze_count()
        assert after_projection > after_read
        store.memo("test", lambda graph: [{"n": n} for n in graph])
        assert gc.get_freeze_count() > after_projection
    finally:
        store.close()


def test_the_export_is_rebuilt_only_when_the_data_changes(tmp_path):
    """An import exports the store to validate a bundle and again to compare with it: the second
    time costs nothing, and a write (here or by another process) is seen at once."""
    store = EmbeddedStore(tmp_path)
    other = EmbeddedStore(tmp_path)  # as another process would
    try:
        store.write(Changes(nodes=[Node("Provider", "p-1", {"name": "One", "kind": "bilateral"})]))
        first = store.export()
        assert store.export() is first
        assert [p.id for p in first.providers] == ["p-1"]
        other.write(Changes(nodes=[Node("Provider", "p-2", {"name": "Two", "kind": "bilateral"})]))
        assert [p.id for p in store.export().providers] == ["p-1", "p-2"]
    finally:
        other.close()
        store.close()
