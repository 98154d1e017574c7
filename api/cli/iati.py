"""``tacmap load-iati PATH``: import the anti-corruption activities of IATI files, leniently.

The mapping and its decisions are in ``graph/ingest/iati_mapping.md``; the work is done by
:func:`tacmap.graph.ingest.iati.import_iati`, the same function family ``POST /imports/iati`` calls.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from tacmap.api.cli import OutputFormat, app, out, progress_bar, state


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date: use YYYY-MM-DD") from None


def _articles(value: str | None) -> list[int]:
    try:
        return [int(a) for a in (value or "").split(",") if a.strip()]
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a list of article numbers: use e.g. 9,10") from None


@app.command("load-iati")
def load_iati(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            help="An IATI activity XML file (1.0x or 2.0x), a .zip of them, or a folder (read recursively)."
        ),
    ],
    sectors: Annotated[
        str,
        typer.Option(
            help="What to select, comma-separated: DAC 5-digit codes (15113), DAC 3-digit categories (151), "
            "SDG targets (sdg:16.5)."
        ),
    ] = "15113,sdg:16.5",
    keywords: Annotated[
        bool,
        typer.Option(
            "--keywords/--no-keywords",
            help="Also select activities whose title or description names corruption.",
        ),
    ] = True,
    articles: Annotated[
        str | None,
        typer.Option(help="UNCAC articles for selected activities that name none, comma-separated (e.g. 9)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Keep only projects ending on or after this date (YYYY-MM-DD).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; write nothing.")] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Refuse everything if any file or value cannot be read (all or nothing)."
        ),
    ] = False,
    rates: Annotated[
        Path | None,
        typer.Option(
            help="CSV 'currency,usd_per_unit' with fixed rates that override the ECB rates shipped."
        ),
    ] = None,
    report_file: Annotated[
        Path | None,
        typer.Option("--report", help="Write the whole report (every warning) as JSON to this file."),
    ] = None,
    format: Annotated[OutputFormat, typer.Option("--format", help="How to print the report.")] = (
        OutputFormat.table
    ),
) -> None:
    """Import IATI activities as projects in one transaction: files that are not IATI and activities
    that cannot be recorded are reported, not fatal; the same work published twice becomes one project.
    The import is on the audit trail (actor ``cli``)."""
    from tacmap.api.audit import AuditLog, new_import_id
    from tacmap.api.auth import AuthDB
    from tacmap.graph.errors import TacmapError
    from tacmap.graph.ingest.iati import import_iati, read_rates

    table = read_rates(rates) if rates is not None else None
    audit = AuditLog(AuthDB(state(ctx).settings.data_dir))
    trail: dict[str, Any] = {
        "actor": "cli",
        "action": "import.iati",
        "client": "local",
        "filename": str(path),
    }
    import_id = new_import_id()
    try:
        with progress_bar("reading IATI files (bytes)") as progress:
            report = import_iati(
                state(ctx).store,
                path,
                sectors=[s for s in sectors.split(",") if s.strip()],
                keywords=keywords,
                articles=_articles(articles),
                since=_since(since),
                dry_run=dry_run,
                strict=strict,
                rates=table,
                stamp={"import_id": import_id},
                progress=progress,
            )
    except TacmapError as exc:
        if not dry_run:
            problems = getattr(exc, "problems", None)
            message = f"{len(problems)} problem(s)" if problems is not None else str(exc)[:500]
            audit.record(**trail, outcome="rejected", message=message)
        raise
    if not dry_run:
        written = report.summary.written if report.summary else 0
        audit.record(**trail, import_id=import_id if written else None, counts=report.audit_counts())
    if report_file is not None:
        report_file.write_text(
            json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    if format is OutputFormat.json:
        out.print_json(data=report.to_dict())
    else:
        out.print(report.text(), highlight=False, markup=False)
        if report_file is not None:
            out.print(f"report written to {report_file}", highlight=False, markup=False)
