"""IATI activity files -> projects, read as publishers really write them.

``import_iati(store, path)`` reads a file, a folder or a zip of IATI activity XML (2.01-2.03,
and 1.0x), keeps the anti-corruption work (:mod:`.select`), maps it (:mod:`.merge`: one
organisation one provider, :mod:`.orgs`; money as meant, :mod:`.money`) and imports the result
through :func:`~tacmap.graph.ingest.load.import_bundle`, so validation and the one-transaction write
are those of a bundle. One bad file or activity never stops the rest: it is in the report
(:mod:`.report`); ``strict=True`` refuses everything instead, as all-or-nothing tools do.
The mapping, element by element, is in ``graph/ingest/iati_mapping.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tacmap.graph.ingest.iati.articles import SDG_ARTICLES, SECTOR_ARTICLES, activity_articles, keywords
from tacmap.graph.ingest.iati.codelists import codelist, codelist_dir
from tacmap.graph.ingest.iati.merge import STATUS, Options, to_bundle
from tacmap.graph.ingest.iati.orgs import ORG_KIND, Providers, classify, kind_of
from tacmap.graph.ingest.iati.parse import (
    DEFAULT_LIMITS,
    IatiError,
    IatiLimits,
    Source,
    bytes_sources,
    read_document,
    sources,
)
from tacmap.graph.ingest.iati.rates import parse_rates, read_rates
from tacmap.graph.ingest.iati.report import IatiReport, Note
from tacmap.graph.ingest.iati.select import DEFAULT_SECTORS, Selection, SelectionError
from tacmap.graph.ingest.load import import_bundle
from tacmap.graph.ingest.problems import Problem
from tacmap.graph.schema.reference import articles as uncac_articles
from tacmap.graph.store.base import Store, StoreError, StoreView

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_SECTORS",
    "ORG_KIND",
    "SDG_ARTICLES",
    "SECTOR_ARTICLES",
    "STATUS",
    "IatiError",
    "IatiLimits",
    "IatiReport",
    "Providers",
    "Selection",
    "SelectionError",
    "Upload",
    "activity_articles",
    "classify",
    "codelist",
    "codelist_dir",
    "import_iati",
    "keywords",
    "kind_of",
    "parse_rates",
    "read_rates",
]

Progress = Callable[[int, int], None]


class _DryRun(StoreView):
    """Reads through to a store and writes nothing: a dry run uses the import code unchanged."""

    def __init__(self, inner: Store) -> None:
        super().__init__(inner)
        self.name = "dry-run"

    def write(self, changes: Any) -> None:
        return None

    def clear(self) -> None:
        raise StoreError("a dry run writes nothing, so it cannot clear the store")


def _strict_problems(report: IatiReport, fatal: list[Note]) -> list[Problem]:
    problems = [
        Problem(f.name, f.skipped.line, None, None, f.skipped.message)
        for f in report.skipped_files
        if f.skipped
    ]
    problems += [
        Problem(n.file, n.line, n.element, n.value, f"activity {n.activity}: {n.message}") for n in fatal
    ]
    return problems


def check_articles(articles: Iterable[int]) -> tuple[int, ...]:
    """``--articles`` must name UNCAC articles (1-71)."""
    given = tuple(sorted(set(articles)))
    bad = [a for a in given if a not in uncac_articles()]
    if bad:
        raise IatiError(
            [Problem("--articles", None, None, str(a), f"article {a} is outside 1–71") for a in bad]
        )
    return given


def run(
    store: Store,
    found: list[Source],
    *,
    selection: Selection,
    since: date | None = None,
    dry_run: bool = False,
    strict: bool = False,
    rates: Mapping[str, float] | None = None,
    articles: Iterable[int] = (),
    limits: IatiLimits = DEFAULT_LIMITS,
    stamp: dict[str, Any] | None = None,
    progress: Progress | None = None,
    ignored: Iterable[str] = (),
) -> IatiReport:
    """Read every source, map the selected activities, and import them in one transaction."""
    report = IatiReport(selection=selection.describe(), since=since, dry_run=dry_run)
    total = sum(s.size for s in found) or 1
    done, count = 0, [0]
    activities, fatal = [], []
    for source in found:
        result = read_document(source, selection, count, limits)
        report.files.append(result.read)
        report.activities_read += result.read.activities
        report.outside_selection += result.read.activities - result.read.selected
        for note in result.warnings:  # an activity without an identifier cannot be a project
            (report.left_out if note.kind == "no identifier" else report.warnings).append(note)
        fatal.extend(result.fatal)
        activities.extend(result.activities)
        done += source.size
        if progress:
            progress(done, total)
    hostile = [f for f in report.files if f.skipped and f.skipped.kind == "hostile"]
    if hostile:  # a safety refusal is never lenient: nothing is imported, from any file
        raise IatiError(
            [Problem(f.name, f.skipped.line, None, None, f.skipped.message) for f in hostile if f.skipped]
        )
    versions = sorted({v for f in report.files for v in f.versions if v.startswith("1")})
    if versions:
        report.conversions.append(
            f"IATI {', '.join(versions)} activities read directly: roles, date types, transaction types and "
            "vocabularies written as words or letters translated to their 2.03 codes"
        )
    report.ignored_files = list(ignored)
    if strict:
        problems = _strict_problems(report, fatal)
        if problems:
            raise IatiError(problems)
    existing = store.export()
    bundle = to_bundle(activities, existing, Options(selection, since, rates, tuple(articles)), report)
    target = _DryRun(store) if dry_run else store
    report.summary = import_bundle(target, bundle, stamp=stamp)
    return report


@dataclass(frozen=True)
class Upload:
    """One uploaded file (XML, or a zip of XML files), as ``POST /imports/iati`` receives it."""

    data: bytes
    filename: str


def import_iati(
    store: Store,
    source: Path | str | Upload,
    *,
    sectors: Iterable[str] | None = None,
    keywords: bool = True,
    since: date | None = None,
    dry_run: bool = False,
    strict: bool = False,
    rates: Mapping[str, float] | None = None,
    articles: Iterable[int] = (),
    limits: IatiLimits = DEFAULT_LIMITS,
    stamp: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> IatiReport:
    """Import an IATI activity file, a folder of them (recursively), a zip, or an :class:`Upload`,
    in one transaction.

    Raises :class:`IatiError` (nothing written) when the input is over a limit, or, with
    ``strict``, when any file or value cannot be read; a
    :class:`~tacmap.graph.ingest.problems.BundleError` when the mapped projects fail validation."""
    selection = Selection.parse(list(sectors) if sectors is not None else None, keywords=keywords)
    if isinstance(source, Upload):
        found, ignored = bytes_sources(source.data, source.filename, limits), list[str]()
    else:
        found, ignored = sources(Path(source), limits)
    return run(
        store,
        found,
        selection=selection,
        since=since,
        dry_run=dry_run,
        strict=strict,
        rates=rates,
        articles=check_articles(articles),
        limits=limits,
        stamp={"imported_from": "iati", **(stamp or {})},
        progress=progress,
        ignored=ignored,
    )
