"""``tacmap template KIND -o FILE.xlsx``: an empty workbook to fill in and load back.

KIND is a bundle table (providers, networks, needs, projects, experts, implementation, states),
``bundle`` (every table in one workbook) or ``cv`` (the experts' CV template for the roster).
The drop-downs offer the provider and network ids of the store (``--no-store-ids`` leaves the
store closed: no ids offered). See ``graph/ingest/templates.py``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from tacmap.api.cli import app, out, state
from tacmap.graph.ingest.template_kinds import KINDS

TemplateKind = StrEnum("TemplateKind", {kind: kind for kind in KINDS})  # type: ignore[misc]


@app.command("template")
def template(
    ctx: typer.Context,
    kind: Annotated[
        TemplateKind, typer.Argument(help="A table, `bundle` (every table) or `cv` (experts' CV).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx file to write.")],
    store_ids: Annotated[
        bool, typer.Option(help="Offer the store's provider and network ids in drop-downs.")
    ] = True,
) -> None:
    """Write an empty spreadsheet template (header comments, drop-down lists) that `tacmap load` reads back."""
    from tacmap.graph.ingest.templates import template_workbook

    data = template_workbook(kind.value, state(ctx).store if store_ids else None)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    out.print(f"{kind.value} template written to {output}")
