"""``/templates/{kind}.xlsx``: spreadsheet templates to fill in and import (any key).

``kind`` is a bundle table, ``bundle`` (every table in one workbook) or ``cv`` (the experts' CV
template). The drop-downs offer the provider and network ids of the store. See
``graph/ingest/templates.py``.
"""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter
from fastapi.responses import Response
from tacmap.api.deps import StoreDep, Viewer
from tacmap.api.errors import error_responses
from tacmap.graph.ingest.template_kinds import KINDS
from tacmap.graph.ingest.templates import file_name, template_workbook

router = APIRouter(prefix="/templates", tags=["templates"], responses=error_responses(401, 403))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TemplateKind = StrEnum("TemplateKind", {kind: kind for kind in KINDS})  # type: ignore[misc]


@router.get(
    "/{kind}.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The template workbook."}},
    summary="Spreadsheet template",
)
def template(kind: TemplateKind, who: Viewer, store: StoreDep) -> Response:
    """An empty workbook for one table, the whole bundle or the experts' CV: a comment on each
    header, drop-down lists for coded columns; filled in, it imports as it is."""
    body = template_workbook(kind.value, store)
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{file_name(kind.value)}"'},
    )
