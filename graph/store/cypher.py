"""Cypher text from the ``.cypher`` files shipped beside the code, and one question's raw query.

The plumbing the Neo4j store runs (upsert, merge, read, delete) lives beside it in ``graph/store/``;
each question's query lives beside its twin in ``graph/queries/`` and reaches a store as a
:class:`RawQuery`, so a store never looks a question up by module name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

Rows = list[dict[str, Any]]


@cache
def read_cypher(name: str, package: str = "tacmap.graph.store") -> str:
    """The text of ``<name>.cypher`` in ``package`` without its ``//`` comment lines and the ``:param``
    lines at its top (Neo4j Browser commands that set example parameters, not Cypher)."""
    text = files(package).joinpath(f"{name}.cypher").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not _not_cypher(line)).strip()


def _not_cypher(line: str) -> bool:
    return line.lstrip().startswith(("//", ":param"))


@dataclass(frozen=True)
class RawQuery:
    """The raw rows of one question, two ways that must agree: ``<name>.cypher`` for Neo4j and
    the networkx ``twin(store, **params)`` for the embedded store."""

    name: str
    twin: Callable[..., Rows]
    package: str = "tacmap.graph.queries"

    @property
    def cypher(self) -> str:
        return read_cypher(self.name, self.package)
