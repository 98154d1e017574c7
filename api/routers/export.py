"""``GET /export``: the data for other tools. ``format=zip`` or ``xlsx`` is the whole store as a
bundle that ``POST /imports`` and ``tacmap load`` read back (editors and admins: it holds personal
data; on the audit trail). The graph formats (``gexf``, ``graphml``, ``json``, ``cytoscape``,
``kumu``, ``geojson``, see :mod:`tacmap.graph.export`) are for everyone who may read the maps, with
the maps' filters and the caller's view of restricted needs, and no personal data; ``/maps/{kind}``
gives one map's subgraph in the same formats."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from tacmap.api.auth import Role
from tacmap.api.deps import Principal, ServicesDep, Viewer, client_address, role_refused
from tacmap.api.errors import error_responses, invalid
from tacmap.api.lang import LangDep, Language
from tacmap.api.listing import ArticleQ, AsOfQ, GroupQ, ProviderQ, StateQ
from tacmap.graph.export import FORMATS

router = APIRouter(tags=["imports and export"], responses=error_responses(400, 401, 403))

ZIP = "application/zip"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BUNDLES = {"zip": ZIP, "xlsx": XLSX}

ExportFormat = StrEnum("ExportFormat", {name: name for name in (*BUNDLES, *FORMATS)})  # type: ignore[misc]
DEFAULT_FORMAT = ExportFormat("zip")  # the whole bundle, as before the graph formats
GraphFormat = StrEnum("GraphFormat", {name: name for name in FORMATS})  # type: ignore[misc]

FORMAT_HELP = (
    "`zip` or `xlsx`: the whole store as a bundle (editors and admins). "
    + ", ".join(f"`{f.name}` ({f.opens_in})" for f in FORMATS.values())
    + ": the graph, as the maps show it."
)


# The start of `?format=json` on the illustrative seed (networkx node-link).
NODE_LINK: dict[str, Any] = {
    "directed": True,
    "multigraph": True,
    "graph": {"name": "tacmap"},
    "nodes": [
        {
            "id": "Article:1",
            "kind": "Article",
            "label": "Art. 1",
            "identifier": "1",
            "title": "Statement of purpose",
            "chapter": "I",
            "x": -1190.9,
            "y": -911.4,
            "size": 9.0,
            "color": "#8C8C8C",
        }
    ],
    "links": [{"source": "Expert:exp-0001", "target": "State:ALB", "key": 0, "relationship": "NATIONAL_OF"}],
}


def _schema(media_type: str) -> dict[str, str]:
    """A JSON document for the JSON formats (node-link, Cytoscape.js, GeoJSON), else bytes."""
    return {"type": "object"} if media_type.endswith("json") else {"type": "string", "format": "binary"}


FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A file to download.",
        "content": {
            **{media: {"schema": {"type": "string", "format": "binary"}} for media in BUNDLES.values()},
            **{f.media_type: {"schema": _schema(f.media_type)} for f in FORMATS.values()},
            "application/json": {"schema": {"type": "object"}, "example": NODE_LINK},
        },
    }
}


@router.get("/export", responses=FILES, response_class=Response, summary="Export the data for other tools")
def export(
    request: Request,
    services: ServicesDep,
    who: Viewer,
    language: LangDep,
    fmt: Annotated[ExportFormat, Query(alias="format", description=FORMAT_HELP, examples=["gexf"])] = (
        DEFAULT_FORMAT
    ),
    state: StateQ = None,
    article: ArticleQ = None,
    group: GroupQ = None,
    provider: ProviderQ = None,
    as_of: AsOfQ = None,
) -> Response:
    """A bundle (everything, for editors) or the graph in a format Gephi, Cytoscape, Kumu, QGIS or a
    notebook opens, under the maps' filters."""
    filters: dict[str, Any] = {
        "state": state,
        "article": article,
        "group": group and group.value,
        "provider": provider,
    }
    filters["as_of"] = as_of
    if fmt.value in BUNDLES:
        if any(v is not None for v in filters.values()):
            raise invalid("format", "a bundle holds everything: filters apply to the graph formats only")
        return _bundle(request, services, who, fmt.value)
    return graph_file(services, who, language, fmt.value, None, filters)


def graph_file(
    services: ServicesDep,
    who: Principal,
    language: Language,
    fmt: str,
    kind: str | None,
    filters: dict[str, Any],
) -> Response:
    """The graph (``kind`` None) or one map's subgraph as a download, built once per version of the
    data, audience, language and filters (as the maps are)."""
    from tacmap.viz.export import export_bytes

    cache = services.cache
    seen, audience = cache.view(who.audience)
    data = cache.get(
        ("export", fmt, kind, audience, language.code, *sorted(filters.items())),
        lambda: export_bytes(seen, fmt, kind=kind, lang=language.code, **filters),
    )
    spec = FORMATS[fmt]
    name = "-".join(filter(None, ["tacmap", kind, date.today().isoformat()])) + spec.suffix
    return language.mark(
        Response(
            data,
            media_type=spec.media_type,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    )


def _bundle(request: Request, services: ServicesDep, who: Principal, fmt: str) -> Response:
    """The whole store as a bundle, on the audit trail: editors and admins only (personal data)."""
    from tacmap.graph.ingest.bundle import write_bundle

    if who.role is None:
        raise HTTPException(
            401, f"a {fmt} export holds personal data: it needs an API key with the editor role"
        )
    if not who.sees_personal_data:
        raise HTTPException(403, role_refused(Role.editor, who.key_id or "", who.role))
    bundle = services.store.export()
    with tempfile.TemporaryDirectory() as tmp:
        data = write_bundle(bundle, Path(tmp) / f"export.{fmt}", fmt).read_bytes()
    services.audit.record(
        actor=who.actor,
        action="export",
        client=client_address(request),
        request_id=getattr(request.state, "request_id", None),
        sha256=hashlib.sha256(data).hexdigest(),
        counts={name: len(rows) for name, rows in bundle.tables().items()},
    )
    filename = f"tacmap-export-{date.today().isoformat()}.{fmt}"
    return Response(
        data, media_type=BUNDLES[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
