"""``tacmap map KIND [filters] -o FILE.html``: a map as one HTML file that opens offline.

The file is the same page ``GET /maps/{kind}`` serves: no personal data, nothing fetched from the
network, all data text escaped; in the language of ``--lang`` (or ``TACMAP_LANG``).
"""

from __future__ import annotations

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


@app.command("map")
def map_command(
    ctx: typer.Context,
    kind: Annotated[
        MapKind, typer.Argument(metavar="KIND", help="coordination, overlaps, gaps, pairings or ego.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the HTML file.")],
    state_: StateOption = None,
    article: ArticleOption = None,
    group: GroupOption = None,
    provider: ProviderOption = None,
    as_of: AsOfOption = None,
    node: NodeOption = None,
    lang: LangOption = "",
    audience: AudienceOption = "all",
) -> None:
    """Draw a map (interactive HTML, works offline) and write it to a file."""
    from tacmap.graph.visibility import parse_audience, seen_by
    from tacmap.viz.maps import build_map

    store = state(ctx).store
    seen = parse_audience(audience)
    html = build_map(
        seen_by(store, seen),
        kind.value,
        state=state_,
        article=article,
        group=group,
        provider=provider,
        as_of=as_of.date() if as_of else None,
        node=node,
        lang=lang,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    out.print(f"wrote the {kind.value} map to {output} ({len(html) / 1e6:.1f} MB); open it in any browser")
    if kind.value in ("gaps", "pairings", "ego"):
        note_restricted(store, seen, "map")
