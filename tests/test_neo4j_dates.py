"""Neo4j as its users know it, on the real Bolt server: days stored as Neo4j ``date`` values, the
in-place migration of a database that holds them as ISO strings (idempotent, all or nothing, at
open and as ``tacmap migrate``), and the ``:param`` block atop every ``.cypher`` file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from neo4j.time import Date
from tacmap.graph.schema.mapping import DATE_PROPS
from tacmap.graph.store import EmbeddedStore, Neo4jStore, StoreError
from tacmap.graph.store.cypher import read_cypher

from tests.bolt_server import BoltServer
from tests.test_api_support import load_seed, seed_bundle
from tests.test_cli import tacmap

ROOT = Path(__file__).resolve().parent.parent
CYPHER_FILES = sorted(ROOT.glob("graph/*/*.cypher"))
PACKAGES = {"queries": "tacmap.graph.queries", "schema": "tacmap.graph.schema", "store": "tacmap.graph.store"}
PARAM = re.compile(r"^:param (\w+) => (.+);$")
# Example values for the templates' schema-given names (never from input in the code either).
TEMPLATE = {
    "label": "Project",
    "key": "id",
    "pattern": "<-[r:FUNDS]-()",
    "src": "Provider",
    "src_key": "id",
    "type": "FUNDS",
    "dst": "Project",
    "dst_key": "id",
    "prop": "start",
}


def raw(store: Neo4jStore, query: str, **params: Any) -> list[dict[str, Any]]:
    """Rows straight from the driver, Neo4j types and all."""
    with store.driver.session(database=store.settings.database) as session:
        return [r.data() for r in session.run(query, **params)]


def types_of(store: Neo4jStore, label: str, prop: str) -> set[type]:
    return {
        type(r["v"]) for r in raw(store, f"MATCH (n:{label}) WHERE n.{prop} IS NOT NULL RETURN n.{prop} AS v")
    }


def to_strings(store: Neo4jStore) -> None:
    """Make the database what tacmap wrote when days were ISO strings."""
    for label, props in DATE_PROPS.items():
        for prop in props:
            raw(store, f"MATCH (n:{label}) WHERE n.{prop} IS NOT NULL SET n.{prop} = toString(n.{prop})")


@pytest.fixture
def seeded(neo4j_store_session: Neo4jStore) -> Neo4jStore:
    neo4j_store_session.clear()
    load_seed(neo4j_store_session)
    return neo4j_store_session


def test_days_are_stored_as_neo4j_dates_and_read_back_as_iso_text(seeded: Neo4jStore, tmp_path: Path) -> None:
    for label, props in DATE_PROPS.items():
        for prop in props:
            assert types_of(seeded, label, prop) <= {Date}, (label, prop)
    assert types_of(seeded, "Project", "start") == {Date}
    assert types_of(seeded, "Need", "identified_on") == {Date}
    with EmbeddedStore(tmp_path / "data") as embedded:
        load_seed(embedded)
        (nodes, edges), (held, links) = seeded.read_all(), embedded.read_all()
    assert nodes == held  # days read back as the ISO text the embedded store holds
    assert sorted(map(repr, edges)) == sorted(map(repr, links))
    # Cypher's date functions apply: the year of a start, a duration between two days
    row = raw(seeded, "MATCH (p:Project) RETURN min(p.start.year) AS y, count(p) AS n")[0]
    assert row == {"y": min(p.start.year for p in seed_bundle().projects), "n": len(seed_bundle().projects)}


def test_migration_converts_in_place_once_and_changes_nothing_else(seeded: Neo4jStore) -> None:
    before = seeded.export()
    to_strings(seeded)
    assert types_of(seeded, "Project", "end") == {str}
    first = seeded.migrate()
    data = seed_bundle()
    assert first["Project.start"] == first["Project.end"] == len(data.projects)
    assert first["Need.identified_on"] == sum(1 for n in data.needs if n.identified_on)
    for label, props in DATE_PROPS.items():
        for prop in props:
            assert types_of(seeded, label, prop) <= {Date}, (label, prop)
    assert seeded.migrate() == dict.fromkeys(first, 0)  # run twice = the same database
    assert seeded.export() == before


def test_a_bad_day_stops_the_migration_with_nothing_converted(seeded: Neo4jStore) -> None:
    to_strings(seeded)
    raw(seeded, "MATCH (p:Project) WITH p ORDER BY p.id LIMIT 1 SET p.end = '31/12/2009'")
    with pytest.raises(StoreError, match=r"Project\.end .*YYYY-MM-DD.*Nothing was converted"):
        seeded.migrate()
    assert types_of(seeded, "Project", "start") == {str}  # converted before the bad one: rolled back
    seeded.clear()


def test_opening_an_old_database_migrates_it(seeded: Neo4jStore) -> None:
    to_strings(seeded)
    reopened = Neo4jStore(seeded.settings)
    try:
        assert reopened.migrated["Project.start"] == len(seed_bundle().projects)
        assert types_of(reopened, "Project", "start") == {Date}
        assert Neo4jStore(seeded.settings).migrated == dict.fromkeys(reopened.migrated, 0)
    finally:
        reopened.close()


def test_tacmap_migrate_says_what_it_converted(
    seeded: Neo4jStore, bolt_server: BoltServer, tmp_path: Path
) -> None:
    env = {
        "NEO4J_URI": bolt_server.uri,
        "NEO4J_USER": bolt_server.user,
        "NEO4J_PASSWORD": bolt_server.password,
        "NEO4J_DATABASE": bolt_server.database,
    }
    to_strings(seeded)
    first = tacmap("--store", "neo4j", "migrate", env=env)
    assert first.returncode == 0, first.stderr
    assert f"Project.start: {len(seed_bundle().projects):,} nodes" in first.stdout
    again = tacmap("--store", "neo4j", "migrate", env=env)
    assert again.returncode == 0 and "already up to date, nothing converted" in again.stdout
    embedded = tacmap("--data-dir", str(tmp_path / "data"), "migrate")
    assert embedded.returncode == 0 and "needs no migration" in embedded.stdout


# -- the :param blocks ---------------------------------------------------------------------------


def block(path: Path) -> dict[str, str]:
    """The ``:param`` lines at the top of ``path``: name -> Cypher value (``:params {};``: none)."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line == ":params {};":
            continue
        match = PARAM.match(line)
        if not match:
            break
        found[match[1]] = match[2]
    return found


def body(path: Path) -> str:
    return read_cypher(path.stem, PACKAGES[path.parent.name])


def used(path: Path) -> set[str]:
    """The parameters the query uses (string literals left out)."""
    return set(re.findall(r"\$(\w+)", re.sub(r"'[^']*'", "''", body(path))))


@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_cypher_file_starts_with_a_param_line_for_each_parameter(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(":param"), f"{path.name} must start with its :param block"
    assert set(block(path)) == used(path), path.name
    assert ":param" not in body(path)  # the loader strips the block
    days = {name for name, value in block(path).items() if value.startswith("date(")}
    assert days == used(path) & {"as_of"}, "as_of is a day: date('YYYY-MM-DD'), as Neo4j holds days"


def test_every_cypher_file_runs_with_its_params_as_pasted(seeded: Neo4jStore) -> None:
    """Each value is evaluated by the server as Neo4j Browser would send it, then the body runs
    (the store's templates filled with example labels), in one transaction rolled back at the end
    since the store files write; the schema file's statements run on their own (they are idempotent)."""
    counts = seeded.counts()
    ran = []
    with seeded.driver.session(database=seeded.settings.database) as session:
        for statement in body(ROOT / "graph/schema/constraints.cypher").split(";"):
            if statement.strip():
                session.run(statement).consume()
        ran.append("constraints.cypher")
        tx = session.begin_transaction()
        try:
            for path in CYPHER_FILES:
                if path.parent.name == "schema":
                    continue
                values = block(path).items()
                params = {
                    name: tx.run(f"RETURN {value} AS v").single(strict=True)["v"] for name, value in values
                }
                query = body(path).format(**TEMPLATE) if path.parent.name == "store" else body(path)
                tx.run(query, **params).consume()
                ran.append(path.name)
        finally:
            tx.rollback()
    assert sorted(ran) == sorted(p.name for p in CYPHER_FILES) and len(ran) >= 19
    assert seeded.counts() == counts
