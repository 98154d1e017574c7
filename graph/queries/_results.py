"""Result records of questions 1-4: frozen dataclasses that turn into plain JSON with ``to_dict()``.

Dataclasses (not pydantic models) because an answer can hold tens of thousands of rows and the
records are built from rows the stores already checked; ``to_dict()`` gives the JSON field names
of the contract (``graph/queries/README.md``), dates as ISO strings.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def _plain(value: Any) -> Any:
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Result:
    """Mixin for the result dataclasses: ``to_dict()`` and ``model_dump(mode="json")`` alike."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    def model_dump(self, mode: str = "json") -> dict[str, Any]:
        return self.to_dict()


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


def bulk(function: F) -> F:
    """Run ``function`` with Python's cyclic garbage collector paused.

    Why: a question's answer is tens of thousands of small rows and records, built while the
    embedded store keeps its whole graph in memory (over a million objects at seed scale ×100).
    Every few hundred thousand new container objects CPython runs a full collection that walks that
    whole graph, which more than doubled the time of the largest answers. Nothing here makes
    reference cycles, so nothing is lost: reference counting frees the garbage, and a cycle made
    elsewhere meanwhile is collected once the collector runs again. Nested and concurrent calls
    share one pause (a depth counter), and a collector disabled by someone else stays disabled.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _gc_depth, _gc_was_enabled
        with _gc_lock:
            if _gc_depth == 0:
                _gc_was_enabled = gc.isenabled()
                gc.disable()
            _gc_depth += 1
        try:
            return function(*args, **kwargs)
        finally:
            with _gc_lock:
                _gc_depth -= 1
                if _gc_depth == 0 and _gc_was_enabled:
                    gc.enable()

    return wrapper  # type: ignore[return-value]
