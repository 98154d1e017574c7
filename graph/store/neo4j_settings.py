"""Where the Neo4j server is and how long to wait for it, read from the environment.

Apart from the store itself so that choosing a store, and the API's settings, do not import the
Neo4j driver (half a second of start-up) when the graph lives in the embedded store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tacmap.graph.store.base import StoreError

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
DEFAULT_RETRY_SECONDS = 5.0
DEFAULT_CONNECT_SECONDS = 5.0


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


def _seconds(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise StoreError(f"{name} {text!r} is not a number of seconds between 0 and 3600")
    return value


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the server is and how long to wait for it; a malformed URI is refused here, at start."""

    uri: str
    user: str = "neo4j"
    password: str = field(default="", repr=False)
    database: str = "neo4j"
    retry_seconds: float = field(
        default_factory=lambda: _seconds("TACMAP_NEO4J_RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
    )
    connect_seconds: float = field(
        default_factory=lambda: _seconds("TACMAP_NEO4J_CONNECT_SECONDS", DEFAULT_CONNECT_SECONDS)
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "uri", check_uri(self.uri))

    @classmethod
    def from_env(cls) -> Neo4jSettings | None:
        """``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``; None without a URI."""
        uri = os.environ.get("NEO4J_URI")
        if not uri:
            return None
        return cls(
            uri=uri,
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
            database=os.environ.get("NEO4J_DATABASE", "neo4j"),
        )
