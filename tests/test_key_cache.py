"""Checked keys are kept in memory, and a revocation is seen on the very next check: by this key
store, by another key store on the same file object, and by another connection (as another
process, e.g. ``tacmap keys revoke``, would)."""

from __future__ import annotations

import threading

from tacmap.api.auth import AuthDB, KeyStore


def test_a_checked_key_is_not_read_again_until_the_file_changes(tmp_path):
    keys = KeyStore(AuthDB(tmp_path))
    _, key = keys.create("viewer")
    assert keys.verify(key) is not None
    statements: list[str] = []
    with keys.db.connect() as db:
        db.set_trace_callback(statements.append)
    try:
        for _ in range(3):
            assert keys.verify(key) is not None
    finally:
        with keys.db.connect() as db:
            db.set_trace_callback(None)
    assert statements and not [s for s in statements if "api_keys" in s]


def test_revoked_here_is_refused_next(tmp_path):
    keys = KeyStore(AuthDB(tmp_path))
    info, key = keys.create("viewer")
    assert keys.verify(key) is not None
    keys.revoke(info.id)
    assert keys.verify(key) is None


def test_revoked_by_another_key_store_on_the_same_file_object_is_refused_next(tmp_path):
    db = AuthDB(tmp_path)
    keys = KeyStore(db)
    info, key = keys.create("viewer")
    assert keys.verify(key) is not None
    KeyStore(db).revoke(info.id)  # same connection: no data_version change, the generation tells
    assert keys.verify(key) is None


def test_revoked_by_another_connection_is_refused_next(tmp_path):
    keys = KeyStore(AuthDB(tmp_path))
    info, key = keys.create("viewer")
    assert keys.verify(key) is not None
    KeyStore(AuthDB(tmp_path)).revoke(info.id)  # another connection, as another process would
    assert keys.verify(key) is None


def test_revoked_from_another_thread_is_refused_next(tmp_path):
    keys = KeyStore(AuthDB(tmp_path))
    info, key = keys.create("viewer")
    assert keys.verify(key) is not None
    worker = threading.Thread(target=keys.revoke, args=(info.id,))
    worker.start()
    worker.join()
    assert keys.verify(key) is None


def test_a_wrong_secret_for_a_cached_key_is_refused(tmp_path):
    keys = KeyStore(AuthDB(tmp_path))
    _, key = keys.create("editor")
    assert keys.verify(key) is not None
    assert keys.verify(key[:-2] + ("AA" if not key.endswith("AA") else "BB")) is None
    assert keys.verify(key) is not None
