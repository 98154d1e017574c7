"""The ``tacmap`` command line: load, export, seed, inspect and question the graph.

Every command works on the embedded store by default (``--data-dir`` or ``TACMAP_DATA_DIR``) and on
Neo4j with ``--store neo4j`` (the default when ``NEO4J_URI`` is set). A user error prints one plain
message and exits with status 2 (bad input) or 1 (anything else the user can fix); never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from tacmap.graph.errors import TacmapError
from typer.core import TyperGroup

if TYPE_CHECKING:
    from tacmap.graph.settings import Settings
    from tacmap.graph.store import Store
    from typer import _click  # the click that typer bundles: its types, for the overrides below

app = typer.Typer(
    name="tacmap",
    help="Technical-assistance coordination mapper for UNCAC: needs, projects, overlaps, gaps, pairings.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help and usage errors: rich's help renderer costs 0.2 s of start-up
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
# Where `serve` and `demo` listen.
HostOpt = Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")]
PortOpt = Annotated[int, typer.Option(min=1, max=65535)]


class StoreKind(StrEnum):
    embedded = "embedded"
    neo4j = "neo4j"


class BundleFormat(StrEnum):
    dir = "dir"
    zip = "zip"
    xlsx = "xlsx"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def _language(value: str) -> str:
    """``--lang`` (else ``TACMAP_LANG``) checked: one of the six UN languages, else a usage error
    that lists them."""
    from tacmap.graph.settings import settings
    from tacmap.i18n import UnknownLanguage, check

    try:
        return check(value or settings().lang)
    except UnknownLanguage as exc:
        raise typer.BadParameter(str(exc)) from None


LangOption = Annotated[
    str,
    typer.Option(
        "--lang",
        callback=_language,
        help="Language of State names and map words: ar, zh, en, fr, ru or es (default: TACMAP_LANG or en).",
    ),
]


def _audience(value: str) -> str:
    """``--audience`` checked now, so a typo is a usage error before any work is done."""
    from tacmap.graph.visibility import parse_audience

    try:
        parse_audience(value)
    except TacmapError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


AudienceOption = Annotated[
    str,
    typer.Option(
        "--audience",
        callback=_audience,
        help="Restricted needs: all (shown, as editors see them; the default), public (left out, as anonymous "
        "and viewer keys see it) or a State's ISO3 (only that State's, as its scoped viewer key sees it).",
    ),
]


class Context:
    """Global options, and the store opened once on first use."""

    def __init__(self, data_dir: Path | None, store: StoreKind | None) -> None:
        self.data_dir = data_dir
        self.kind = store.value if store else None
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from tacmap.graph.store import open_store

            self._store = open_store(self.settings)
        return self._store

    @functools.cached_property
    def settings(self) -> Settings:
        """The environment's settings, with --store and --data-dir on top (read once per command)."""
        from tacmap.graph.settings import Settings

        chosen = {"store": self.kind, "data_dir": self.data_dir}
        return Settings.from_env().model_copy(update={k: v for k, v in chosen.items() if v is not None})

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


@app.callback()
def options(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Folder of the embedded store (default: TACMAP_DATA_DIR, else a per-user data dir)."
        ),
    ] = None,
    store: Annotated[
        StoreKind | None,
        typer.Option(help="Where the graph lives; neo4j by default only when NEO4J_URI is set."),
    ] = None,
) -> None:
    context = Context(data_dir, store)
    ctx.obj = context
    ctx.call_on_close(context.close)


def state(ctx: typer.Context) -> Context:
    return ctx.obj


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback ``(done, total)`` drawn as a bar on stderr (silent when not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def print_summary(summary: Any, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        out.print_json(data=summary.to_dict())
    else:
        out.print(str(summary))


@app.command()
def load(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A folder of CSV files, a .zip of it, or an .xlsx workbook.")],
    format: Annotated[OutputFormat, typer.Option("--format", help="How to print the summary.")] = (
        OutputFormat.table
    ),
) -> None:
    """Validate a bundle whole, then import it in one transaction (nothing is written if anything is wrong).
    The import is on the audit trail, as one through the API is (actor ``cli``)."""
    from tacmap.api.audit import AuditLog, new_import_id
    from tacmap.api.auth import AuthDB
    from tacmap.graph.ingest.bundle import BundleError, import_bundle, read_bundle, require_records

    audit = AuditLog(AuthDB(state(ctx).settings.data_dir))
    trail: dict[str, Any] = {"actor": "cli", "action": "import", "client": "local", "filename": str(path)}
    import_id = new_import_id()
    try:
        store = state(ctx).store
        bundle = require_records(read_bundle(path, existing=store.export()), path.name or str(path))
        with progress_bar("importing") as progress:
            summary = import_bundle(store, bundle, progress=progress, stamp={"import_id": import_id})
    except BundleError as exc:
        audit.record(**trail, outcome="rejected", message=f"{len(exc.problems)} problem(s)")
        raise
    except TacmapError as exc:  # the store refused or went away: nothing was written
        audit.record(**trail, outcome="failed", message=str(exc)[:500])
        raise
    counts = summary.to_dict()
    audit.record(**trail, import_id=import_id if summary.written else None, counts=counts)
    print_summary(summary, format)


@app.command()
def seed(
    ctx: typer.Context,
    scale: Annotated[int, typer.Option(min=1, max=1000, help="Multiply needs, projects and experts.")] = 1,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write the bundle here instead of loading it.")
    ] = None,
    format: Annotated[BundleFormat, typer.Option("--format", help="Bundle format with --out.")] = (
        BundleFormat.dir
    ),
) -> None:
    """The illustrative seed world (not official data): load it, or write it with --out."""
    from tacmap.graph.ingest.bundle import import_bundle, write_bundle
    from tacmap.seed.generate import generate

    bundle = generate(scale=scale)
    if out_dir is not None:
        out.print(
            f"wrote the illustrative seed (scale {scale}) to {write_bundle(bundle, out_dir, format.value)}"
        )
        return
    with progress_bar("loading the seed") as progress:
        summary = import_bundle(state(ctx).store, bundle, progress=progress)
    out.print(str(summary))


@app.command()
def stats(
    ctx: typer.Context,
    format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Counts of nodes per label and relationships per type."""
    from rich.table import Table

    counts = state(ctx).store.counts()
    if format is OutputFormat.json:
        out.print_json(data=counts)
        return
    for title, rows in (("label", counts["nodes"]), ("relationship", counts["relationships"])):
        table = Table(title=None)
        table.add_column(title)
        table.add_column("count", justify="right")
        for name, count in rows.items():
            table.add_row(name, f"{count:,}")
        out.print(table)


@app.command()
def demo(ctx: typer.Context, host: HostOpt = "127.0.0.1", port: PortOpt = 8000) -> None:
    """Load the illustrative seed if the store is empty, then serve the API and maps (127.0.0.1:8000
    unless told otherwise)."""
    from tacmap.api.cli.serve import check_port, serve_demo
    from tacmap.graph.ingest.bundle import import_bundle
    from tacmap.seed.generate import generate

    check_port(host, port)

    store = state(ctx).store
    if store.export().size() == 0:
        with progress_bar("loading the illustrative seed") as progress:
            summary = import_bundle(store, generate(), progress=progress)
        out.print(str(summary))
    else:
        out.print("the store already holds data; nothing loaded")
    stats(ctx, OutputFormat.table)
    serve_demo(ctx, host, port)


def main() -> None:
    """Entry point: run the app and turn user errors into a message and an exit status."""
    from tacmap.graph.ingest.problems import BundleError

    try:
        app()
    except BundleError as exc:
        count = len(exc.problems)
        err.print(f"[bold red]nothing was imported:[/] {count} problem{'s' * (count != 1)} to fix")
        for problem in exc.problems:
            err.print(f"  {problem}", highlight=False, markup=False)
        sys.exit(exc.exit_code)
    except TacmapError as exc:
        err.print("[bold red]error:[/] ", end="")
        err.print(str(exc), highlight=False, markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


class LazyQuestions(TyperGroup):
    """``tacmap query``: its commands are built from the question registry (pydantic models, a fifth of
    a second) only when a question is asked or listed, not for ``tacmap --help`` or another command."""

    @functools.cached_property
    def _questions(self) -> TyperGroup:
        from tacmap.api.cli.query import questions

        return typer.main.get_group(questions)

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return self._questions.list_commands(ctx)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        return self._questions.get_command(ctx, cmd_name)


app.add_typer(
    typer.Typer(
        cls=LazyQuestions,
        help="Ask a coordination question (overlaps, gaps, matrix, pairings, ...); each takes --help.",
        no_args_is_help=True,
    ),
    name="query",
)

# Commands kept in their own modules register themselves on `app` when imported.
from tacmap.api.cli import export, iati, keys, maps, migrate, serve, templates  # noqa: F401
