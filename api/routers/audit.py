"""``GET /audit``: the trail of imports, exports and key changes (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from tacmap.api.audit import AuditEntry
from tacmap.api.deps import Admin, PageDep, ServicesDep
from tacmap.api.errors import error_responses
from tacmap.api.listing import (
    RAW_SWITCH,
    Format,
    FormatDep,
    Paged,
    download,
    download_responses,
    example_of,
)

router = APIRouter(tags=["audit and keys"], responses=error_responses(401, 403))


@router.get(
    "/audit",
    response_model=Paged[AuditEntry],
    dependencies=RAW_SWITCH,
    responses=download_responses(example_of(AuditEntry)),
    summary="Audit trail",
)
def list_audit(
    services: ServicesDep,
    who: Admin,
    page: PageDep,
    fmt: FormatDep = Format.json,
    actor: Annotated[
        str | None, Query(description="A key id, `anonymous` or `cli`.", examples=["3f9c2a71b0d4"])
    ] = None,
    action: Annotated[
        str | None, Query(description="import, export, key.create or key.revoke.", examples=["import"])
    ] = None,
    since: Annotated[
        str | None, Query(description="ISO 8601 date or time (UTC).", examples=["2026-11-01"])
    ] = None,
) -> Any:
    """Newest first. Who is a key id (never the key), what a bundle hash and counts."""
    if fmt is not Format.json:
        _, rows = services.audit.entries(actor=actor, action=action, since=since, limit=-1, offset=0)
        return download("audit", rows, fmt)
    total, rows = services.audit.entries(
        actor=actor, action=action, since=since, limit=page.limit, offset=page.offset
    )
    return {"total": total, "limit": page.limit, "offset": page.offset, "items": rows}
