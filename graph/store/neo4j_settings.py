"""Where the Neo4j server is and how long to wait for it (read from the environment by
:class:`tacmap.graph.settings.Settings`).

Apart from the store itself so that choosing a store, and the API's settings, do not import the
Neo4j driver (half a second of start-up) when the graph lives in the embedded store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tacmap.graph.settings import DEFAULT_CONNECT_SECONDS, DEFAULT_RETRY_SECONDS
from tacmap.graph.store.base import StoreError

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_uri(uri: str) -> str:
    """``uri`` if the driver can use it; else a :class:`StoreError` listing the forms it takes."""
    try:
        parts = urlsplit(uri.strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in SCHEMES or not parts.hostname or (port is not None and port <= 0):
        raise StoreError(
            f"NEO4J_URI {uri!r} is not an address the Neo4j driver takes: use bolt://HOST:7687 (one server) "
            "or neo4j://HOST:7687 (a cluster), or bolt+s:// / neo4j+s:// for TLS (+ssc: a self-signed certificate)"
        )
    return uri.strip()


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the server is and how long to wait for it; a malformed URI is refused here, at start."""

    uri: str
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str = "neo4j"
    retry_seconds: float = DEFAULT_RETRY_SECONDS
    connect_seconds: float = DEFAULT_CONNECT_SECONDS

    def __post_init__(self) -> None:
        object.__setattr__(self, "uri", check_uri(self.uri))
