"""The coordination questions; each has a Cypher file here for Neo4j and a networkx twin."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def cypher(name: str, package: str = "tacmap.graph.queries") -> str:
    """The text of ``<name>.cypher`` without its ``//`` header comments."""
    text = files(package).joinpath(f"{name}.cypher").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).strip()
