"""The Neo4j path under faults (issue 16), with a real Bolt server that is killed mid-command: the
command ends within the bounded retry with one plain line naming the server (exit 1, HTTP 503),
never driver retry chatter or a traceback, and a failed import is on the audit trail. A malformed
``NEO4J_URI`` is refused at start with the forms it takes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tacmap.api.audit import AuditLog
from tacmap.api.auth import AuthDB
from tacmap.graph.ingest.bundle import write_bundle
from tacmap.graph.settings import Settings
from tacmap.graph.store import Neo4jSettings, Neo4jStore, StoreError

from tests.bolt_server import BoltServer, arcadedb_server
from tests.test_api_support import make_api

TACMAP = str(Path(sys.executable).parent / "tacmap")
RETRY_SECONDS = 2
# what a user may wait at most once the server is gone: the retry, a connection timeout, start-up
BOUND_SECONDS = 25


@pytest.fixture
def doomed(tmp_path: Path) -> Iterator[BoltServer]:
    """A Bolt server of this test's own, to be killed (skipped against an external server)."""
    if os.environ.get("NEO4J_URI"):
        pytest.skip("needs a Bolt server the test may kill")
    with arcadedb_server(tmp_path / "arcadedb") as server:
        yield server


def env_for(server: BoltServer) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "TACMAP_"))}
    return {
        **clean,
        "NEO4J_URI": server.uri,
        "NEO4J_USER": server.user,
        "NEO4J_PASSWORD": server.password,
        "NEO4J_DATABASE": server.database,
        "TACMAP_NEO4J_RETRY_SECONDS": str(RETRY_SECONDS),
        "TACMAP_NEO4J_CONNECT_SECONDS": "2",
    }


def connected(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds an established TCP connection to loopback ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01" and int(fields[2].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    try:
        links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    except OSError:
        return False
    return any(f"socket:[{inode}]" in links for inode in inodes)


def kill_mid_command(
    server: BoltServer, command: list[str], env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Start ``command``, kill the server once the command is talking to it, and wait for the end."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    port = int(server.uri.rsplit(":", 1)[1])
    deadline = time.monotonic() + 120
    while not connected(proc.pid, port):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the command never connected"
        time.sleep(0.05)
    time.sleep(1.0)  # well into the command's work
    assert proc.poll() is None, "the command ended before the server was killed: use a bigger bundle"
    assert server.pid is not None
    os.kill(server.pid, signal.SIGKILL)
    killed = time.monotonic()
    stdout, stderr = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr), time.monotonic() - killed


def assert_plain_failure(done: subprocess.CompletedProcess[str], server: BoltServer) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "retried" not in done.stderr.lower().replace(f"retried {RETRY_SECONDS} s", "")  # no driver chatter
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: the Neo4j server at {server.uri}")
    # before the commit: "stopped answering ... Nothing was changed"; during it: "went away while
    # committing"; both tell the user what to check
    assert "check that it is running" in lines[0]
    assert "stopped answering" in lines[0] or "went away while committing" in lines[0]


@pytest.fixture(scope="module")
def big_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tacmap.seed.generate import generate

    return write_bundle(generate(scale=10), tmp_path_factory.mktemp("seed") / "seed10", "dir")


def test_an_import_when_the_server_dies_fails_plainly_and_is_audited(
    doomed: BoltServer, big_bundle: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    command = [TACMAP, "--data-dir", str(data), "--store", "neo4j", "load", str(big_bundle)]
    done, seconds = kill_mid_command(doomed, command, env_for(doomed))
    assert_plain_failure(done, doomed)
    assert seconds < BOUND_SECONDS
    [entry] = AuditLog(AuthDB(data)).entries(action="import", limit=10, offset=0)[1]
    assert entry.actor == "cli" and entry.outcome == "failed"
    assert doomed.uri in (entry.message or "")


def test_a_read_when_the_server_dies_fails_plainly(
    doomed: BoltServer, big_bundle: Path, tmp_path: Path
) -> None:
    env = env_for(doomed)
    data = tmp_path / "data"
    loaded = subprocess.run(
        [TACMAP, "--data-dir", str(data), "--store", "neo4j", "load", str(big_bundle)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert loaded.returncode == 0, loaded.stderr
    command = [TACMAP, "--data-dir", str(data), "--store", "neo4j", "query", "pairings", "--format", "json"]
    done, seconds = kill_mid_command(doomed, command, env)
    assert_plain_failure(done, doomed)
    assert seconds < BOUND_SECONDS


def test_the_api_answers_503_when_the_server_dies(doomed: BoltServer, tmp_path: Path) -> None:
    settings = Neo4jSettings(
        doomed.uri, doomed.user, doomed.password, doomed.database, retry_seconds=RETRY_SECONDS
    )
    store = Neo4jStore(settings)
    try:
        api = make_api(store, tmp_path / "api", raise_server_exceptions=False, store_cache_seconds=0)
        assert api.get("/needs").status_code == 200
        assert doomed.pid is not None
        os.kill(doomed.pid, signal.SIGKILL)
        started = time.monotonic()
        read = api.get("/needs")
        assert read.status_code == 503
        assert read.json()["detail"].startswith(f"the Neo4j server at {doomed.uri} stopped answering")
        upload = api.post("/imports", files={"file": ("providers.csv", b"id,name,kind\np1,One,ngo\n")})
        assert upload.status_code == 503
        assert time.monotonic() - started < 2 * BOUND_SECONDS
        [entry] = api.services.audit.entries(action="import", limit=10, offset=0)[1]
        assert entry.outcome == "failed" and doomed.uri in (entry.message or "")
    finally:
        store.close()


@pytest.mark.parametrize(
    "uri", ["localhost:7687", "http://localhost:7474", "bolt://", "bolt://host:notaport"]
)
def test_a_malformed_uri_is_refused_at_start(uri: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")} | {"NEO4J_URI": uri}
    started = time.monotonic()
    done = subprocess.run(
        [TACMAP, "--data-dir", str(tmp_path), "stats"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "is not an address the Neo4j driver takes: use bolt://HOST:7687" in done.stderr
    assert time.monotonic() - started < 30
    with pytest.raises(StoreError, match="bolt://HOST:7687"):
        Settings(data_dir=tmp_path, neo4j_uri=uri)
