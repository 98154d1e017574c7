"""Browser sessions: a person signs in with an API key on ``/sign-in`` and the browser keeps a cookie.

The cookie holds a random token; the server keeps its SHA-256, the key's id (never the key) and the
session's CSRF token, for a bounded time (:data:`LIFETIME`). Each request looks the key up by id, so a
session ends on the very next request once its key is revoked. The cookie is ``HttpOnly`` (no script
reads it), ``SameSite=Strict`` (no other site's page sends it) and ``Secure`` when the request came
over HTTPS, which behind a proxy uvicorn learns from ``X-Forwarded-Proto`` (from the addresses in
``FORWARDED_ALLOW_IPS``, 127.0.0.1 by default). Every form of a session posts its CSRF token back
(field ``csrf``, or the ``X-CSRF-Token`` header), checked on every writing request a cookie makes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tacmap.api.auth import ApiKey, AuthDB, KeyStore

COOKIE = "tacmap_session"
CSRF_COOKIE = "tacmap_signin"  # the sign-in form's double-submit token, before any session exists
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
LIFETIME = timedelta(hours=8)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def same_token(given: str | None, expected: str) -> bool:
    """Whether a posted CSRF token is the expected one (constant time)."""
    return bool(given) and hmac.compare_digest(str(given), expected)


@dataclass(frozen=True)
class Session:
    key: ApiKey
    csrf: str


class SessionStore:
    """Open, find and close sessions, in the keys' SQLite file."""

    def __init__(self, db: AuthDB, keys: KeyStore) -> None:
        self.db = db
        self.keys = keys

    def open(self, key: ApiKey) -> tuple[str, Session]:
        """A new session for ``key``: the cookie's token (given once) and the session. Expired
        sessions are removed here, so the table holds only live ones."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.db.connect() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (_stamp(now),))
            db.execute(
                "INSERT INTO sessions (token_hash, key_id, csrf, expires_at) VALUES (?, ?, ?, ?)",
                (_digest(token), key.id, csrf, _stamp(now + LIFETIME)),
            )
        return token, Session(key, csrf)

    def find(self, token: str) -> Session | None:
        """The live session of a cookie's token, or None: unknown, expired, or its key revoked."""
        with self.db.connect() as db:
            row = db.execute(
                "SELECT key_id, csrf FROM sessions WHERE token_hash = ? AND expires_at > ?",
                (_digest(token), _stamp(datetime.now(UTC))),
            ).fetchone()
        if row is None:
            return None
        key = self.keys.active(row["key_id"])
        return Session(key, row["csrf"]) if key is not None else None

    def close(self, token: str) -> None:
        """Sign out: the session is gone, whatever the cookie still says."""
        with self.db.connect() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))
