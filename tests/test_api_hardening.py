"""The smaller hardening items of issue 16: a private data folder, keys checked before bodies
are read, ``Host`` checked where anonymous reading is on, a per-key bound on workbook downloads,
an empty bundle refused, and dates only as ``YYYY-MM-DD``."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tacmap.api.auth import AuthDB, KeyStore
from tacmap.api.cli.serve import allowed_hosts
from tacmap.graph.errors import TacmapError
from tacmap.graph.settings import Settings
from tacmap.graph.store import EmbeddedStore

from tests.processes import free_port, stop, wait_until_up
from tests.test_api_support import Api, make_api, seed_bundle
from tests.worlds import load

TACMAP = str(Path(sys.executable).parent / "tacmap")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- least privilege on disk -------------------------------------------------------------------------


def test_a_new_data_folder_is_private(tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"
    store = EmbeddedStore(data)
    AuthDB(data)
    try:
        assert mode(data) == 0o700
        files = sorted(data.iterdir())
        assert {f.name for f in files} >= {"tacmap.sqlite", "tacmap.sqlite-wal", "auth.sqlite"}
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        store.close()


def test_an_open_data_folder_is_reported_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / "shared"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="tacmap.files"):
        EmbeddedStore(data).close()
        AuthDB(data)
    assert [r.getMessage() for r in caplog.records] == [
        (
            f"warning: {data} is open to other users (mode 0755) but holds API key hashes and personal data: "
            f"chmod 700 {data}"
        )
    ]
    done = subprocess.run(
        [TACMAP, "--data-dir", str(data), "stats"], check=False, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0
    assert f"warning: {data} is open to other users (mode 0755)" in done.stderr


# -- the key before the body ----------------------------------------------------------------------------


def asgi_post(app: object, path: str, headers: dict[str, str], chunks: int) -> tuple[int, int]:
    """POST ``chunks`` body chunks of 1 MB to ``app`` over ASGI: (status, chunks the app read)."""
    read = 0
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": b"x" * 1024 * 1024, "more_body": read < chunks}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    return int(sent[0]["status"]), read  # type: ignore[call-overload]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    store = EmbeddedStore(tmp_path / "data")
    yield make_api(store, tmp_path / "api", max_upload_bytes=64 * 1024 * 1024)
    store.close()


def test_an_anonymous_upload_is_refused_before_its_body_is_read(api: Api) -> None:
    headers = {"content-type": "multipart/form-data; boundary=x", "content-length": str(19 * 1024 * 1024)}
    assert asgi_post(api.client.app, "/imports", headers, chunks=19) == (401, 0)
    wrong = {**headers, "authorization": "Bearer tm_000000000000_guess"}
    assert asgi_post(api.client.app, "/imports", wrong, chunks=19) == (401, 0)
    viewer = {**headers, "authorization": f"Bearer {api.keys['viewer']}"}
    assert asgi_post(api.client.app, "/imports", viewer, chunks=19) == (403, 0)
    editor = {**headers, "authorization": f"Bearer {api.keys['editor']}"}
    status, read = asgi_post(api.client.app, "/imports", editor, chunks=19)
    assert status == 400 and read > 0  # an editor's upload is read (this one is not even multipart)


def test_malformed_json_without_a_key_is_401_not_422(api: Api) -> None:
    answer = api.client.post("/keys", content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert "API key" in answer.json()["detail"] and answer.json()["request_id"]


# -- Host ------------------------------------------------------------------------------------------------


def test_allowed_hosts_where_anonymous_reading_is_on(tmp_path: Path) -> None:
    anonymous = Settings(data_dir=tmp_path, anonymous_read=True)
    assert allowed_hosts(anonymous, "127.0.0.1") == ("127.0.0.1", "localhost")
    assert allowed_hosts(anonymous, "10.0.0.5") == ("10.0.0.5", "127.0.0.1", "localhost")
    with pytest.raises(TacmapError, match="TACMAP_ALLOWED_HOSTS"):
        allowed_hosts(anonymous, "0.0.0.0")
    named = Settings(data_dir=tmp_path, anonymous_read=True, allowed_hosts=("tacmap.example.org",))
    assert allowed_hosts(named, "0.0.0.0") == ("tacmap.example.org",)
    assert allowed_hosts(Settings(data_dir=tmp_path), "0.0.0.0") == ()  # keys required: no rebinding to fear


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    store = EmbeddedStore(data)
    load(store, seed_bundle())
    store.close()
    return data


def serve(data: Path, log: Path, *args: str, **env: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "TACMAP_"))} | env
    proc = subprocess.Popen(
        [TACMAP, "--data-dir", str(data), "--store", "embedded", "serve", "--port", str(port), *args],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
        env=environ,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    if not wait_until_up(proc, f"{base}/health", 60):
        proc.kill()
        pytest.fail(f"tacmap serve did not start:\n{log.read_text()}")
    return proc, base


def test_anonymous_serving_refuses_other_host_names(seeded: Path, tmp_path: Path) -> None:
    proc, base = serve(seeded, tmp_path / "server.log", "--anonymous-read")
    try:
        assert httpx.get(f"{base}/states", timeout=60).status_code == 200
        rebound = httpx.get(f"{base}/states", headers={"Host": "rebind.example"}, timeout=60)
        assert rebound.status_code == 400
    finally:
        stop(proc)


# -- heavy downloads ---------------------------------------------------------------------------------------


def test_concurrent_workbook_downloads_per_key_are_bounded(seeded: Path, tmp_path: Path) -> None:
    _, key = KeyStore(AuthDB(seeded)).create("viewer")
    proc, base = serve(seeded, tmp_path / "server.log", TACMAP_MAX_HEAVY_DOWNLOADS="1")
    auth = {"Authorization": f"Bearer {key}"}
    answers: list[httpx.Response] = []
    try:

        def download() -> None:
            with httpx.Client(base_url=base, timeout=300) as http:
                answers.append(http.get("/pairings?format=xlsx&as_of=2009-09-01", headers=auth))

        threads = [threading.Thread(target=download) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(a.status_code for a in answers)
        assert statuses[0] == 200 and 429 in statuses, statuses
        refused = next(a for a in answers if a.status_code == 429)
        assert refused.headers["retry-after"] == "5"
        assert "already being prepared for this key" in refused.json()["detail"]
        again = httpx.get(f"{base}/pairings?format=xlsx&as_of=2009-09-01", headers=auth, timeout=300)
        assert again.status_code == 200  # the bound is on downloads at once, not in total
        assert httpx.get(f"{base}/pairings?as_of=2009-09-01", headers=auth, timeout=300).status_code == 200
    finally:
        stop(proc)


# -- empty bundles and dates ---------------------------------------------------------------------------


def empty_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("providers.csv", "id,name,kind\n")
    return buffer.getvalue()


def test_an_empty_bundle_is_refused(api: Api, tmp_path: Path) -> None:
    (tmp_path / "empty.zip").write_bytes(empty_zip())
    done = subprocess.run(
        [TACMAP, "--data-dir", str(tmp_path / "cli"), "load", str(tmp_path / "empty.zip")],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "the bundle holds no records: nothing to import" in done.stderr
    answer = api.post("/imports", files={"file": ("empty.zip", empty_zip())})
    assert answer.status_code == 422
    assert "holds no records" in answer.json()["problems"][0]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "/gaps?as_of=0",
        "/gaps?as_of=1700000000",
        "/projects?active_on=5",
        "/overlaps?start=0",
        "/maps/gaps?as_of=0",
    ],
)
def test_dates_are_only_iso_days(api: Api, query: str) -> None:
    answer = api.get(query)
    assert answer.status_code == 422, answer.text
    assert "use a date as YYYY-MM-DD" in answer.text


def test_an_iso_day_is_still_a_date(api: Api) -> None:
    assert api.get("/gaps?as_of=2009-09-01").status_code == 200


def test_a_refused_cross_origin_upload_still_carries_cors_headers(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "data")
    try:
        api = make_api(store, tmp_path / "api", cors_origins=("https://dashboard.example.org",))
        answer = api.client.post(
            "/imports", headers={"Origin": "https://dashboard.example.org"}, files={"file": ("b.zip", b"x")}
        )
        assert answer.status_code == 401
        assert answer.headers["access-control-allow-origin"] == "https://dashboard.example.org"
    finally:
        store.close()
