"""``tacmap query QUESTION``: the coordination questions on the command line.

Same parameters, semantics and field names as the API (both call the functions in
``graph/queries``); answers print as a table, or as JSON, CSV or XLSX (``-o`` for a file). State names
are in the language of ``--lang`` (or ``TACMAP_LANG``); the rest is English, like the API's JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from tacmap.api.cli import AudienceOption, LangOption, app, out, state
from tacmap.api.tables import csv_bytes, localized, plain_row, table, xlsx_bytes
from tacmap.graph.errors import TacmapError
from tacmap.graph.visibility import EVERYONE, NEED_QUESTIONS, NeedView, parse_audience


class Question(StrEnum):
    overlaps = "overlaps"
    gaps = "gaps"
    matrix = "matrix"
    orphans = "orphans"
    fragmentation = "fragmentation"
    darlings = "darlings"
    pairings = "pairings"
    experts = "experts"
    networks = "networks"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def _answer(question: Question, store: Any, f: dict[str, Any]) -> list[Any]:
    """Call the question's function with the filters it takes."""
    from tacmap.graph.queries import (
        experts,
        fragmentation,
        gaps,
        matrix,
        networks,
        orphans,
        overlaps,
        pairings,
    )

    calls: dict[Question, Callable[[], Any]] = {
        Question.overlaps: lambda: overlaps.overlaps(
            store,
            state=f["state"],
            article=f["article"],
            provider=f["provider"],
            group=f["group"],
            start=f["start"],
            end=f["end"],
        ),
        Question.gaps: lambda: gaps.gaps(
            store,
            as_of=f["as_of"],
            state=f["state"],
            article=f["article"],
            group=f["group"],
            form=f["form"],
            need=f["need"],
        ),
        Question.matrix: lambda: matrix.to_records(
            matrix.matrix(store, *(f["by"] or "article,group").split(",", 1), as_of=f["as_of"])
        ),
        Question.orphans: lambda: orphans.orphans(store, as_of=f["as_of"], group=f["group"]),
        Question.fragmentation: lambda: fragmentation.fragmentation(
            store, as_of=f["as_of"], state=f["state"], group=f["group"], by_chapter=f["by"] == "chapter"
        ),
        Question.darlings: lambda: fragmentation.darlings(
            store, k=f["k"], as_of=f["as_of"], group=f["group"]
        ),
        Question.pairings: lambda: pairings.pairings(
            store, need=f["need"], state=f["state"], group=f["group"], article=f["article"]
        ),
        Question.experts: lambda: _shortlist(experts, store, f),
        Question.networks: lambda: networks.network_members(store),
    }
    try:
        return list(calls[question]())
    except (LookupError, ValueError) as exc:
        raise TacmapError(str(exc).strip("'\"")) from None


def _shortlist(experts: Any, store: Any, f: dict[str, Any]) -> list[Any]:
    if f["need"]:
        return experts.shortlist(store, f["need"], k=f["k"])
    if f["state"] and f["article"] and f["form"]:
        return experts.shortlist_for(store, f["state"], f["article"], f["form"], k=f["k"])
    raise TacmapError("experts needs --need, or --state, --article and --form together")


def _print_table(columns: list[str], rows: list[dict[str, Any]]) -> None:
    if not rows:
        out.print("no results")
        return
    grid = Table(show_lines=False)
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    out.print(grid)
    out.print(f"{len(rows)} rows")


@app.command("query")
def query(
    ctx: typer.Context,
    question: Annotated[Question, typer.Argument(help="Which question to ask.")],
    state_: Annotated[str | None, typer.Option("--state", help="ISO3 code of a State.")] = None,
    article: Annotated[int | None, typer.Option(min=1, max=71, help="UNCAC article 1-71.")] = None,
    provider: Annotated[str | None, typer.Option(help="Provider id.")] = None,
    group: Annotated[str | None, typer.Option(help="UN regional group: african, asia_pacific, ...")] = None,
    need: Annotated[str | None, typer.Option(help="Need id (gaps, pairings, experts).")] = None,
    form: Annotated[str | None, typer.Option(help="Form of assistance, e.g. legal_advice.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day to judge coverage on (default today).")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Overlaps: period start (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Overlaps: period end (YYYY-MM-DD).")] = None,
    k: Annotated[int, typer.Option(min=1, help="How many (experts shortlist, darlings).")] = 5,
    by: Annotated[
        str | None,
        typer.Option(help="Matrix: two of article,chapter,group,form,level; fragmentation: chapter."),
    ] = None,
    format: Annotated[Format, typer.Option("--format", help="table, json, csv or xlsx.")] = Format.table,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw",
            help="CSV: values exactly as stored (by default a text starting with =, +, -, @, tab or carriage "
            "return gets a ' in front, so a spreadsheet shows it rather than running it).",
        ),
    ] = False,
    lang: LangOption = "en",
    audience: AudienceOption = "all",
) -> None:
    """Ask a coordination question: overlaps, gaps, matrix, orphans, fragmentation, darlings, pairings,
    experts (a balanced shortlist for a need), networks."""
    for name, value in (("--as-of", as_of), ("--start", start), ("--end", end)):
        if value is not None:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise TacmapError(f"{name} {value!r} is not a date: use YYYY-MM-DD") from None
    filters = {
        "state": state_.upper() if state_ else None,
        "article": article,
        "provider": provider,
        "group": group,
        "need": need,
        "form": form,
        "as_of": as_of,
        "start": start,
        "end": end,
        "k": k,
        "by": by,
    }
    store = state(ctx).store
    seen = parse_audience(audience)
    if seen is not EVERYONE and question.value in NEED_QUESTIONS:  # aggregates count every need
        store = NeedView(store, seen)
    rows = localized(question.value, _answer(question, store, filters), lang)
    columns, flat = table(rows)
    if format is Format.xlsx:
        target = output or Path(f"{question.value}-{date.today().isoformat()}.xlsx")
        target.write_bytes(xlsx_bytes({question.value: (columns, flat)}))
        out.print(f"wrote {len(flat)} rows to {target}")
        return
    if format is Format.table and output is None:
        _print_table(columns, flat)
        return
    if format is Format.csv:
        text = csv_bytes(columns, flat, raw).decode("utf-8-sig")
    else:
        import json

        text = json.dumps([plain_row(r) for r in rows], ensure_ascii=False, indent=2, default=str)
    if output:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {len(flat)} rows to {output}")
    else:
        typer.echo(text)
