"""The embedded store on disk: kill -9 mid-write, concurrent processes, readers see new data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tacmap.graph.schema.mapping import to_changes
from tacmap.graph.schema.models import Bundle, Provider
from tacmap.graph.store import EmbeddedStore

WRITER = textwrap.dedent(
    """
    import sys
    from tacmap.graph.schema.mapping import to_changes
    from tacmap.graph.schema.models import Bundle, Provider
    from tacmap.graph.store import EmbeddedStore

    store = EmbeddedStore(sys.argv[1])
    store.write(to_changes(Bundle(providers=[Provider(id="first", name="First", kind="ngo")])))
    print("committed", flush=True)
    big = Bundle(providers=[Provider(id=f"p{i:06d}", name=f"P {i}", kind="ngo") for i in range(400_000)])
    changes = to_changes(big)
    print("writing", flush=True)
    store.write(changes)
    print("done", flush=True)
    """
)


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )


def test_kill_9_mid_write_keeps_exactly_the_last_committed_state(tmp_path: Path) -> None:
    writer = run_python(WRITER, str(tmp_path))
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "committed"
    assert writer.stdout.readline().strip() == "writing"
    # let the big transaction get under way, then kill the process outright
    wal = tmp_path / "tacmap.sqlite-wal"
    size_before = wal.stat().st_size if wal.exists() else 0
    while writer.poll() is None and (not wal.exists() or wal.stat().st_size <= size_before + 1_000_000):
        time.sleep(0.005)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL

    store = EmbeddedStore(tmp_path)
    assert [p.id for p in store.export().providers] == ["first"]
    store.close()


def test_reader_in_another_process_sees_a_new_write_without_restart(tmp_path: Path) -> None:
    reader = EmbeddedStore(tmp_path)
    assert reader.export().providers == []
    writer = run_python(
        WRITER.split('print("committed"')[0],  # only the first, small write
        str(tmp_path),
    )
    assert writer.wait() == 0
    assert [p.id for p in reader.export().providers] == ["first"]
    assert reader.projection().has_node(("Provider", "first"))
    reader.close()


def test_two_writer_processes_do_not_corrupt_the_store(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path).close()
    code = textwrap.dedent(
        """
        import sys
        from tacmap.graph.schema.mapping import to_changes
        from tacmap.graph.schema.models import Bundle, Provider
        from tacmap.graph.store import EmbeddedStore

        store = EmbeddedStore(sys.argv[1])
        tag = sys.argv[2]
        for i in range(20):
            store.write(to_changes(Bundle(providers=[Provider(id=f"{tag}{i}", name=tag, kind="ngo")])))
        """
    )
    writers = [run_python(code, str(tmp_path), tag) for tag in ("a", "b")]
    assert [w.wait() for w in writers] == [0, 0]
    store = EmbeddedStore(tmp_path)
    ids = {p.id for p in store.export().providers}
    assert ids == {f"{tag}{i}" for tag in "ab" for i in range(20)}
    assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_write_then_reopen_in_this_process(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    bundle = Bundle(providers=[Provider(id="x", name="X", kind="other", country="KEN")])
    store.write(to_changes(bundle))
    store.close()
    assert EmbeddedStore(tmp_path).export() == bundle
