"""What an IATI import read, kept, warned about, left out and wrote: the import report.

Third-party data that an officer cannot fix is read leniently, so the report is where every
compromise shows: each warning and each left-out activity names its kind, file, line, activity
and element. :meth:`IatiReport.text` prints a summary first; :meth:`IatiReport.to_dict` is the
``--report FILE.json`` and ``POST /imports/iati`` body.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tacmap.graph.ingest.load import ImportSummary

SHOWN_PER_KIND = 5  # examples printed per warning kind; the JSON report has all


@dataclass(frozen=True)
class Note:
    """One warning (the activity imported with a safe default) or one reason an activity or a
    file was left out."""

    kind: str  # short and stable, e.g. "empty date", "placeholder organisation"
    file: str
    line: int | None
    activity: str | None
    element: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f" line {self.line}" if self.line else "")
        who = f" {self.activity}" if self.activity else ""
        what = f" <{self.element}>" if self.element else ""
        return f"{where}{who}{what}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "activity": self.activity,
            "element": self.element,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class FileRead:
    """One file (or zip member) and what came of it."""

    name: str
    bytes: int
    activities: int = 0
    selected: int = 0
    versions: list[str] = field(default_factory=list)
    skipped: Note | None = None  # the file was not read: why

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "bytes": self.bytes,
            "activities": self.activities,
            "selected": self.selected,
            "versions": list(self.versions),
            "skipped": self.skipped.to_dict() if self.skipped else None,
        }


@dataclass
class ProjectEntry:
    """One project the import writes (or would write, on a dry run), and where each figure came from."""

    id: str
    title: str
    file: str
    line: int | None
    sources: list[str]  # the other IATI activities merged into it (the same work)
    selected_by: list[str]
    articles: dict[int, str]  # article -> basis (stated, keywords, sdg, sector, store, given)
    matched: list[str]
    funders: list[str]
    implementer: str | None
    beneficiaries: dict[str, float | None]  # ISO3 -> share (%), None when not stated
    regions: list[str]
    budget_usd: float | None
    budget_source: str | None
    budget_original: list[dict[str, Any]]  # each amount as published: amount, currency, value_date
    sector_share: float | None
    notes: list[str] = field(default_factory=list)

    @property
    def articles_basis(self) -> str:
        order = ("stated", "keywords", "store", "given", "sdg", "sector")
        return next(b for b in order if b in self.articles.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "file": self.file,
            "line": self.line,
            "sources": list(self.sources),
            "selected_by": list(self.selected_by),
            "articles": sorted(self.articles),
            "articles_basis": self.articles_basis,
            "article_basis": {str(a): b for a, b in sorted(self.articles.items())},
            "articles_inferred": self.articles_basis in ("sdg", "sector"),
            "matched": list(self.matched),
            "funders": list(self.funders),
            "implementer": self.implementer,
            "beneficiaries": dict(sorted(self.beneficiaries.items())),
            "regions": list(self.regions),
            "budget_usd": self.budget_usd,
            "budget_source": self.budget_source,
            "budget_original": list(self.budget_original),
            "sector_share": self.sector_share,
            "needs_attention": bool(self.notes),
            "notes": list(self.notes),
        }


@dataclass
class IatiReport:
    """Everything an IATI import decided, for the officer and for the audit trail."""

    selection: list[str] = field(default_factory=list)
    since: date | None = None
    dry_run: bool = False
    files: list[FileRead] = field(default_factory=list)
    activities_read: int = 0
    outside_selection: int = 0
    warnings: list[Note] = field(default_factory=list)
    left_out: list[Note] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> activity ids
    projects: list[ProjectEntry] = field(default_factory=list)
    providers_created: list[str] = field(default_factory=list)
    conversions: list[str] = field(default_factory=list)  # how versions were read
    ignored_files: list[str] = field(default_factory=list)  # in a folder, neither .xml nor .zip
    summary: ImportSummary | None = None

    def skip(self, reason: str, activity: str) -> None:
        self.skipped.setdefault(reason, []).append(activity)

    @property
    def merged(self) -> int:
        return sum(len(p.sources) for p in self.projects)

    @property
    def skipped_files(self) -> list[FileRead]:
        return [f for f in self.files if f.skipped is not None]

    def to_dict(self) -> dict[str, Any]:
        return {
            "selection": list(self.selection),
            "since": self.since.isoformat() if self.since else None,
            "dry_run": self.dry_run,
            "counts": self.counts(),
            "files": [f.to_dict() for f in self.files],
            "conversions": list(self.conversions),
            "ignored_files": list(self.ignored_files),
            "warnings_by_kind": dict(Counter(w.kind for w in self.warnings).most_common()),
            "warnings": [w.to_dict() for w in self.warnings],
            "left_out_by_kind": dict(Counter(n.kind for n in self.left_out).most_common()),
            "left_out": [n.to_dict() for n in self.left_out],
            "skipped": {reason: list(ids) for reason, ids in self.skipped.items()},
            "projects": [p.to_dict() for p in self.projects],
            "merged": self.merged,
            "needs_attention": [p.id for p in self.projects if p.notes],
            "providers_created": list(self.providers_created),
            "summary": self.summary.to_dict() if self.summary else None,
        }

    def audit_counts(self) -> dict[str, Any]:
        """What the audit trail keeps of the report: the write, the counts and each kind's count."""
        return {
            **(self.summary.to_dict() if self.summary else {}),
            "iati": self.counts(),
            "warnings_by_kind": dict(Counter(w.kind for w in self.warnings).most_common()),
            "left_out_by_kind": dict(Counter(n.kind for n in self.left_out).most_common()),
            "files_skipped": [f.name for f in self.skipped_files],
        }

    def counts(self) -> dict[str, int]:
        return {
            "files": len(self.files),
            "files_skipped": len(self.skipped_files),
            "activities": self.activities_read,
            "outside_selection": self.outside_selection,
            "selected": sum(f.selected for f in self.files),
            "projects": len(self.projects),
            "merged": self.merged,
            "left_out": len(self.left_out),
            "warnings": len(self.warnings),
        }

    def text(self) -> str:
        """Summary first, then skipped files, warnings by kind (with examples), left-out activities."""
        c = self.counts()
        lines = [
            f"read {c['activities']:,} activities from {c['files'] - c['files_skipped']} of {c['files']} file(s)"
            + (
                f" ({c['files_skipped']} skipped: not readable as IATI activities)"
                if c["files_skipped"]
                else ""
            ),
            f"selected {c['selected']:,} ({'; '.join(self.selection)})"
            + (f"; ending on or after {self.since.isoformat()}" if self.since else ""),
            f"{c['projects']:,} project(s)"
            + (f", {c['merged']} activity(ies) merged into them as the same work" if c["merged"] else "")
            + f"; {c['left_out']} left out; {c['warnings']} warning(s)",
        ]
        lines.extend(f"  {line}" for line in self.conversions)
        if self.summary is not None:
            lines.append(("would write — " if self.dry_run else "wrote — ") + self.summary.text())
        if self.dry_run:
            lines.append("dry run: nothing was written")
        for f in self.skipped_files:
            lines.append(f"skipped file {f.skipped}")
        if self.ignored_files:
            lines.append(
                f"ignored {len(self.ignored_files)} file(s) that are neither .xml nor .zip: {', '.join(self.ignored_files[:5])}"
            )
        for reason, ids in self.skipped.items():
            lines.append(f"skipped {len(ids)} activity(ies): {reason}")
        lines.extend(_by_kind("warning", self.warnings))
        lines.extend(_by_kind("left out", self.left_out))
        for p in self.projects:
            if p.notes:
                lines.append(
                    f"  {p.id}: articles {', '.join(map(str, sorted(p.articles)))} [{p.articles_basis}]"
                )
                lines.extend(f"    needs attention: {note}" for note in p.notes)
        return "\n".join(lines)

    __str__ = text


def _by_kind(label: str, notes: list[Note]) -> list[str]:
    lines = []
    for kind, n in Counter(x.kind for x in notes).most_common():
        lines.append(f"{label}: {kind} ({n})")
        examples = [x for x in notes if x.kind == kind][:SHOWN_PER_KIND]
        lines.extend(f"    {x}" for x in examples)
        if n > len(examples):
            lines.append(f"    … {n - len(examples)} more in the JSON report (--report FILE.json)")
    return lines
