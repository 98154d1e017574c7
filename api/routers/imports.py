"""``POST /imports``: a bundle upload (editors); ``GET /export`` is in :mod:`tacmap.api.routers.export`.

The same reading and validation as ``tacmap load``: every problem is listed (422) and nothing is
written, or the import runs in one transaction (200 with the summary); ``dry_run`` checks only. Each
import is on the audit trail with the upload's SHA-256, and every node it writes carries its
``import_id``. ``GET /imports`` is the editors' upload page; a browser posting its forms gets pages
back (:mod:`tacmap.viz.pages.imports`), a client JSON.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from tacmap.api.audit import new_import_id
from tacmap.api.deps import Editor, Principal, Services, ServicesDep, Viewer, client_address, role_refused
from tacmap.api.errors import BodyTooLarge, ErrorBody, error_responses
from tacmap.api.lang import LangDep, Language
from tacmap.api.listing import example_of
from tacmap.api.pages import wants_html
from tacmap.api.roles import Role

router = APIRouter(tags=["imports and export"], responses=error_responses(401, 403))

ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Summary(BaseModel):
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    written: int = Field(description="Records created or updated.")
    warnings: list[str] = Field(
        default_factory=list,
        description="What imported but will not be used as meant (experts without consent).",
    )


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


class BundleCheck(BaseModel):
    """A dry run that found no problem: what the bundle holds; nothing was written."""

    filename: str
    sha256: str
    bytes: int
    records: dict[str, int] = Field(description="Records per table in the bundle.")


@router.get("/imports", response_class=HTMLResponse, include_in_schema=False)
def upload_form(request: Request, who: Viewer, language: LangDep) -> Response:
    """The upload page for a signed-in editor; a browser not signed in is sent to sign in first."""
    from tacmap.viz.pages.imports import upload_page

    if who.role is None or who.csrf is None:
        return RedirectResponse("/sign-in?next=/imports", status_code=303)
    if who.role.rank < Role.editor.rank:
        raise HTTPException(403, role_refused(Role.editor, who.key_id or "", who.role))
    return language.mark(HTMLResponse(upload_page(language.code, who.csrf)))


def _rejection(
    request: Request, problems: list[Any], what: str = "the bundle", page: tuple[Language, str] | None = None
) -> Response:
    if page is not None:
        from tacmap.viz.pages.imports import problems_page

        language, filename = page
        html = problems_page(language.code, filename, [p.to_dict() for p in problems])
        return language.mark(HTMLResponse(html, status_code=422))
    body = ErrorBody(
        detail=f"{what} has {len(problems)} problem(s); nothing was imported: fix them and upload again",
        request_id=getattr(request.state, "request_id", None),
        problems=[p.to_dict() for p in problems],
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=422)


def _received(
    request: Request, services: Services, who: Principal, file: UploadFile, action: str
) -> tuple[bytes, str, str, dict[str, Any]]:
    """An upload read within the limit: its bytes, name, SHA-256 and the audit entry's fields."""
    limit = services.settings.max_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise BodyTooLarge(limit)
    filename = file.filename or "upload"
    digest = hashlib.sha256(data).hexdigest()
    audit = {
        "actor": who.actor,
        "action": action,
        "client": client_address(request),
        "request_id": getattr(request.state, "request_id", None),
        "filename": filename,
        "sha256": digest,
    }
    return data, filename, digest, audit


@router.post(
    "/imports",
    response_model=ImportResult | BundleCheck,
    responses={
        **error_responses(400, 413, 422, 503),
        200: {"content": {"application/json": {"example": example_of(ImportResult)}}},
    },
    summary="Import a bundle (zip of CSV files, or xlsx)",
)
def create_import(
    request: Request,
    services: ServicesDep,
    who: Editor,
    language: LangDep,
    file: Annotated[UploadFile, File(description="A .zip of the bundle's CSV files, or an .xlsx workbook.")],
    dry_run: Annotated[bool, Form(description="Check only: list every problem, write nothing.")] = False,
) -> Any:
    """Validate the whole bundle against what the store holds, then import it in one transaction
    (or, on a dry run, say what it holds)."""
    from tacmap.graph.ingest.bundle import BundleError, import_bundle, read_bundle_bytes, require_records
    from tacmap.graph.schema.tables import TABLES
    from tacmap.viz.pages import imports as pages

    data, filename, digest, audit = _received(request, services, who, file, "import")
    page = (language, filename) if wants_html(request) else None
    store = services.store
    import_id = new_import_id()
    try:
        # checked against the cached snapshot first (cheap); import_bundle checks again against
        # the store as it is at the moment of writing, so a stale snapshot cannot let anything through
        existing = services.cache.snapshot().bundle
        bundle = require_records(read_bundle_bytes(data, filename, existing=existing), filename)
        if dry_run:
            records = {t: len(getattr(bundle, t)) for t in TABLES if getattr(bundle, t)}
            if page is not None:
                html = pages.checked_page(language.code, filename, records, who.csrf or "")
                return language.mark(HTMLResponse(html))
            return BundleCheck(filename=filename, sha256=digest, bytes=len(data), records=records)
        summary = import_bundle(store, bundle, stamp={"import_id": import_id})
    except BundleError as exc:
        if not dry_run:
            services.audit.record(**audit, outcome="rejected", message=f"{len(exc.problems)} problem(s)")
        return _rejection(request, exc.problems, page=page)
    except Exception as exc:
        services.audit.record(**audit, outcome="failed", message=str(exc)[:500])
        raise
    services.cache.invalidate()
    counts = summary.to_dict()
    services.audit.record(
        **audit, outcome="ok", import_id=import_id if summary.written else None, counts=counts
    )
    result = ImportResult(
        import_id=import_id, filename=filename, sha256=digest, bytes=len(data), summary=Summary(**counts)
    )
    if page is not None:
        return language.mark(HTMLResponse(pages.bundle_report_page(language.code, result.model_dump())))
    return result


class IatiImportResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "import_id": "imp_20261203T101500_3fa9c1",
                    "filename": "sida.xml",
                    "sha256": "5d41402abc4b2a76b9719d911017c592ae1f6e3c7f1b2e8d9a0c4b5e6f7a8b9c",
                    "bytes": 779486,
                    "report": {
                        "selection": ["DAC 15150 Democratic participation and civil society"],
                        "counts": {
                            "files": 1,
                            "files_skipped": 0,
                            "activities": 54,
                            "outside_selection": 46,
                            "selected": 8,
                            "projects": 6,
                            "merged": 2,
                            "left_out": 0,
                            "warnings": 0,
                        },
                        "warnings_by_kind": {},
                        "left_out_by_kind": {},
                        "summary": {
                            "created": {"projects": 6, "providers": 4},
                            "updated": {},
                            "unchanged": {},
                        },
                    },
                }
            ]
        }
    )

    import_id: str | None = Field(
        description="Stamped on every record this import wrote (None on a dry run)."
    )
    filename: str
    sha256: str
    bytes: int
    report: dict[str, Any] = Field(
        description="The import report: counts, files (skipped ones with why), warnings and left-out "
        "activities by kind (each with file, line, activity, element), and every project with where "
        "each figure came from. The same as `tacmap load-iati --report FILE.json`."
    )


@router.post(
    "/imports/iati",
    response_model=IatiImportResult,
    responses=error_responses(400, 413, 422),
    summary="Import IATI activity files (XML, or a zip of XML files)",
)
def create_iati_import(
    request: Request,
    services: ServicesDep,
    who: Editor,
    language: LangDep,
    file: Annotated[UploadFile, File(description="An IATI activity file (1.0x or 2.0x), or a .zip of them.")],
    sectors: Annotated[
        str,
        Form(
            description="DAC 5-digit codes, DAC 3-digit categories, SDG targets (sdg:16.5), comma-separated."
        ),
    ] = "15113,sdg:16.5",
    keywords: Annotated[
        bool, Form(description="Also select by anti-corruption keywords in titles and descriptions.")
    ] = True,
    articles: Annotated[
        str,
        Form(
            description="UNCAC articles for selected activities that name none, comma-separated.",
            pattern=r"^\s*(\d{1,2}\s*(,\s*\d{1,2}\s*)*)?$",
        ),
    ] = "",
    since: Annotated[
        date | None, Form(description="Keep only projects ending on or after this date.")
    ] = None,
    dry_run: Annotated[bool, Form(description="Check and report; write nothing.")] = False,
    strict: Annotated[
        bool, Form(description="Refuse everything if any file or value cannot be read.")
    ] = False,
    rates: Annotated[
        UploadFile | None, File(description="Optional CSV 'currency,usd_per_unit' overriding the ECB rates.")
    ] = None,
) -> Any:
    """Read leniently (files that are not IATI, and activities that cannot be recorded, are in the
    report), then import the selected activities in one transaction. Editors only; on the audit trail."""
    from tacmap.graph.ingest.bundle import BundleError
    from tacmap.graph.ingest.iati import Upload, import_iati, parse_rates

    data, filename, digest, audit = _received(request, services, who, file, "import.iati")
    page = (language, filename) if wants_html(request) else None
    import_id = new_import_id()
    try:
        table = (
            parse_rates(rates.file.read(1024 * 1024 + 1), rates.filename or "rates.csv") if rates else None
        )
        report = import_iati(
            services.store,
            Upload(data, filename),
            sectors=[x for x in sectors.split(",") if x.strip()],
            keywords=keywords,
            articles=[int(a) for a in articles.split(",") if a.strip()],
            since=since,
            dry_run=dry_run,
            strict=strict,
            rates=table,
            stamp={"import_id": import_id},
        )
    except BundleError as exc:
        if not dry_run:
            services.audit.record(**audit, outcome="rejected", message=f"{len(exc.problems)} problem(s)")
        return _rejection(request, exc.problems, "the IATI import", page)
    except Exception as exc:
        services.audit.record(**audit, outcome="failed", message=str(exc)[:500])
        raise
    written = report.summary.written if report.summary else 0
    if not dry_run:
        services.cache.invalidate()
        services.audit.record(
            **audit, outcome="ok", import_id=import_id if written else None, counts=report.audit_counts()
        )
    result = IatiImportResult(
        import_id=None if dry_run or not written else import_id,
        filename=filename,
        sha256=digest,
        bytes=len(data),
        report=report.to_dict(),
    )
    if page is not None:
        from tacmap.viz.pages.imports import iati_report_page

        options = {"sectors": sectors, "articles": articles, "since": since, "keywords": keywords}
        html = iati_report_page(language.code, result.model_dump(), who.csrf or "", options)
        return language.mark(HTMLResponse(html))
    return result
