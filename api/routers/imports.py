"""``POST /imports`` (a bundle upload, editors) and ``GET /export`` (the whole store, editors).

The same reading and validation as ``tacmap load``: every problem is listed (422) and nothing is
written, or the import runs in one transaction (200 with the summary). Each attempt is on the
audit trail with the upload's SHA-256, and every node an import writes carries its ``import_id``.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from api.audit import new_import_id
from api.deps import Editor, ServicesDep, client_address
from api.errors import BodyTooLarge, ErrorBody, error_responses

router = APIRouter(tags=["imports and export"], responses=error_responses(401, 403))

ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Summary(BaseModel):
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    written: int = Field(description="Records created or updated.")


class ImportResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "import_id": "imp_20261127T091403_ab12cd",
                    "filename": "kenya-2026.xlsx",
                    "sha256": "9b74c9897bac770ffc029102a200c5de1c6b4ba1e4b5d1e1e2a8e2f3c1d0b9a8",
                    "bytes": 48213,
                    "summary": {
                        "created": {"needs": 14},
                        "updated": {"projects": 2},
                        "unchanged": {"providers": 31},
                        "written": 16,
                    },
                }
            ]
        }
    )

    import_id: str = Field(description="Stamped on every record this import wrote; see GET /audit.")
    filename: str
    sha256: str
    bytes: int
    summary: Summary


def _rejection(request: Request, problems: list[Any]) -> JSONResponse:
    body = ErrorBody(
        detail=f"the bundle has {len(problems)} problem(s); nothing was imported: fix them and upload again",
        request_id=getattr(request.state, "request_id", None),
        problems=[p.to_dict() for p in problems],
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=422)


@router.post(
    "/imports",
    response_model=ImportResult,
    responses=error_responses(400, 413, 422, 503),
    summary="Import a bundle (zip of CSV files, or xlsx)",
)
def create_import(
    request: Request,
    services: ServicesDep,
    who: Editor,
    file: Annotated[UploadFile, File(description="A .zip of the bundle's CSV files, or an .xlsx workbook.")],
) -> Any:
    """Validate the whole bundle against what the store holds, then import it in one transaction."""
    from graph.ingest.bundle import BundleError, import_bundle, read_bundle_bytes, require_records

    limit = services.settings.max_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise BodyTooLarge(limit)
    filename = file.filename or "upload"
    digest = hashlib.sha256(data).hexdigest()
    store = services.store
    audit = {
        "actor": who.actor,
        "action": "import",
        "client": client_address(request),
        "request_id": getattr(request.state, "request_id", None),
        "filename": filename,
        "sha256": digest,
    }
    import_id = new_import_id()
    try:
        # checked against the cached snapshot first (cheap); import_bundle checks again against
        # the store as it is at the moment of writing, so a stale snapshot cannot let anything through
        existing = services.cache.snapshot().bundle
        bundle = require_records(read_bundle_bytes(data, filename, existing=existing), filename)
        summary = import_bundle(store, bundle, stamp={"import_id": import_id})
    except BundleError as exc:
        services.audit.record(**audit, outcome="rejected", message=f"{len(exc.problems)} problem(s)")
        return _rejection(request, exc.problems)
    except Exception as exc:
        services.audit.record(**audit, outcome="failed", message=str(exc)[:500])
        raise
    services.cache.invalidate()
    counts = summary.to_dict()
    services.audit.record(
        **audit, outcome="ok", import_id=import_id if summary.written else None, counts=counts
    )
    return ImportResult(
        import_id=import_id, filename=filename, sha256=digest, bytes=len(data), summary=Summary(**counts)
    )


class ExportFormat(StrEnum):
    zip = "zip"
    xlsx = "xlsx"


@router.get(
    "/export",
    responses={
        200: {
            "description": "The whole store as a bundle that `POST /imports` and `tacmap load` read back.",
            "content": {
                ZIP: {"schema": {"type": "string", "format": "binary"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
    response_class=Response,
    summary="Export everything as a bundle",
)
def export(
    request: Request,
    services: ServicesDep,
    who: Editor,
    fmt: Annotated[ExportFormat, Query(alias="format", examples=["zip"])] = ExportFormat.zip,
) -> Response:
    """Editors and admins only (the export holds personal data); recorded on the audit trail."""
    from graph.ingest.bundle import write_bundle

    bundle = services.store.export()
    with tempfile.TemporaryDirectory() as tmp:
        data = write_bundle(bundle, Path(tmp) / f"export.{fmt.value}", fmt.value).read_bytes()
    services.audit.record(
        actor=who.actor,
        action="export",
        client=client_address(request),
        request_id=getattr(request.state, "request_id", None),
        sha256=hashlib.sha256(data).hexdigest(),
        counts={name: len(rows) for name, rows in bundle.tables().items()},
    )
    filename = f"tacmap-export-{date.today().isoformat()}.{fmt.value}"
    return Response(
        data,
        media_type=ZIP if fmt is ExportFormat.zip else XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
