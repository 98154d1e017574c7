"""``tacmap map KIND [filters] -o FILE.html``: a map as one HTML file that opens offline.

The file is the same page ``GET /maps/{kind}`` serves: no personal data, nothing fetched from the
network, all data text escaped; in the language of ``--lang`` (or ``TACMAP_LANG``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from tacmap.api.cli import AudienceOption, LangOption, app, err, out, state
from tacmap.viz.kinds import KINDS

if TYPE_CHECKING:
    from tacmap.graph.store import Store
    from tacmap.graph.visibility import Audience

MapKind = StrEnum("MapKind", {k: k for k in KINDS})  # type: ignore[misc]

# The maps' filters, as options (the export command takes them too).
StateOption = Annotated[str | None, typer.Option("--state", help="Only this State (ISO3), e.g. KEN.")]
ArticleOption = Annotated[int | None, typer.Option(min=1, max=71, help="Only this UNCAC article.")]
GroupOption = Annotated[
    str | None,
    typer.Option(help="UN regional group: african, asia_pacific, eastern_european, grulac, weog."),
]
ProviderOption = Annotated[str | None, typer.Option(help="Only this provider's projects (provider id).")]
AsOfOption = Annotated[
    datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="The date the map is drawn for.")
]
NodeOption = Annotated[
    str | None,
    typer.Option(help="ego only: the centre, as Label:key (State:KEN, Provider:dfid, Network:x)."),
]


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
    from tacmap.graph.visibility import EVERYONE, NeedView, parse_audience
    from tacmap.viz.maps import build_map

    store = state(ctx).store
    seen = parse_audience(audience)
    html = build_map(
        store if seen is EVERYONE else NeedView(store, seen),
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


def note_restricted(store: Store, seen: Audience, what: str) -> None:
    """Say so when a file made for everyone may show restricted needs (``--audience all``)."""
    from tacmap.graph.visibility import EVERYONE, PUBLIC, NeedView

    restricted = len(NeedView(store, PUBLIC).hidden.needs) if seen is EVERYONE else 0
    if restricted:
        err.print(
            f"note: the store holds {restricted} restricted needs and this {what} may show them; "
            f"for a {what} to share, add --audience public"
        )
