"""``tacmap export PATH --format F``: the whole store as a bundle (``dir``, ``zip``, ``xlsx``: what
``tacmap load`` reads back), or the graph for another tool (``gexf``, ``graphml``, ``json``,
``cytoscape``, ``kumu``, ``geojson``), whole or as one map's subgraph (``--map gaps``), under the
maps' filters and for an audience, with no personal data (see :mod:`tacmap.viz.export`)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from tacmap.api.cli import AudienceOption, LangOption, app, out, state
from tacmap.api.cli.filters import (
    ArticleOption,
    AsOfOption,
    GroupOption,
    MapKind,
    NodeOption,
    ProviderOption,
    StateOption,
    note_restricted,
)
from tacmap.graph.errors import TacmapError
from tacmap.graph.export import FORMATS
from tacmap.graph.ingest import BUNDLE_FORMATS

ExportFormat = StrEnum("ExportFormat", {name: name for name in (*BUNDLE_FORMATS, *FORMATS)})  # type: ignore[misc]
DEFAULT_FORMAT = ExportFormat("dir")  # a bundle folder that `tacmap load` reads back
FORMAT_HELP = "dir, zip or xlsx: a bundle. " + ", ".join(f"{f.name} ({f.opens_in})" for f in FORMATS.values())


class ExportError(TacmapError):
    """An export asked for something its format does not take."""

    exit_code = 2


@app.command()
def export(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Where to write the bundle or the file.")],
    format: Annotated[ExportFormat, typer.Option("--format", help=FORMAT_HELP)] = DEFAULT_FORMAT,
    map_kind: Annotated[
        MapKind | None,
        typer.Option("--map", help="Graph formats: only this map's subgraph, placed as on the map."),
    ] = None,
    state_: StateOption = None,
    article: ArticleOption = None,
    group: GroupOption = None,
    provider: ProviderOption = None,
    as_of: AsOfOption = None,
    node: NodeOption = None,
    lang: LangOption = "",
    audience: AudienceOption = "all",
) -> None:
    """Write the whole store as a bundle that `tacmap load` reads back, or the graph for Gephi,
    Cytoscape, Kumu, QGIS or a notebook."""
    filters = {
        "state": state_,
        "article": article,
        "group": group,
        "provider": provider,
        "as_of": as_of.date() if as_of else None,
        "node": node,
    }
    store = state(ctx).store
    if format.value in BUNDLE_FORMATS:
        if map_kind is not None or any(v is not None for v in filters.values()):
            raise ExportError(
                f"a {format.value} bundle holds everything: --map and the filters apply to the graph formats "
                f"({', '.join(FORMATS)})"
            )
        from tacmap.graph.ingest.bundle import write_bundle

        out.print(f"exported to {write_bundle(store.export(), path, format.value)}")
        return
    from tacmap.graph.visibility import parse_audience, seen_by
    from tacmap.viz.export import export_bytes

    seen = parse_audience(audience)
    data = export_bytes(
        seen_by(store, seen),
        format.value,
        kind=map_kind.value if map_kind else None,
        lang=lang,
        **filters,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    what = f"the {map_kind.value} map's subgraph" if map_kind else "the graph"
    out.print(
        f"wrote {what} to {path} ({len(data) / 1e6:.1f} MB); it opens in {FORMATS[format.value].opens_in}"
    )
    note_restricted(store, seen, "file")
