"""A real Bolt server for the tests: ArcadeDB's server, run from the PyPI wheel.

The ``arcadedb-embedded`` wheel ships the server jars (``jars/``) and a Java
runtime (``jre/``, Java 21+ is required by the jars) next to its Python
package.  This module starts ``com.arcadedb.server.ArcadeDBServer`` from
them as a child process with the Bolt plugin listening on a free loopback
port, waits until the official ``neo4j`` driver gets an answer to
``RETURN 1``, and stops it again.

The package is located with ``importlib.util.find_spec`` and never imported
(importing it starts an in-process JVM through JPype, which we do not want).

A JVM must never outlive the test session.  Three layers make sure of it:

* the context manager stops the server (SIGTERM, then SIGKILL) on exit;
* an ``atexit`` handler stops any server still running when the interpreter
  exits normally or after Ctrl-C;
* on Linux the child is started with ``PR_SET_PDEATHSIG`` = SIGKILL, so the
  kernel kills the JVM even if the Python process itself is killed hard.
  (The death signal fires when the *thread* that started the child exits,
  so start the server from a long-lived thread, e.g. the main one.)
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import dataclasses
import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BoltServer", "arcadedb_server", "server_from_env"]

ARCADEDB_USER = "root"
DEFAULT_DATABASE = "tacmap"
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0

# Lines in the server log that mean start-up failed.  When a listener cannot
# bind, ArcadeDB's main thread dies with a ServerException but the JVM keeps
# running (non-daemon threads), so the process alone does not tell us.
_FATAL_MARKERS = ('Exception in thread "main"', "Error starting plugin", "Unable to listen")
_READY_MARKER = "ArcadeDB Server started"
_PORT_MARKERS = ("Unable to listen", "Address already in use", "BindException", "busy")


@dataclass(frozen=True)
class BoltServer:
    uri: str
    user: str
    password: str
    database: str
    pid: int | None = None  # the server process, when started here (tests kill it to test faults)


def server_from_env() -> BoltServer | None:
    """An externally managed Bolt server described by ``NEO4J_*`` variables, if any."""
    uri = os.environ.get("NEO4J_URI", "").strip()
    if not uri:
        return None
    return BoltServer(
        uri=uri,
        user=os.environ.get("NEO4J_USER", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", ""),
        database=os.environ.get("NEO4J_DATABASE", "neo4j"),
    )


# --------------------------------------------------------------------------
# process bookkeeping


_live: dict[int, subprocess.Popen[bytes]] = {}
_live_lock = threading.Lock()


def _stop_process(proc: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM by PID, wait, then SIGKILL.  Idempotent."""
    try:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    finally:
        with _live_lock:
            _live.pop(proc.pid, None)


def _stop_all() -> None:
    with _live_lock:
        procs = list(_live.values())
    for proc in procs:
        with contextlib.suppress(Exception):
            _stop_process(proc, timeout=10)


atexit.register(_stop_all)


def _load_libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:  # pragma: no cover
        return None


# loaded here, not in the child: loading a library between fork and exec is unsafe
_LIBC = _load_libc()


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG


# --------------------------------------------------------------------------
# helpers


def _package_dir() -> Path:
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "arcadedb-embedded is not installed; install the test extra: pip install -e '.[test]'"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _java_and_jars() -> tuple[Path, Path]:
    pkg = _package_dir()
    java = pkg / "jre" / "bin" / "java"
    jars = pkg / "jars"
    if not java.is_file() or not os.access(java, os.X_OK):
        raise RuntimeError(f"no bundled Java runtime at {java} (the system java is too old for ArcadeDB)")
    if not jars.is_dir() or not any(jars.glob("arcadedb-server-*.jar")):
        raise RuntimeError(f"no ArcadeDB server jars in {jars}")
    return java, jars


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _free_ports(n: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < n:
        p = _free_port()
        if p not in ports:
            ports.append(p)
    return ports


def _tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"<cannot read {path}: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


def _log_text(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


class _StartFailed(RuntimeError):
    def __init__(self, message: str, *, port_problem: bool) -> None:
        super().__init__(message)
        self.port_problem = port_problem


def _ping(server: BoltServer) -> None:
    from neo4j import GraphDatabase  # imported lazily: only needed when a server is used

    with (
        GraphDatabase.driver(
            server.uri,
            auth=(server.user, server.password),
            connection_timeout=2.0,
            max_transaction_retry_time=1.0,
            connection_acquisition_timeout=5.0,
        ) as driver,
        driver.session(database=server.database) as session,
    ):
        record = session.execute_read(lambda tx: tx.run("RETURN 1 AS one").single())
    if record is None or record[0] != 1:
        raise RuntimeError(f"unexpected answer to RETURN 1: {record!r}")


def _start_once(
    tmp_dir: Path, attempt: int, database: str, password: str, timeout: float
) -> tuple[subprocess.Popen[bytes], BoltServer]:
    java, jars = _java_and_jars()
    http_port, bolt_port = _free_ports(2)
    base = tmp_dir / f"arcadedb-{attempt}"
    root = base / "root"
    cwd = base / "cwd"  # the server writes ./log relative to its working directory
    root.mkdir(parents=True, exist_ok=True)
    cwd.mkdir(parents=True, exist_ok=True)
    log_path = tmp_dir / f"arcadedb-{attempt}.log"

    cmd = [
        str(java),
        "-Xms128m",
        "-Xmx1g",
        "-cp",
        f"{jars}/*",
        f"-Darcadedb.server.rootPath={root}",
        f"-Darcadedb.server.rootPassword={password}",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http_port}",
        "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "-Darcadedb.bolt.host=127.0.0.1",
        f"-Darcadedb.bolt.port={bolt_port}",
        f"-Darcadedb.server.defaultDatabases={database}[]",
        f"-Darcadedb.bolt.defaultDatabase={database}",
        "com.arcadedb.server.ArcadeDBServer",
    ]
    server = BoltServer(
        uri=f"bolt://127.0.0.1:{bolt_port}", user=ARCADEDB_USER, password=password, database=database
    )

    with open(log_path, "wb") as log:
        log.write(("$ " + " ".join(cmd).replace(password, "***") + "\n\n").encode())
        log.flush()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # own process group: a Ctrl-C on the terminal reaches pytest, which
            # then stops the server in an orderly way (finally / atexit).
            start_new_session=True,
            # _die_with_parent only calls an already loaded prctl: safe with threads
            preexec_fn=_die_with_parent if _LIBC is not None else None,  # noqa: PLW1509
        )
    with _live_lock:
        _live[proc.pid] = proc

    try:
        deadline = time.monotonic() + timeout
        last_error: BaseException | None = None
        while True:
            rc = proc.poll()
            text = _log_text(log_path)
            if rc is not None or any(m in text for m in _FATAL_MARKERS):
                why = f"exited with code {rc}" if rc is not None else "failed during start-up"
                raise _StartFailed(
                    f"ArcadeDB server {why} (bolt port {bolt_port}, http port {http_port}); "
                    f"log {log_path}:\n{_tail(log_path)}",
                    port_problem=any(m in text for m in _PORT_MARKERS),
                )
            # Bolt listens before the HTTP server binds and the database is created, so wait
            # for the final start-up line, not just for Bolt to answer.
            if _READY_MARKER in text:
                try:
                    _ping(server)
                    return proc, dataclasses.replace(server, pid=proc.pid)
                except Exception as exc:  # noqa: BLE001 - not ready yet, whatever the reason
                    last_error = exc
            if time.monotonic() > deadline:
                raise _StartFailed(
                    f"ArcadeDB server did not answer RETURN 1 over Bolt within {timeout:.0f}s "
                    f"(bolt port {bolt_port}; last error: {last_error!r}); log {log_path}:\n"
                    f"{_tail(log_path)}",
                    port_problem=False,
                )
            time.sleep(0.25)
    except BaseException:
        _stop_process(proc)
        raise


@contextmanager
def arcadedb_server(
    tmp_dir: Path,
    *,
    database: str = DEFAULT_DATABASE,
    startup_timeout: float = STARTUP_TIMEOUT_S,
) -> Iterator[BoltServer]:
    """Run an ArcadeDB server with Bolt on a free loopback port for the duration of the block.

    ``tmp_dir`` receives the server root (databases, config), its working
    directory and the log file ``arcadedb-<n>.log``.  Raises ``RuntimeError``
    (with the tail of the server log) when the server does not come up.
    """
    tmp_dir = Path(tmp_dir)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    password = "tacmap-" + secrets.token_hex(8)  # ArcadeDB wants at least 8 characters

    proc: subprocess.Popen[bytes] | None = None
    for attempt in (1, 2):
        try:
            proc, server = _start_once(tmp_dir, attempt, database, password, startup_timeout)
            break
        except _StartFailed as exc:
            # another process may have grabbed a port between picking and binding it
            if attempt == 1 and exc.port_problem:
                continue
            raise RuntimeError(str(exc)) from None
    assert proc is not None
    try:
        yield server
    finally:
        _stop_process(proc)
