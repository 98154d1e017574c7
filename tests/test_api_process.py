"""`tacmap serve` as a real process on a free port, spoken to over HTTP: keys made by the command
line work, and an import by `tacmap load` while the server runs is answered at once, without a
restart (the embedded store notices another process's commit)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import free_port, stop, wait_until_up
from tests.test_api_support import public_need_count

STARTUP_S = 60


@pytest.fixture(scope="module")
def tacmap() -> list[str]:
    """The `tacmap` command; with `serve` and `keys` registered even before api/cli/__init__.py imports them."""
    script = Path(sys.executable).parent / "tacmap"
    if script.exists():
        listed = subprocess.run(
            [str(script), "--help"], check=False, capture_output=True, text=True, timeout=120
        )
        if "serve" in listed.stdout and "keys" in listed.stdout:
            return [str(script)]
    return [
        sys.executable,
        "-c",
        "import tacmap.api.cli.serve, tacmap.api.cli.keys; from tacmap.api.cli import main; main()",
    ]


def run(tacmap: list[str], data_dir: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: PLW1510 - the return code is asserted with the error output
        [*tacmap, "--data-dir", str(data_dir), *args], capture_output=True, text=True, timeout=300, env=_env()
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "TACMAP_"))}
    return {**env, "COLUMNS": "200"}


@pytest.fixture
def server(tacmap: list[str], tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    data_dir = tmp_path / "data"
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [*tacmap, "--data-dir", str(data_dir), "--store", "embedded", "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=_env(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    if not wait_until_up(proc, f"{base}/health", STARTUP_S):
        proc.kill()
        pytest.fail(f"tacmap serve did not start:\n{(tmp_path / 'server.log').read_text()}")
    try:
        yield base, data_dir, proc
    finally:
        stop(proc)
        log.close()


def test_serve_answers_and_sees_a_command_line_import(
    server: tuple[str, Path, subprocess.Popen[str]], tacmap: list[str], tmp_path: Path
) -> None:
    base, data_dir, _ = server
    key = run(tacmap, data_dir, "keys", "create", "--role", "viewer").strip().splitlines()[-1].strip()
    auth = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, timeout=60) as http:
        assert http.get("/ready").json()["status"] == "ready"
        assert http.get("/needs").status_code == 401
        empty = http.get("/needs", headers=auth)
        assert empty.status_code == 200 and empty.json()["total"] == 0
        assert empty.headers["x-request-id"]
        assert http.get("/docs").status_code == 200

        bundle = tmp_path / "seed-bundle"
        run(tacmap, data_dir, "seed", "--out", str(bundle))
        run(tacmap, data_dir, "load", str(bundle))  # another process writes while the server runs

        after = http.get("/needs", headers=auth).json()
        assert after["total"] == public_need_count()
        assert http.get("/overlaps", headers=auth, params={"limit": 1}).status_code == 200
        assert http.get("/", headers=auth).status_code == 200

    lines = [
        json.loads(line)
        for line in (tmp_path / "server.log").read_text().splitlines()
        if line.startswith("{")
    ]
    access = [line for line in lines if line.get("logger") == "tacmap.api.access"]
    assert any(line["path"] == "/needs" and line["status"] == 200 for line in access)
    assert all(key not in json.dumps(line) for line in lines)


DEMO = """
import sys
from pathlib import Path
import typer
from tacmap.api.cli import Context, app
from tacmap.api.cli.serve import serve_demo
ctx = typer.Context(typer.main.get_command(app))
ctx.obj = Context(Path(sys.argv[1]), None)
serve_demo(ctx, port=int(sys.argv[2]))
"""


def _demo(data_dir: Path, log: Path) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", DEMO, str(data_dir), str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
        env=_env(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    if not wait_until_up(proc, f"{base}/ready", 180):
        proc.kill()
        pytest.fail(f"demo did not start:\n{log.read_text()}")
    return proc, base


def test_demo_serves_the_seed_with_a_local_admin_key(tmp_path: Path) -> None:
    from tests.test_api_support import seed_emails

    data_dir, first_log = tmp_path / "data", tmp_path / "demo1.log"
    proc, base = _demo(data_dir, first_log)
    try:
        printed = first_log.read_text()
        keys = [w for w in printed.split() if w.startswith("tm_")]
        assert len(keys) == 1, printed
        assert f"{base}/" in printed and f"{base}/docs" in printed
        with httpx.Client(base_url=base, timeout=120) as http:
            assert http.get("/").status_code == 200  # a browser opens the home page without a key
            assert http.get("/needs").json()["total"] == public_need_count()
            experts = http.get("/experts", params={"format": "csv"}).text
            assert not any(e in experts for e in seed_emails())
            assert http.get("/export").status_code == 401
            admin = {"Authorization": f"Bearer {keys[0]}"}
            assert http.get("/audit", headers=admin).status_code == 200
    finally:
        stop(proc)

    second_log = tmp_path / "demo2.log"
    proc, base = _demo(data_dir, second_log)  # again: nothing reloaded, no second key
    try:
        printed = second_log.read_text()
        assert "tm_" not in printed and "already exists" in printed and "loaded" not in printed
    finally:
        stop(proc)
