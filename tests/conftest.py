"""Fixtures shared by every test: a real Bolt server for the session, and ``store`` run on both stores."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _this_checkout_first() -> None:
    """Make ``tacmap.graph`` and the others this checkout's folders, for these tests and for the
    commands they start, whichever checkout the venv's editable install points at: a folder of
    links ``tacmap/graph -> <checkout>/graph`` (and ``tacmap/__init__.py`` to the checkout's
    ``tacmap/``) goes first on the path (the editable finder comes after the path)."""
    links = Path(tempfile.mkdtemp(prefix="tacmap-checkout-"))
    atexit.register(shutil.rmtree, links, True)
    (links / "tacmap").mkdir()
    for folder in ("graph", "api", "viz", "i18n", "seed"):
        (links / "tacmap" / folder).symlink_to(ROOT / folder, target_is_directory=True)
    for module in (ROOT / "tacmap").glob("*.py"):  # the package itself: tacmap.open
        (links / "tacmap" / module.name).symlink_to(module)
    sys.path.insert(0, str(links))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(links), str(ROOT), os.environ.get("PYTHONPATH")])
    )


ROOT = Path(__file__).resolve().parent.parent
_this_checkout_first()

import pytest  # after the path is set
from tacmap.graph.store import EmbeddedStore, Neo4jSettings, Neo4jStore, Store

from tests.bolt_server import BoltServer, arcadedb_server, server_from_env

STORES = ["embedded", "neo4j"]


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """A real Neo4j when NEO4J_URI is set, otherwise ArcadeDB's Bolt server started here."""
    server = server_from_env()
    if server is not None:
        yield server
        return
    with arcadedb_server(tmp_path_factory.mktemp("arcadedb")) as started:
        yield started


@pytest.fixture(scope="session")
def neo4j_store_session(bolt_server: BoltServer) -> Iterator[Neo4jStore]:
    settings = Neo4jSettings(
        uri=bolt_server.uri,
        user=bolt_server.user,
        password=bolt_server.password,
        database=bolt_server.database,
    )
    store = Neo4jStore(settings)
    yield store
    store.close()


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store (reference data only) of each kind, in turn."""
    if request.param == "embedded":
        embedded = EmbeddedStore(tmp_path / "data")
        yield embedded
        embedded.close()
    else:
        neo4j: Neo4jStore = request.getfixturevalue("neo4j_store_session")
        neo4j.clear()
        yield neo4j
