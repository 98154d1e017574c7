"""The questions as methods of an open store, answers as pandas DataFrames (see ``tacmap.open``).

One method per question of :data:`~tacmap.graph.queries.spec.QUESTIONS`, taking the same
parameters as ``tacmap query <name>`` and checked by the same model, so the notebook API cannot
drift from the command line and the HTTP API. An :class:`Answer` holds the rows as the questions
return them, the notes that say why candidates were left out (or the answer is empty), and
:meth:`Answer.to_frame`: the flat table of the CSV downloads, one row per answer row, nested
objects as ``a.b`` columns, lists of plain values joined with ``"; "`` and lists of objects as JSON
text (``explode`` after ``str.split("; ")`` brings a list back as rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self

from tacmap.graph.queries.spec import QUESTIONS

if TYPE_CHECKING:
    import pandas as pd
    from tacmap.graph.store import Store


def _attribute(question: str) -> str:
    return question.replace("-", "_")


@dataclass(frozen=True)
class Answer:
    """One question's answer: ``rows`` (result objects), ``notes`` (why some were left out)."""

    question: str
    rows: list[Any]
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with flat columns (the columns of the CSV download)."""
        import pandas as pd
        from tacmap.api.tables import table

        columns, flat = table(self.rows)
        return pd.DataFrame(flat, columns=columns)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        said = "".join(f"\nnote: {note}" for note in self.notes)
        return f"<{self.question}: {len(self.rows)} rows>{said}"


class Tacmap:
    """An open store and its questions: ``store.gaps(as_of="2009-09-01")``; ``store.close()`` (or
    ``with``) at the end. ``store.store`` is the :class:`~tacmap.graph.store.Store` itself."""

    def __init__(self, store: Store, audience: str = "all") -> None:
        from tacmap.graph.visibility import parse_audience

        self.store = store
        self.audience = parse_audience(audience)

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        *,
        store: Literal["embedded", "neo4j"] | None = None,
        audience: str = "all",
    ) -> Tacmap:
        from tacmap.graph.settings import Settings
        from tacmap.graph.store import open_store

        chosen = {"store": store, "data_dir": Path(data_dir) if data_dir is not None else None}
        settings = Settings.from_env().model_copy(update={k: v for k, v in chosen.items() if v is not None})
        return cls(open_store(settings), audience)

    def ask(self, name: str, **values: Any) -> Answer:
        """The answer to question ``name``; a bad parameter raises ``BadParams`` naming it and the fix."""
        from tacmap.api.tables import rows_of
        from tacmap.graph.visibility import seen_by

        q = next((q for q in QUESTIONS if q.name == name), None)
        if q is None:
            raise LookupError(f"no question {name!r}; the questions: {', '.join(q.name for q in QUESTIONS)}")
        params = q.check(**values)
        store = seen_by(self.store, self.audience) if q.names_needs else self.store
        answer = q.ask(store, params)
        return Answer(name, rows_of(q, params, answer), q.notes(store, params, answer))

    def __getattr__(self, name: str) -> Callable[..., Answer]:
        """``store.<question>(**params)``: each question of the registry, by name (``-`` as ``_``)."""
        q = next((q for q in QUESTIONS if _attribute(q.name) == name), None)
        if q is None:
            raise AttributeError(f"{type(self).__name__!r} has no question or attribute {name!r}")

        def ask(**values: Any) -> Answer:
            return self.ask(q.name, **values)

        ask.__name__ = name
        ask.__doc__ = f"{q.title}. {q.doc} Parameters: {', '.join(q.params.model_fields) or 'none'}."
        return ask

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *(_attribute(q.name) for q in QUESTIONS)})

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
