"""``tacmap load-iati FILE_OR_DIR``: import the anti-corruption activities of IATI activity files.

The mapping and its decisions are in ``graph/ingest/iati_mapping.md``; the work is done by
:func:`graph.ingest.iati.import_iati`, the same function family the API calls.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from api.cli import OutputFormat, app, out, progress_bar, state


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date: use YYYY-MM-DD") from None


@app.command("load-iati")
def load_iati(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="An IATI activity XML file (2.01-2.03), or a folder of them.")],
    sectors: Annotated[
        str,
        typer.Option(
            help="DAC 5-digit sector codes to keep, comma-separated (15113 anti-corruption; 15111, 15130, ...)."
        ),
    ] = "15113",
    since: Annotated[
        str | None, typer.Option(help="Keep only projects ending on or after this date (YYYY-MM-DD).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; write nothing.")] = False,
    rates: Annotated[
        Path | None,
        typer.Option(help="CSV 'currency,usd_per_unit' to convert non-USD budgets (e.g. EUR,1.08)."),
    ] = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="How to print the report.")] = (
        OutputFormat.table
    ),
) -> None:
    """Import IATI activities in the chosen DAC sectors as projects, one transaction, without double counting
    (a funder's and an implementer's activity of the same work become one project)."""
    from graph.ingest.iati import import_iati, read_rates

    table = read_rates(rates) if rates is not None else None
    with progress_bar("importing IATI activities") as progress:
        report = import_iati(
            state(ctx).store,
            path,
            sectors=sectors.split(","),
            since=_since(since),
            dry_run=dry_run,
            rates=table,
            progress=progress,
        )
    if format is OutputFormat.json:
        out.print_json(data=report.to_dict())
    else:
        out.print(report.text(), highlight=False, markup=False)
