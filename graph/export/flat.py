"""The flat graph every export writer reads, and the rules that make one.

- Node ids are ``Label:key`` strings (``State:KEN``, ``Article:5``); ``kind`` is the label,
  ``identifier`` the key and ``label`` the node's name in words.
- Attribute values are ``str``, ``int``, ``float`` or ``bool``: lists become one text with ``; ``
  between the items (as in the bundle's CSV files), dates ISO text, nested objects JSON text; an
  empty value is left out. One attribute name has one type in the whole graph (GEXF and GraphML
  declare a type per attribute): integers mixed with floats become floats, anything else mixed
  becomes text.
- Optional layout attributes: ``x`` and ``y`` (map units, ``y`` growing northwards), ``size`` and
  ``color`` (``#RRGGBB``); ``lat`` and ``lon`` place a State, ``home_lat`` and ``home_lon`` a provider.
- Edges have a ``relationship`` (its type, or the map's line kind; not ``type``, which GEXF keeps
  for a line's direction) and, where money flows, a ``weight`` in US dollars.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeAlias

import networkx as nx

Scalar = str | int | float | bool
LAYOUT = ("x", "y", "size", "color")
# A flat graph: nodes are "Label:key" text ids (networkx's classes are generic only to type checkers).
FlatGraph: TypeAlias = "nx.MultiDiGraph[str]"


def flat_value(value: Any) -> Scalar | None:
    """One attribute value as a plain typed value (``None``: leave the attribute out)."""
    if value is None or (isinstance(value, str | list | tuple | set | frozenset | dict) and not value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return "; ".join(str(v) for v in items)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def flat_attrs(attrs: Mapping[str, Any]) -> dict[str, Scalar]:
    """``attrs`` with every value made plain, empty ones left out."""
    out = {}
    for name, value in attrs.items():
        plain = flat_value(value)
        if plain is not None:
            out[name] = plain
    return out


def one_type_per_name(graph: FlatGraph) -> FlatGraph:
    """``graph`` (changed in place) with each attribute name holding one type, as GEXF and GraphML
    require: ints among floats become floats, any other mix becomes text."""
    for items in (
        [d for _n, d in graph.nodes(data=True)],
        [d for _u, _v, d in graph.edges(data=True)],
    ):
        _unify(items)
    return graph


def _unify(items: Iterable[dict[str, Any]]) -> None:
    items = list(items)
    types: dict[str, set[type]] = defaultdict(set)
    for d in items:
        for name, value in d.items():
            types[name].add(type(value))
    for name, seen in types.items():
        if len(seen) < 2:
            continue
        cast = float if seen <= {int, float} else str
        for d in items:
            if name in d:
                d[name] = cast(d[name])
