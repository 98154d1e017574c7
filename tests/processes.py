"""A server run as a child process, for the tests and the load benchmark: a free loopback port,
waiting until it answers, and stopping it (SIGTERM, then kill)."""

from __future__ import annotations

import signal
import socket
import subprocess
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(proc: subprocess.Popen[str], url: str, seconds: float) -> bool:
    """Whether ``url`` answered 200 within ``seconds``; False as soon as the process has exited."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def stop(proc: subprocess.Popen[str], seconds: float = 20) -> None:
    """SIGTERM (a graceful shutdown), then kill if it is still running after ``seconds``."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
