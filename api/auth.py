"""API keys: created and revoked on the command line (or by an admin over HTTP), stored hashed.

A key reads ``tm_<id>_<secret>``. The id is public: it names the key in lists, logs and the audit
trail. The secret is shown once, at creation, and only its SHA-256 is kept. A fast hash is enough
here (unlike passwords) because the secret is 256 random bits: nothing to guess from a dictionary.
Comparison is constant-time (:func:`hmac.compare_digest`).

Keys live in ``auth.sqlite`` in the data folder, beside but apart from the graph, so they work
the same whichever store holds the graph, and a ``tacmap load`` never touches them. Checked keys
are kept in memory (a dictionary lookup instead of a query per request) until the file changes:
SQLite's ``PRAGMA data_version`` tells when another process or connection wrote to it, and this
process's own creations and revocations clear it, so a revoked key is refused on the very next
request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from tacmap.api.roles import Role
from tacmap.graph.errors import Conflict, NotFound, TacmapError
from tacmap.graph.private import private_file, private_folder
from tacmap.graph.schema.reference import countries, suggest_iso3

AUTH_FILE = "auth.sqlite"
PREFIX = "tm"

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id          TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,      -- sha256 hex of the secret part; the key itself is never stored
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    name        TEXT NOT NULL DEFAULT '',
    state       TEXT,               -- viewer keys: the State whose restricted needs it sees
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,      -- key id, 'anonymous' or 'cli'; never a key
    action      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    client      TEXT,
    request_id  TEXT,
    import_id   TEXT,
    filename    TEXT,
    sha256      TEXT,
    counts      TEXT,               -- JSON: created / updated / unchanged per table
    message     TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit (actor, at);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash  TEXT PRIMARY KEY,   -- sha256 hex of the cookie's token; neither token nor key is stored
    key_id      TEXT NOT NULL,
    csrf        TEXT NOT NULL,      -- the token every form of this session posts back
    expires_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_key ON sessions (key_id);
"""


class ApiKey(BaseModel):
    """What is known about a key; never its secret."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3f9c2a71b0d4",
                    "role": "editor",
                    "name": "UNODC regional office, Nairobi",
                    "state": None,
                    "created_at": "2026-11-27T09:14:03Z",
                    "revoked_at": None,
                }
            ]
        }
    )

    id: str = Field(description="Public id: the part between `tm_` and the second underscore.")
    role: Role
    name: str = ""
    state: str | None = Field(
        None, description="Viewer keys only: the State (ISO3) whose restricted needs this key may see."
    )
    created_at: str
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def now() -> str:
    """UTC now as ISO 8601 with a Z, second precision (readable in SQLite and JSON)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(token: str) -> tuple[str, str] | None:
    """``tm_<id>_<secret>`` -> (id, secret); None for anything else."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


class AuthDB:
    """The SQLite file that holds keys and the audit trail (see :mod:`tacmap.api.audit`)."""

    def __init__(self, data_dir: Path | str) -> None:
        self.path = private_file(private_folder(Path(data_dir)) / AUTH_FILE)
        self._local = threading.local()
        self.generation = 0  # bumped by this process's key changes (see KeyStore._checked)
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, in a transaction committed on exit (rolled back on error).

        One connection per thread, kept open: opening the file costs a millisecond, a key lookup
        on an open connection a few microseconds. Each transaction still reads the latest commit
        (WAL), so a key revoked by another process is refused on the next request.
        """
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, check_same_thread=True)
            db.row_factory = sqlite3.Row
            self._local.db = db
        with db:
            yield db


class KeyStore:
    """Create, list, revoke and check API keys."""

    def __init__(self, db: AuthDB) -> None:
        self.db = db
        self._local = threading.local()  # per thread, like the connection whose data_version it follows

    def _checked(self) -> dict[str, tuple[str, ApiKey | None]]:
        """Key id -> (secret hash, the key or None if revoked), for the file as it is now: emptied
        when another connection wrote to it (data_version) or a key changed here (generation)."""
        with self.db.connect() as db:
            version = (db.execute("PRAGMA data_version").fetchone()[0], self.db.generation)
        if getattr(self._local, "version", None) != version:
            self._local.version, self._local.keys = version, {}
        keys: dict[str, tuple[str, ApiKey | None]] = self._local.keys
        return keys

    def create(self, role: Role | str, name: str = "", state: str | None = None) -> tuple[ApiKey, str]:
        """A new key: its record and the full key text, which is never shown again. ``state``
        scopes a viewer key to one State: it then also sees that State's restricted needs."""
        try:
            role = Role(role)
        except ValueError:
            raise TacmapError(f"unknown role {role!r}: choose viewer, editor or admin") from None
        if state is not None:
            state = scoped_state(role, state)
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        record = ApiKey(id=key_id, role=role, name=name, state=state, created_at=now())
        with self.db.connect() as db:
            db.execute(
                "INSERT INTO api_keys (id, secret_hash, role, name, state, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (key_id, _digest(secret), role.value, name, state, record.created_at),
            )
        self.db.generation += 1
        return record, f"{PREFIX}_{key_id}_{secret}"

    def revoke(self, key_id: str, by: str | None = None) -> ApiKey:
        """Revoke a key by id (or by the full key text); revoking twice is harmless.

        Refused (:class:`Conflict`) for the last active admin key, which would leave nobody able
        to manage keys over HTTP, and for ``by``, the key making the request: an admin cannot saw
        off the branch it sits on by mistake (another admin key, or the command line, can).
        The check and the change are one transaction, so two admins revoking each other at once
        cannot both succeed."""
        parsed = split_key(key_id)
        key_id = parsed[0] if parsed else key_id.strip()
        with self.db.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT * FROM api_keys WHERE id = ?", (key_id,)).fetchone()
            if row is None:
                raise NotFound(f"no key with id {key_id!r}: `tacmap keys list` shows the ids")
            if row["revoked_at"] is None:
                if key_id == by:
                    raise Conflict(
                        f"the key {key_id} is the one making this request: revoke it with another admin key, "
                        f"or on the command line with `tacmap keys revoke {key_id}`"
                    )
                if row["role"] == Role.admin.value:
                    others = db.execute(
                        "SELECT count(*) FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL AND id != ?",
                        (key_id,),
                    ).fetchone()[0]
                    if not others:
                        raise Conflict(
                            f"the key {key_id} is the last active admin key: without it nobody could manage "
                            "keys. Create another admin key first (`tacmap keys create --role admin`), then "
                            "revoke this one"
                        )
                db.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", (now(), key_id))
                row = db.execute("SELECT * FROM api_keys WHERE id = ?", (key_id,)).fetchone()
        self.db.generation += 1
        return _record(row)

    def list(self, include_revoked: bool = True) -> list[ApiKey]:
        with self.db.connect() as db:
            rows = db.execute("SELECT * FROM api_keys ORDER BY created_at, id").fetchall()
        keys = [_record(r) for r in rows]
        return keys if include_revoked else [k for k in keys if k.active]

    def has_active(self, role: Role) -> bool:
        with self.db.connect() as db:
            row = db.execute(
                "SELECT 1 FROM api_keys WHERE role = ? AND revoked_at IS NULL LIMIT 1", (role.value,)
            ).fetchone()
        return row is not None

    def _known(self, key_id: str) -> tuple[str, ApiKey | None] | None:
        """(secret hash, the key or None if revoked) for ``key_id``, or None when no key has it
        (ids that do not exist are looked up every time, so they cannot fill the memory)."""
        checked = self._checked()
        known = checked.get(key_id)
        if known is None:
            with self.db.connect() as db:
                row = db.execute("SELECT * FROM api_keys WHERE id = ?", (key_id,)).fetchone()
            if row is not None:
                known = checked[key_id] = (
                    row["secret_hash"],
                    _record(row) if row["revoked_at"] is None else None,
                )
        return known

    def active(self, key_id: str) -> ApiKey | None:
        """The active key with this id, or None: a browser session holds the id, never the key."""
        known = self._known(key_id)
        return known[1] if known is not None else None

    def verify(self, token: str) -> ApiKey | None:
        """The active key ``token`` is, or None. Same work whether or not the id exists."""
        parsed = split_key(token)
        key_id, secret = parsed if parsed else ("", token)
        known = self._known(key_id)
        stored, key = known if known is not None else (_digest(secrets.token_hex(16)), None)
        matches = hmac.compare_digest(stored, _digest(secret))
        return key if matches else None


def scoped_state(role: Role, state: str) -> str:
    """The ISO3 code a key is scoped to, checked: only viewer keys take one (editors and admins
    see every need already), and it must be a State of the reference data."""
    if role is not Role.viewer:
        raise TacmapError(
            f"only viewer keys are scoped to a State: an {role.value} key already sees every need, "
            "restricted or not; create a viewer key for one State's focal point instead"
        )
    code = state.strip().upper()
    if code not in countries():
        guess = suggest_iso3(state)
        hint = f"did you mean {guess}?" if guess else "use an ISO 3166-1 alpha-3 code such as KEN"
        raise TacmapError(f"unknown State {state!r} for the key: {hint}")
    return code


def _record(row: sqlite3.Row) -> ApiKey:
    return ApiKey(
        id=row["id"],
        role=row["role"],
        name=row["name"],
        state=row["state"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
