"""The Bolt test server itself: it answers, persists across sessions, and rolls back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import ClientError

try:
    from tests.bolt_server import BoltServer, arcadedb_server, server_from_env
except ImportError:  # tests/ is on sys.path but not a package
    from bolt_server import BoltServer, arcadedb_server, server_from_env  # type: ignore[no-redef]

LABEL = "TacmapBoltSelfTest"


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """The session's server from conftest when there is one (one JVM per run), else our own."""
    try:
        shared: BoltServer | None = request.getfixturevalue("bolt_server")
    except pytest.FixtureLookupError:
        shared = server_from_env()
    if shared is not None:
        yield shared
        return
    with arcadedb_server(tmp_path_factory.mktemp("arcadedb")) as srv:
        yield srv


def _driver(server: BoltServer) -> Driver:
    return GraphDatabase.driver(server.uri, auth=(server.user, server.password))


@pytest.fixture
def run_id(server: BoltServer) -> Iterator[str]:
    """A tag for the nodes one test writes; they are deleted afterwards."""
    rid = uuid.uuid4().hex
    yield rid
    with _driver(server) as driver, driver.session(database=server.database) as session:
        session.execute_write(
            lambda tx: tx.run(f"MATCH (n:{LABEL} {{run: $run}}) DETACH DELETE n", run=rid).consume()
        )


def _count(server: BoltServer, run_id: str) -> int:
    with _driver(server) as driver, driver.session(database=server.database) as session:
        return session.execute_read(
            lambda tx: tx.run(f"MATCH (n:{LABEL} {{run: $run}}) RETURN count(n) AS c", run=run_id).single()[
                "c"
            ]
        )


def test_server_answers_return_1(server: BoltServer) -> None:
    with _driver(server) as driver:
        driver.verify_connectivity()
        with driver.session(database=server.database) as session:
            record = session.execute_read(lambda tx: tx.run("RETURN 1 AS one").single())
    assert record is not None and record["one"] == 1


def test_data_written_in_one_session_is_read_in_another(server: BoltServer, run_id: str) -> None:
    rows = [{"id": f"n{i}", "props": {"name": f"node {i}", "rank": i}} for i in range(25)]
    upsert = f"UNWIND $rows AS r MERGE (n:{LABEL} {{run: $run, id: r.id}}) SET n += r.props"
    with _driver(server) as driver, driver.session(database=server.database) as session:
        session.execute_write(lambda tx: tx.run(upsert, rows=rows, run=run_id).consume())
        # MERGE is idempotent: a second load must not duplicate nodes
        session.execute_write(lambda tx: tx.run(upsert, rows=rows, run=run_id).consume())

    with _driver(server) as driver, driver.session(database=server.database) as session:
        got = session.execute_read(
            lambda tx: [
                r.data()
                for r in tx.run(
                    f"MATCH (n:{LABEL} {{run: $run}}) RETURN n.id AS id, n.name AS name, n.rank AS rank",
                    run=run_id,
                )
            ]
        )
    assert sorted(got, key=lambda r: r["rank"]) == [
        {"id": r["id"], "name": r["props"]["name"], "rank": r["props"]["rank"]} for r in rows
    ]


class _Boom(Exception):
    pass


def test_transaction_function_that_raises_leaves_nothing_behind(server: BoltServer, run_id: str) -> None:
    seen_inside: list[int] = []

    def work(tx) -> None:
        tx.run(f"CREATE (:{LABEL} {{run: $run, step: 1}})", run=run_id).consume()
        tx.run(f"CREATE (:{LABEL} {{run: $run, step: 2}})", run=run_id).consume()
        seen_inside.append(
            tx.run(f"MATCH (n:{LABEL} {{run: $run}}) RETURN count(n) AS c", run=run_id).single()["c"]
        )
        raise _Boom("fail after the writes")

    with (
        _driver(server) as driver,
        driver.session(database=server.database) as session,
        pytest.raises(_Boom),
    ):
        session.execute_write(work)

    assert seen_inside == [2]  # the writes did happen inside the transaction ...
    assert _count(server, run_id) == 0  # ... and were rolled back


def test_server_side_error_rolls_back_earlier_statements(server: BoltServer, run_id: str) -> None:
    def work(tx) -> None:
        tx.run(f"CREATE (:{LABEL} {{run: $run}})", run=run_id).consume()
        tx.run("THIS IS NOT CYPHER").consume()

    with (
        _driver(server) as driver,
        driver.session(database=server.database) as session,
        pytest.raises(ClientError),
    ):
        session.execute_write(work)
    assert _count(server, run_id) == 0
