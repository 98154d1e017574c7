"""``tacmap keys create|list|revoke``: API keys for the HTTP API, kept hashed in the data folder.

Keys are local to a deployment's data folder (``auth.sqlite``) whichever store holds the graph,
so managing them needs no server running and no Neo4j connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from tacmap.api.cli import OutputFormat, app, err, out, state
from tacmap.api.roles import Role

if TYPE_CHECKING:
    from tacmap.api.auth import AuthDB

keys_app = typer.Typer(
    help="API keys for `tacmap serve`: create, list, revoke.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(keys_app, name="keys")


def _db(ctx: typer.Context) -> AuthDB:
    from tacmap.api.auth import AuthDB

    return AuthDB(state(ctx).settings.data_dir)


@keys_app.command("create")
def create(
    ctx: typer.Context,
    role: Annotated[
        Role, typer.Option(help="viewer reads; editor also imports and exports; admin also keys and audit.")
    ],
    name: Annotated[str, typer.Option(help="Who or what will use it.")] = "",
    state_: Annotated[
        str | None,
        typer.Option(
            "--state",
            help="Viewer keys only: a State (ISO3, e.g. KEN) whose restricted needs the key may also see.",
        ),
    ] = None,
) -> None:
    """Create a key and print it once (only its hash is kept: copy it now)."""
    from tacmap.api.audit import AuditLog
    from tacmap.api.auth import KeyStore

    db = _db(ctx)
    info, key = KeyStore(db).create(role, name, state_)
    scope = f", {info.state}" if info.state else ""
    AuditLog(db).record(
        actor="cli", action="key.create", client="local", message=f"{info.id} ({info.role.value}{scope})"
    )
    err.print(
        f"created {info.role.value} key {info.id}"
        + (f" scoped to {info.state} (it sees that State's restricted needs)" if info.state else "")
        + "; it is shown this once, store it safely:"
    )
    out.print(key, highlight=False, soft_wrap=True)


@keys_app.command("revoke")
def revoke(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key's id (the part after `tm_`), or the whole key.")],
) -> None:
    """Revoke a key: the next request with it gets 401."""
    from tacmap.api.audit import AuditLog
    from tacmap.api.auth import KeyStore

    db = _db(ctx)
    info = KeyStore(db).revoke(key_id)
    AuditLog(db).record(actor="cli", action="key.revoke", client="local", message=info.id)
    out.print(f"revoked key {info.id} ({info.role.value})")


@keys_app.command("list")
def list_keys(
    ctx: typer.Context,
    format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    all_keys: Annotated[bool, typer.Option("--all", help="Include revoked keys.")] = False,
) -> None:
    """Keys by id, role and name (never the secret)."""
    from rich.table import Table
    from tacmap.api.auth import KeyStore

    keys = KeyStore(_db(ctx)).list(include_revoked=all_keys)
    if format is OutputFormat.json:
        out.print_json(data=[k.model_dump(mode="json") for k in keys])
        return
    table = Table()
    for column in ("id", "role", "state", "name", "created", "revoked"):
        table.add_column(column)
    for k in keys:
        table.add_row(k.id, k.role.value, k.state or "", k.name, k.created_at, k.revoked_at or "")
    out.print(table)
