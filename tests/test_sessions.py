"""Browser sessions (issue 14 item 6): sign-in with a key opens a cookie session that is HttpOnly,
SameSite=Strict and Secure over HTTPS; the server keeps the key's id, never the key; every writing
request of a session carries its CSRF token; sign-out and a revoked key end it; roles and personal
data follow the key exactly as with a Bearer key."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from tacmap.api.sessions import COOKIE, CSRF_COOKIE
from tacmap.graph.store import EmbeddedStore

from tests.test_api_support import Api, make_api, public_need_count, seed_bundle, seed_emails

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def api(tmp_path: Path) -> Api:
    store = EmbeddedStore(tmp_path / "graph")
    from tacmap.graph.ingest.load import import_bundle

    import_bundle(store, seed_bundle())
    return make_api(store, tmp_path / "api", anonymous_read=False)


def sign_in(api: Api, role: str, base: str = "http://testserver") -> str:
    """Signs the client in with the role's key; the session's CSRF token, read from a page."""
    form = api.client.get(f"{base}/sign-in")
    assert form.status_code == 200
    token = CSRF.search(form.text)[1]
    answer = api.client.post(
        f"{base}/sign-in", data={"key": api.keys[role], "csrf": token}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    page = api.client.get(f"{base}/sign-in")
    return CSRF.search(page.text)[1]


def test_sign_in_sets_a_strict_httponly_cookie_and_keeps_no_key(api: Api) -> None:
    form = api.client.get("/sign-in")
    token = CSRF.search(form.text)[1]
    answer = api.client.post(
        "/sign-in", data={"key": api.keys["viewer"], "csrf": token}, follow_redirects=False
    )
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and v.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    assert answer.headers["location"] == "/"
    db = sqlite3.connect(api.services.sessions.db.path)
    rows = db.execute("SELECT * FROM sessions").fetchall()
    assert len(rows) == 1
    stored = " ".join(str(v) for v in rows[0])
    secret = api.keys["viewer"].split("_", 2)[2]
    assert secret not in stored and cookie.split(";")[0].split("=", 1)[1] not in stored
    assert api.client.get("/needs").status_code == 200  # the cookie signs the reader in


def test_cookie_is_secure_over_https(api: Api) -> None:
    form = api.client.get("https://testserver/sign-in")
    assert "Secure" in form.headers["set-cookie"]
    token = CSRF.search(form.text)[1]
    answer = api.client.post(
        "https://testserver/sign-in", data={"key": api.keys["viewer"], "csrf": token}, follow_redirects=False
    )
    assert "Secure" in answer.headers["set-cookie"]


def test_wrong_key_and_stale_form_are_refused_with_a_page(api: Api) -> None:
    token = CSRF.search(api.client.get("/sign-in").text)[1]
    wrong = api.client.post("/sign-in", data={"key": "tm_000000000000_nope", "csrf": token})
    assert wrong.status_code == 401 and "not valid or has been revoked" in wrong.text
    assert COOKIE not in api.client.cookies
    stale = api.client.post("/sign-in", data={"key": api.keys["viewer"], "csrf": "forged"})
    assert stale.status_code == 403 and COOKIE not in api.client.cookies
    api.client.cookies.delete(CSRF_COOKIE, path="/sign-in")
    none = api.client.post("/sign-in", data={"key": api.keys["viewer"], "csrf": token})
    assert none.status_code == 403


def test_next_stays_on_this_site(api: Api) -> None:
    token = CSRF.search(api.client.get("/sign-in").text)[1]
    answer = api.client.post(
        "/sign-in",
        data={"key": api.keys["viewer"], "csrf": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


def test_revoked_key_ends_its_session(api: Api) -> None:
    sign_in(api, "editor")
    assert api.client.get("/needs").status_code == 200
    api.services.keys.revoke(api.keys["editor"].split("_")[1])
    refused = api.client.get("/needs")
    assert refused.status_code == 401 and "session has ended" in refused.json()["detail"]


def test_sign_out_ends_the_session(api: Api) -> None:
    csrf = sign_in(api, "viewer")
    assert api.client.post("/sign-out", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert COOKIE not in api.client.cookies
    api.client.cookies.set(COOKIE, "whatever")
    assert api.client.get("/needs").status_code == 401


def test_writing_without_the_csrf_token_is_refused(api: Api) -> None:
    csrf = sign_in(api, "editor")
    files = {"file": ("b.zip", b"not a zip", "application/zip")}
    assert api.client.post("/imports", files=files).status_code == 403
    assert api.client.post("/imports", files=files, data={"csrf": "forged"}).status_code == 403
    assert api.client.post("/sign-out", data={}).status_code == 403
    assert (
        api.client.post("/imports", files=files, data={"csrf": csrf}).status_code == 422
    )  # read, then refused


def test_roles_and_personal_data_follow_the_key(api: Api) -> None:
    sign_in(api, "viewer")
    assert api.client.get("/export").status_code == 403
    files = {"file": ("b.zip", b"x", "application/zip")}
    assert api.client.post("/imports", files=files).status_code == 403  # before the body: role too low
    experts = api.client.get("/experts?limit=500").text
    assert not any(email in experts for email in seed_emails())
    needs = api.client.get("/needs?limit=500").json()
    assert needs["total"] == public_need_count() < len(seed_bundle().needs)  # restricted needs left out


def test_an_ended_session_is_refused_before_the_body(api: Api) -> None:
    api.client.cookies.set(COOKIE, "not-a-session")
    answer = api.client.post("/imports", files={"file": ("b.zip", b"x", "application/zip")})
    assert answer.status_code == 401 and "session has ended" in answer.json()["detail"]
