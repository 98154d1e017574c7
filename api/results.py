"""Response models for the questions' result records, derived from the records themselves.

The questions return frozen dataclasses whose ``to_dict()`` is the JSON the command line prints:
their fields plus computed properties such as ``explanation``. The API serves exactly that
``to_dict()``; this module builds the matching pydantic model (fields with their types, nested
records as nested models, public properties as extra fields) so that OpenAPI documents it and
responses are checked against it, without a second copy of the contract to keep in step.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import cache
from types import UnionType
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model


def _convert(tp: Any) -> Any:
    """``tp`` with every dataclass record type inside it replaced by its model."""
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return result_model(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if not args:
        return tp
    converted = tuple(_convert(a) for a in args)
    if origin in (UnionType, typing.Union):
        return typing.Union[converted]  # noqa: UP007 - built from a tuple
    return origin[converted] if len(converted) > 1 else origin[converted[0]]


@cache
def result_model(cls: type) -> type[BaseModel]:
    """The pydantic model of ``cls().to_dict()`` (``cls`` itself when it already is a model)."""
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        return cls
    assert dataclasses.is_dataclass(cls), f"{cls} is neither a pydantic model nor a dataclass"
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {f.name: (_convert(hints[f.name]), ...) for f in dataclasses.fields(cls)}
    for klass in cls.__mro__:
        for name, attr in vars(klass).items():
            if isinstance(attr, property) and not name.startswith("_") and name not in fields:
                returns = typing.get_type_hints(attr.fget).get("return", Any)
                fields[name] = (_convert(returns), ...)
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    return create_model(cls.__name__, __config__=ConfigDict(title=cls.__name__), __doc__=doc, **fields)


def plain(value: Any) -> Any:
    """A record as the JSON the command line prints."""
    if isinstance(value, BaseModel):
        return value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value
