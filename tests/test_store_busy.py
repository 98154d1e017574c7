"""A busy embedded store (issue 16), with real processes: while another process holds the write
lock, an import waits at most ``TACMAP_LOCK_TIMEOUT`` seconds and is then refused plainly (503 with
``Retry-After`` over HTTP, exit status 75 on the command line, on the audit trail either way), and
readers go on reading the last committed version without waiting."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tacmap.api.audit import AuditLog
from tacmap.api.auth import AuthDB, KeyStore
from tacmap.graph.store import EmbeddedStore

from tests.processes import free_port, stop, wait_until_up
from tests.worlds import bundle, load, need

TACMAP = str(Path(sys.executable).parent / "tacmap")
LOCK_SECONDS = 4

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    db = sqlite3.connect(sys.argv[1] + "/tacmap.sqlite", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(120)
    """
)


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "TACMAP_"))}
    return {**clean, "TACMAP_LOCK_TIMEOUT": str(LOCK_SECONDS)}


def upload() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("providers.csv", "id,name,kind\nnew,New provider,ngo\n")
    return buffer.getvalue()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    store = EmbeddedStore(data)
    load(store, bundle(needs=[need("N1", "KEN", 5), need("N2", "GHA", 6)]))
    store.close()
    return data


@pytest.fixture
def holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store's write lock until the test ends."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    yield proc
    proc.kill()
    proc.wait()


@pytest.fixture
def server(data_dir: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [TACMAP, "--data-dir", str(data_dir), "--store", "embedded", "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=env(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    if not wait_until_up(proc, f"{base}/health", 60):
        proc.kill()
        pytest.fail(f"tacmap serve did not start:\n{(tmp_path / 'server.log').read_text()}")
    try:
        yield base
    finally:
        stop(proc)
        log.close()


def test_an_import_into_a_locked_store_is_a_503_and_readers_do_not_wait(
    data_dir: Path, server: str, holder: subprocess.Popen[str]
) -> None:
    keys = KeyStore(AuthDB(data_dir))
    editor = {"Authorization": f"Bearer {keys.create('editor')[1]}"}
    viewer = {"Authorization": f"Bearer {keys.create('viewer')[1]}"}
    answers: list[tuple[httpx.Response, float]] = []

    def post() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=server, timeout=120) as http:
            response = http.post("/imports", headers=editor, files={"file": ("b.zip", upload())})
        answers.append((response, time.monotonic() - started))

    writer = threading.Thread(target=post)
    with httpx.Client(base_url=server, timeout=120) as http:
        assert http.get("/needs", headers=viewer).json()["total"] == 2  # warm
        writer.start()
        time.sleep(1)  # the import is now waiting for the lock
        waits = []
        for _ in range(5):
            started = time.monotonic()
            read = http.get("/needs", headers=viewer)
            waits.append(time.monotonic() - started)
            assert read.status_code == 200 and read.json()["total"] == 2
        writer.join()
    assert max(waits) < 1.0, waits  # readers never waited for the writer

    [(response, seconds)] = answers
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(LOCK_SECONDS)
    assert "busy" in response.json()["detail"] and "try again" in response.json()["detail"]
    assert LOCK_SECONDS - 0.5 < seconds < LOCK_SECONDS + 10
    [entry] = AuditLog(AuthDB(data_dir)).entries(action="import", limit=10, offset=0)[1]
    assert entry.outcome == "failed" and "busy" in (entry.message or "")


def test_a_command_line_import_into_a_locked_store_exits_75(
    data_dir: Path, holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    (tmp_path / "b.zip").write_bytes(upload())
    started = time.monotonic()
    done = subprocess.run(
        [TACMAP, "--data-dir", str(data_dir), "load", str(tmp_path / "b.zip")],
        check=False,
        capture_output=True,
        text=True,
        env=env(),
        timeout=300,
    )
    assert done.returncode == 75, done.stderr
    assert "Traceback" not in done.stderr
    assert "is busy: another process has been writing to it" in done.stderr
    assert time.monotonic() - started < LOCK_SECONDS + 30
    [entry] = AuditLog(AuthDB(data_dir)).entries(action="import", limit=10, offset=0)[1]
    assert entry.actor == "cli" and entry.outcome == "failed"
