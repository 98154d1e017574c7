"""Import a checked bundle into a store: only what changed, in one transaction.

Each record is compared, by :func:`record_key`, with what the store already holds: new records
are *created*, different ones *updated*, equal ones *unchanged* and not written at all. Created
and updated records go to the store in a single :meth:`Store.write`, so an import is all or
nothing, and re-importing the same bundle writes nothing.

A States row with no dates is the same as no row (there is nothing to store for it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tacmap.graph.ingest.validate import check_records
from tacmap.graph.schema.mapping import to_changes
from tacmap.graph.schema.models import Bundle, Record, StateInfo, record_key
from tacmap.graph.schema.tables import TABLES
from tacmap.graph.store.base import Store

Progress = Callable[[int, int], None]


def _zeros() -> dict[str, int]:
    return dict.fromkeys(TABLES, 0)


@dataclass
class ImportSummary:
    """How many records of each table an import created, updated and left unchanged."""

    created: dict[str, int] = field(default_factory=_zeros)
    updated: dict[str, int] = field(default_factory=_zeros)
    unchanged: dict[str, int] = field(default_factory=_zeros)
    warnings: list[str] = field(default_factory=list)  # what imported but will not be used as meant

    @property
    def written(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "written": self.written,
            "warnings": list(self.warnings),
        }

    def text(self) -> str:
        """One line per table that had records, then a total; for the terminal and logs."""
        lines = []
        for table in TABLES:
            counts = (self.created[table], self.updated[table], self.unchanged[table])
            if any(counts):
                lines.append(f"{table}: {counts[0]} created, {counts[1]} updated, {counts[2]} unchanged")
        if not lines:
            return "nothing imported: the bundle is empty"
        created, updated, unchanged = (sum(d.values()) for d in (self.created, self.updated, self.unchanged))
        total = f"total: {created} created, {updated} updated, {unchanged} unchanged"
        if not created and not updated:
            total += " (nothing changed)"
        return "\n".join([*lines, total, *(f"warning: {w}" for w in self.warnings)])

    __str__ = text


def _same_as_absent(record: Record) -> bool:
    return isinstance(record, StateInfo) and record.party_since is None and record.self_assessment_on is None


def consent_warnings(bundle: Bundle) -> list[str]:
    """Experts imported without consent to be listed are kept but never shortlisted: say how many."""
    missing = [e for e in bundle.experts if e.consent is None]
    if not missing:
        return []
    many = len(missing) > 1
    listed = ", ".join(e.id for e in missing[:5]) + (", …" if len(missing) > 5 else "")
    message = (
        f"{len(missing)} expert{'s' if many else ''} ({listed}) {'have' if many else 'has'} no consent recorded "
        "and will not be shortlisted: add a consent column (yes for each expert who agreed to be listed)"
    )
    return [message]


def import_bundle(
    store: Store,
    bundle: Bundle,
    *,
    stamp: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Write what is new or changed in ``bundle`` to ``store`` in one transaction.

    The bundle's references are checked again against the store as it is now (a bundle built
    in code, or one read against an older export, still gets every reference resolved, see
    :func:`~tacmap.graph.ingest.validate.check_records`); problems raise
    :class:`~tacmap.graph.ingest.problems.BundleError` before anything is written. ``stamp`` properties
    (provenance) go on every written node. ``progress(done, total)`` is called as records are
    compared, the write counting as one last step.
    """
    existing = store.export()
    bundle = check_records(bundle, existing)
    total = bundle.size() + 1
    if progress:
        progress(0, total)
    summary = ImportSummary()
    changed: dict[str, list[Record]] = {t: [] for t in TABLES}
    done = 0
    for table in TABLES:
        before = {record_key(r): r for r in getattr(existing, table)}
        for record in getattr(bundle, table):
            old = before.get(record_key(record))
            if old == record or (old is None and _same_as_absent(record)):
                summary.unchanged[table] += 1
            else:
                (summary.created if old is None else summary.updated)[table] += 1
                changed[table].append(record)
        done += len(getattr(bundle, table))
        if progress:
            progress(done, total)
    summary.warnings += consent_warnings(bundle)
    dated = bundle.reference_date is not None and bundle.reference_date != existing.reference_date
    if summary.written or dated:
        store.write(to_changes(Bundle.of(changed, bundle.reference_date if dated else None), stamp))
    if progress:
        progress(total, total)
    return summary
