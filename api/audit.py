"""The audit trail: who changed (or took) what, when and from where.

Stored in the same SQLite file as the keys (``auth.sqlite``), apart from the graph, so a failed
or rolled-back import is still on record and the trail survives a ``tacmap load`` or a store
switch. *Who* is a key id (never the key), ``anonymous`` or ``cli``; *what* is the bundle's
SHA-256 and the created/updated/unchanged counts; *where* is the client address.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from tacmap.api.auth import AuthDB, now


def new_import_id() -> str:
    """``imp_20261127T091403_ab12cd``: sortable by time, unique, stamped on every written node."""
    return f"imp_{datetime.now(UTC):%Y%m%dT%H%M%S}_{secrets.token_hex(3)}"


class AuditEntry(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "at": "2026-11-27T09:14:03Z",
                    "actor": "3f9c2a71b0d4",
                    "action": "import",
                    "outcome": "ok",
                    "client": "10.0.4.17",
                    "request_id": "6f1d2c0e9a8b4f7c",
                    "import_id": "imp_20261127T091403_ab12cd",
                    "filename": "kenya-2026.xlsx",
                    "sha256": "9b74c9897bac770ffc029102a200c5de1c6b4ba1e4b5d1e1e2a8e2f3c1d0b9a8",
                    "counts": {"created": {"needs": 14}, "updated": {"projects": 2}, "unchanged": {}},
                    "message": None,
                }
            ]
        }
    )

    id: int
    at: str = Field(description="UTC, ISO 8601.")
    actor: str = Field(description="Key id, `anonymous` or `cli`.")
    action: str = Field(description="import, export, key.create or key.revoke.")
    outcome: str = Field(description="ok, rejected (bundle had problems) or failed.")
    client: str | None = None
    request_id: str | None = None
    import_id: str | None = Field(None, description="Provenance stamp put on every node the import wrote.")
    filename: str | None = None
    sha256: str | None = None
    counts: dict[str, Any] | None = None
    message: str | None = None


class AuditLog:
    """Append and read audit entries."""

    def __init__(self, db: AuthDB) -> None:
        self.db = db

    def record(
        self,
        *,
        actor: str,
        action: str,
        outcome: str = "ok",
        client: str | None = None,
        request_id: str | None = None,
        import_id: str | None = None,
        filename: str | None = None,
        sha256: str | None = None,
        counts: dict[str, Any] | None = None,
        message: str | None = None,
    ) -> int:
        with self.db.connect() as db:
            cursor = db.execute(
                "INSERT INTO audit (at, actor, action, outcome, client, request_id, import_id, filename,"
                " sha256, counts, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    now(),
                    actor,
                    action,
                    outcome,
                    client,
                    request_id,
                    import_id,
                    filename,
                    sha256,
                    json.dumps(counts) if counts is not None else None,
                    message,
                ),
            )
            return int(cursor.lastrowid or 0)

    def entries(
        self,
        *,
        actor: str | None = None,
        action: str | None = None,
        since: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[int, list[AuditEntry]]:
        """(total matching, one page newest first)."""
        where, params = [], []
        for column, value in (("actor", actor), ("action", action)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if since:
            where.append("at >= ?")
            params.append(since)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self.db.connect() as db:
            total = db.execute(f"SELECT count(*) FROM audit {clause}", params).fetchone()[0]
            rows = db.execute(
                f"SELECT * FROM audit {clause} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset]
            ).fetchall()
        return total, [
            AuditEntry(**{**dict(r), "counts": json.loads(r["counts"]) if r["counts"] else None})
            for r in rows
        ]
