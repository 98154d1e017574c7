"""``tacmap migrate``: bring a Neo4j database written by an older tacmap up to date.

Opening a Neo4j store already converts in place whatever is left in the old form (days held as
ISO strings become Neo4j ``date`` values: graph/store/neo4j_store.py), so every command does it;
this command does nothing else, and says what it changed. Running it again changes nothing.
"""

from __future__ import annotations

import typer
from tacmap.api.cli import app, out, state


@app.command()
def migrate(ctx: typer.Context) -> None:
    """Convert a Neo4j database in place to the current form (days as Neo4j dates); idempotent."""
    from tacmap.graph.store import Neo4jStore

    store = state(ctx).store
    if not isinstance(store, Neo4jStore):
        out.print("the embedded store needs no migration: nothing to do")
        return
    converted = {name: count for name, count in store.migrated.items() if count}
    if not converted:
        out.print(f"{store.settings.uri}: already up to date, nothing converted")
        return
    out.print(f"{store.settings.uri}: converted to Neo4j dates:")
    for name, count in converted.items():
        out.print(f"  {name}: {count:,} nodes")
