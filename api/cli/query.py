"""``tacmap query QUESTION``: the coordination questions on the command line, one command per entry
of :data:`tacmap.graph.queries.spec.QUESTIONS`, its options generated from the question's parameter
model (``limit_per_need`` is ``--limit-per-need``), so they are the API's parameters with the same
defaults, bounds and rules.

Answers print as a table, or as JSON, CSV or XLSX (``-o`` for a file). State names are in the
language of ``--lang`` (or ``TACMAP_LANG``); the rest is English, like the API's JSON.
"""

from __future__ import annotations

import inspect
import re
from datetime import date
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any, get_args

import typer
from rich.cells import cell_len, set_cell_size
from tacmap.api.cli import AudienceOption, LangOption, err, out, state
from tacmap.graph.errors import TacmapError
from tacmap.graph.queries.spec import QUESTIONS, BadParams, Params, Question, bounds

questions = typer.Typer()  # its commands, served through `tacmap query` (LazyQuestions)


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def option(name: str) -> str:
    """The command-line spelling of a parameter: ``limit_per_need`` -> ``--limit-per-need``."""
    return "--" + name.replace("_", "-")


def _options(message: str, q: Question) -> str:
    """A question's message with the `names` of its parameters spelled as options."""
    return re.sub(r"`(\w+)`", lambda m: option(m[1]) if m[1] in q.params.model_fields else m[0], message)


def usage_error(exc: BadParams, q: Question) -> TacmapError:
    """The first problem as the command line words it."""
    p = exc.problems[0]
    if p.is_date:
        return TacmapError(f"{option(p.name)} {p.value!r} is not a date: use YYYY-MM-DD")
    message = _options(p.message, q)
    if option(p.name) in message:  # a rule between parameters names them itself
        return TacmapError(message)
    return TacmapError(f"{option(p.name)} {p.value!r}: {message}")


def _cli_type(annotation: Any) -> Any:
    """What typer can parse for a field's type: dates as text (checked by the model), ``X | None`` as X."""
    choices = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    kind = choices[0]
    kind = get_args(kind)[0] if get_args(kind) else kind  # Annotated[date, ...] -> date
    if kind is date:
        return str
    return kind if isinstance(kind, type) and (issubclass(kind, Enum) or kind in (bool, int, str)) else str


def _option(q: Question, name: str, spec: Any) -> Any:
    inclusive = {"ge": "min", "le": "max"}  # typer's bounds (the models use no open ones)
    limits = {inclusive[name]: value for name, value in bounds(spec).items() if name in inclusive}
    kind = _cli_type(spec.annotation)
    help_text = _options(spec.description or "", q)
    flag = option(name) if kind is not bool else f"{option(name)}/--no-{name.replace('_', '-')}"
    typed = kind if spec.default is not None or kind is bool else kind | None
    return Annotated[typed, typer.Option(flag, help=help_text, **limits)]


WIDEST = 40  # characters of a cell in the table; --format csv or json has every value whole


def _cut(text: str) -> str:
    """``text`` on one line, at most :data:`WIDEST` terminal cells wide."""
    line = " ".join(text.split())
    if cell_len(line) <= WIDEST:
        return line
    return set_cell_size(line, WIDEST - 1) + "…"


def _print_table(columns: list[str], rows: list[dict[str, Any]]) -> None:
    """The rows as aligned plain text: a header, a rule, a line per row (drawing a rich table costs
    seconds for a few hundred rows; this costs milliseconds, and pipes through `less` and `grep`)."""
    if not rows:
        out.print("no results")
        return
    cells = [[_cut("" if row.get(c) is None else str(row.get(c))) for c in columns] for row in rows]
    widths = [max(cell_len(c), *(cell_len(line[i]) for line in cells)) for i, c in enumerate(columns)]
    lines = [columns, ["-" * w for w in widths], *cells]
    cut = any(len(" ".join(str(row.get(c) or "").split())) > WIDEST for row in rows for c in columns)
    text = "\n".join(
        "  ".join(set_cell_size(cell, w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
    out.print(text, markup=False, highlight=False, soft_wrap=True)
    out.print(
        f"{len(rows)} rows"
        + (f"; values cut at {WIDEST} characters (--format csv has them whole)" if cut else "")
    )


def rows_of(q: Question, params: Params, result: Any) -> list[Any]:
    """The answer as a list of rows: the matrix's cells, or the metrics table named by ``--table``."""
    if q.shape == "matrix":
        from tacmap.graph.queries.matrix import to_records

        return to_records(result)
    if q.shape == "metrics":
        chosen: str = params.table.value  # type: ignore[attr-defined]
        return list(getattr(result, chosen))
    return list(result)


def run(ctx: typer.Context, q: Question, values: dict[str, Any], shown: dict[str, Any]) -> None:
    """Check the parameters, ask the question, print or write the answer."""
    from tacmap.api.tables import csv_bytes, localized, plain_row, table, tagged, xlsx_bytes
    from tacmap.graph.visibility import parse_audience, seen_by

    try:
        params = q.check(**values)
    except BadParams as exc:
        raise usage_error(exc, q) from None
    store = state(ctx).store
    if q.names_needs:  # aggregates count every need
        store = seen_by(store, parse_audience(shown["audience"]))
    try:
        answer = q.ask(store, params)
        notes = q.notes(store, params, answer)
    except (LookupError, ValueError) as exc:
        raise TacmapError(str(exc).strip("'\"")) from None
    rows = rows_of(q, params, answer)
    rows = list(localized(rows, q.state_fields, shown["lang"]))
    columns, flat = table(rows)
    fmt, output = shown["format"], shown["output"]
    if fmt in (Format.csv, Format.xlsx):
        name = f"{q.name}-{params.table.value}" if q.shape == "metrics" else q.name  # type: ignore[attr-defined]
        flat = tagged(name, columns, flat, shown["hxl"])
    if fmt is Format.xlsx:
        target = output or Path(f"{q.name}-{date.today().isoformat()}.xlsx")
        target.write_bytes(xlsx_bytes({q.name: (columns, flat)}))
        out.print(f"wrote {len(rows)} rows to {target}")
        return
    if fmt is Format.table and output is None:
        _print_table(columns, flat)
        for note in notes:  # a line under the table
            out.print(f"note: {note}", highlight=False, markup=False)
        return
    for note in notes:  # on stderr, so that JSON and CSV stay clean for a program
        err.print(f"note: {note}", highlight=False, markup=False)
    if fmt is Format.csv:
        text = csv_bytes(columns, flat, shown["raw"]).decode("utf-8-sig")
    else:
        import json

        text = json.dumps([plain_row(r) for r in rows], ensure_ascii=False, indent=2, default=str)
    if output:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {len(rows)} rows to {output}")
    else:
        typer.echo(text)


FormatOption = Annotated[Format, typer.Option("--format", help="table, json, csv or xlsx.")]
OutputOption = Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")]
RawOption = Annotated[
    bool,
    typer.Option(
        "--raw",
        help="CSV: values exactly as stored (by default a text starting with =, +, -, @, tab or carriage "
        "return gets a ' in front, so a spreadsheet shows it rather than running it).",
    ),
]
HxlOption = Annotated[
    bool, typer.Option("--hxl", help="CSV and xlsx: a row of HXL hashtags under the header, for HDX.")
]
COMMON = {
    "format": (FormatOption, Format.table),
    "output": (OutputOption, None),
    "raw": (RawOption, False),
    "hxl": (HxlOption, False),
    "lang": (LangOption, ""),
    "audience": (AudienceOption, "all"),
}


def command(q: Question) -> Any:
    """The ``tacmap query <name>`` function, its signature built from the parameter model."""
    fields = q.params.model_fields

    def ask(ctx: typer.Context, **values: Any) -> None:
        shown = {name: values.pop(name) for name in COMMON}
        run(ctx, q, values, shown)

    parameters = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)]
    annotations: dict[str, Any] = {"ctx": typer.Context, "return": None}
    for name, spec in fields.items():
        annotation = _option(q, name, spec)
        parameters.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=spec.default
            )
        )
        annotations[name] = annotation
    for name, (annotation, default) in COMMON.items():
        parameters.append(
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
        )
        annotations[name] = annotation
    ask.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    ask.__annotations__ = annotations
    ask.__doc__ = f"{q.title}. {_options(q.doc, q)}"
    return ask


for _q in QUESTIONS:
    questions.command(_q.name)(command(_q))
