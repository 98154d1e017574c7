"""Keys and roles on both stores: 401 for no, wrong or revoked keys; 403 for a role too low; keys
stored hashed and compared in constant time; admins manage keys over HTTP and the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tacmap.api.cli.keys  # noqa: F401 - registers `tacmap keys`
from tacmap.api.auth import AUTH_FILE, AuthDB, KeyStore, split_key
from tacmap.api.cli import app as cli_app
from tacmap.graph.store import Store
from typer.testing import CliRunner

from tests.test_api_support import Api, make_api

KEY = re.compile(r"^tm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$")

# (method, path, lowest role allowed)
PROTECTED = [
    ("get", "/needs", "viewer"),
    ("get", "/states/KEN", "viewer"),
    ("get", "/overlaps", "viewer"),
    ("get", "/maps/coordination", "viewer"),
    ("get", "/", "viewer"),
    ("get", "/export", "editor"),
    ("post", "/imports", "editor"),
    ("get", "/audit", "admin"),
    ("get", "/keys", "admin"),
    ("post", "/keys", "admin"),
    ("delete", "/keys/000000000000", "admin"),
]
RANK = {"viewer": 1, "editor": 2, "admin": 3}


@pytest.fixture
def api(store: Store, tmp_path: Path) -> Api:
    return make_api(store, tmp_path / "api")


def call(api: Api, method: str, path: str, headers: dict[str, str]):
    if method == "post" and path == "/imports":
        return api.client.post(path, headers=headers, files={"file": ("b.zip", b"not a zip")})
    if method == "post":
        return api.client.post(path, headers=headers, json={"role": "viewer"})
    return getattr(api.client, method)(path, headers=headers)


@pytest.mark.parametrize(("method", "path", "lowest"), PROTECTED)
def test_roles(api: Api, method: str, path: str, lowest: str) -> None:
    missing = call(api, method, path, {})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert "API key" in missing.json()["detail"]
    for bad in ("Bearer tm_000000000000_nope", "Bearer nonsense", f"Bearer {api.keys['admin']}x"):
        assert call(api, method, path, {"Authorization": bad}).status_code == 401
    for role in ("viewer", "editor", "admin"):
        response = call(api, method, path, api.headers(role))
        if RANK[role] < RANK[lowest]:
            assert response.status_code == 403, (role, response.text)
            assert lowest in response.json()["detail"]
        else:
            assert response.status_code not in (401, 403), (role, response.text)


def test_x_api_key_header_works_like_bearer(api: Api) -> None:
    assert api.client.get("/needs", headers={"X-API-Key": api.keys["viewer"]}).status_code == 200
    assert api.client.get("/needs", headers={"X-API-Key": "tm_x_y"}).status_code == 401


def test_keys_are_stored_hashed_with_a_visible_id(api: Api) -> None:
    folder = api.services.settings.data_dir
    raw = b"".join(p.read_bytes() for p in folder.glob(f"{AUTH_FILE}*"))  # the file and its write-ahead log
    for key in api.keys.values():
        assert KEY.match(key)
        key_id, secret = split_key(key)  # type: ignore[misc]
        assert key_id.encode() in raw
        assert secret.encode() not in raw and key.encode() not in raw


def test_comparison_is_constant_time(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from tacmap.api import auth

    calls: list[tuple[str, str]] = []
    real = auth.hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert api.get("/needs").status_code == 200
    assert api.get("/needs", headers={"Authorization": "Bearer tm_000000000000_guess"}).status_code == 401
    assert len(calls) == 2  # the unknown id is compared too (against a dummy), same work


def test_revoked_key_is_refused_at_once(api: Api) -> None:
    assert api.get("/needs").status_code == 200
    KeyStore(AuthDB(api.services.settings.data_dir)).revoke(api.keys["viewer"])  # as another process would
    assert api.get("/needs").status_code == 401


def test_admin_manages_keys_over_http(api: Api) -> None:
    created = api.client.post(
        "/keys", headers=api.headers("admin"), json={"role": "editor", "name": "dashboard"}
    )
    assert created.status_code == 201
    key, info = created.json()["key"], created.json()["info"]
    assert KEY.match(key) and info["role"] == "editor" and key.split("_")[1] == info["id"]
    assert api.client.get("/export", headers={"Authorization": f"Bearer {key}"}).status_code == 200

    listed = api.get("/keys", role="admin")
    assert info["id"] in {k["id"] for k in listed.json()}
    assert key.split("_", 2)[2] not in listed.text  # never the secret again

    revoked = api.delete(f"/keys/{info['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert api.client.get("/needs", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert api.delete("/keys/ffffffffffff").status_code == 404
    assert api.client.post("/keys", headers=api.headers("admin"), json={"role": "root"}).status_code == 422

    trail = api.get("/audit", role="admin", params={"action": "key.create"}).json()["items"]
    assert trail[0]["actor"] == split_key(api.keys["admin"])[0]  # type: ignore[index]
    assert info["id"] in trail[0]["message"]
    assert key not in api.get("/audit", role="admin").text


def test_keys_command_line(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    created = runner.invoke(
        cli_app, [*base, "keys", "create", "--role", "editor", "--name", "Nairobi office"]
    )
    assert created.exit_code == 0, created.output
    key = next(line.strip() for line in created.output.splitlines() if line.strip().startswith("tm_"))
    assert KEY.match(key)
    key_id = key.split("_")[1]
    assert KeyStore(AuthDB(tmp_path)).verify(key) is not None

    listed = runner.invoke(cli_app, [*base, "keys", "list", "--format", "json"])
    assert key_id in listed.output and key.split("_", 2)[2] not in listed.output

    assert runner.invoke(cli_app, [*base, "keys", "revoke", key_id]).exit_code == 0
    assert KeyStore(AuthDB(tmp_path)).verify(key) is None
    assert runner.invoke(cli_app, [*base, "keys", "create", "--role", "root"]).exit_code != 0


def test_anonymous_is_off_by_default(api: Api) -> None:
    assert api.services.settings.anonymous_read is False
    assert api.client.get("/states").status_code == 401
    assert api.client.get("/health").status_code == 200  # operations need no key
