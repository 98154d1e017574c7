"""Key management cannot lock itself out (issue 16): an admin cannot revoke the key it is using,
nobody can revoke the last active admin key, and a key in a request path never reaches the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from tacmap.api.auth import AuthDB, KeyStore, split_key
from tacmap.api.cli import app as cli_app
from tacmap.api.errors import Conflict
from tacmap.graph.store import EmbeddedStore
from typer.testing import CliRunner

from tests.test_api_support import Api, make_api


@pytest.fixture
def api(tmp_path: Path) -> Api:
    store = EmbeddedStore(tmp_path / "data")
    yield make_api(store, tmp_path / "api")
    store.close()


def key_id(key: str) -> str:
    parsed = split_key(key)
    assert parsed is not None
    return parsed[0]


def test_an_admin_cannot_revoke_its_own_key(api: Api) -> None:
    own = key_id(api.keys["admin"])
    _, other = api.services.keys.create("admin", "second admin")  # so the last-admin rule is not what bites
    refused = api.delete(f"/keys/{own}")
    assert refused.status_code == 409
    assert "the one making this request" in refused.json()["detail"]
    assert api.get("/keys", role="admin").status_code == 200  # still works
    revoked = api.client.delete(f"/keys/{own}", headers={"Authorization": f"Bearer {other}"})
    assert revoked.status_code == 200  # another admin key may


def test_the_last_active_admin_key_cannot_be_revoked(api: Api, tmp_path: Path) -> None:
    keys = KeyStore(AuthDB(tmp_path / "api"))
    only = key_id(api.keys["admin"])
    with pytest.raises(Conflict, match="last active admin key"):
        keys.revoke(only)
    _, second = keys.create("admin", "replacement")
    assert keys.revoke(only).revoked_at is not None  # with a replacement it may go
    with pytest.raises(Conflict, match="last active admin key"):
        keys.revoke(second)
    assert keys.revoke(key_id(api.keys["viewer"])).revoked_at is not None  # other roles: no such rule


def test_the_command_line_refuses_the_last_admin_key_plainly(api: Api, tmp_path: Path) -> None:
    only = key_id(api.keys["admin"])
    result = CliRunner().invoke(cli_app, ["--data-dir", str(tmp_path / "api"), "keys", "revoke", only])
    assert result.exit_code != 0
    assert isinstance(result.exception, Conflict)
    assert KeyStore(AuthDB(tmp_path / "api")).verify(api.keys["admin"]) is not None


def test_a_key_in_a_request_path_is_not_logged(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    viewer = api.keys["viewer"]
    secret = viewer.split("_", 2)[2]
    with caplog.at_level(logging.INFO, logger="tacmap.api.access"):
        assert api.delete(f"/keys/{viewer}").status_code == 200
    paths = [r.fields["path"] for r in caplog.records if hasattr(r, "fields")]  # type: ignore[attr-defined]
    assert paths == [f"/keys/tm_{key_id(viewer)}_…"]
    assert secret not in caplog.text
    assert all(secret not in str(r.__dict__) for r in caplog.records)
