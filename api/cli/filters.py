"""The maps' filters as command-line options, shared by ``tacmap map`` and ``tacmap export``, and
the note a command prints when a file it wrote for sharing may show restricted needs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from tacmap.api.cli import err
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


def note_restricted(store: Store, seen: Audience, what: str) -> None:
    """Say so when a file made for everyone may show restricted needs (``--audience all``)."""
    from tacmap.graph.visibility import EVERYONE, PUBLIC, NeedView

    restricted = len(NeedView(store, PUBLIC).hidden.needs) if seen is EVERYONE else 0
    if restricted:
        err.print(
            f"note: the store holds {restricted} restricted needs and this {what} may show them; "
            f"for a {what} to share, add --audience public"
        )
