"""Bundles in and out: the one module the CLI and the API call.

A bundle is a folder of CSV files (``providers.csv``, ``networks.csv``, ``needs.csv``,
``projects.csv``, ``experts.csv``, ``implementation.csv``, ``states.csv``; every file optional),
a ``.zip`` of that folder (the files may sit in one top-level folder inside it), or an ``.xlsx``
workbook with one sheet per table (sheet name = file name without ``.csv``). A single CSV file
named after its table is read as a bundle of that one table.

Decisions an officer will meet (details in ``validate.py`` and ``read.py``):

- an unknown column or file is an error with a "did you mean", never silently ignored, so a
  misspelt header cannot lose data; a missing required column is an error; optional columns
  may be left out; empty sheets with other names in a workbook are ignored;
- everything is checked before anything is reported, and nothing is written unless the
  whole bundle is valid;
- formulas in a workbook are refused (type the value itself), never evaluated;
- CSV files are UTF-8 (a BOM is fine) or as French, Spanish, Russian... Excel saves them (``;``,
  decimal commas, a Windows code page: :mod:`tacmap.graph.ingest.dialect`); sizes, rows and zip contents are limited (:class:`Limits`).

Public API::

    read_bundle(path, *, existing=None, limits=Limits()) -> Bundle          # raises BundleError
    read_bundle_bytes(data, filename, *, existing=None, limits=Limits()) -> Bundle
    write_bundle(bundle, path, fmt="dir" | "zip" | "xlsx") -> Path
    import_bundle(store, bundle, *, stamp=None, progress=None) -> ImportSummary
"""

from __future__ import annotations

from pathlib import Path

from tacmap.graph.ingest import BUNDLE_FORMATS as FORMATS
from tacmap.graph.ingest.load import ImportSummary, import_bundle
from tacmap.graph.ingest.problems import BundleError, Limits, Problem
from tacmap.graph.ingest.read import read_bytes, read_path
from tacmap.graph.ingest.validate import Progress, validate
from tacmap.graph.ingest.write import write_bundle
from tacmap.graph.schema.models import Bundle

DEFAULT_LIMITS = Limits()

__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "Bundle",
    "BundleError",
    "ImportSummary",
    "Limits",
    "Problem",
    "import_bundle",
    "read_bundle",
    "read_bundle_bytes",
    "require_records",
    "write_bundle",
]


def read_bundle(
    path: Path,
    *,
    existing: Bundle | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Bundle:
    """Read and check the bundle at ``path`` (folder, .zip, .xlsx or one .csv).

    ``existing`` is what the store holds now (``store.export()``): references may point at it.
    Raises :class:`BundleError` listing every problem found.
    """
    return validate(read_path(Path(path), limits), existing, progress)


def require_records(bundle: Bundle, label: str) -> Bundle:
    """``bundle``, or a :class:`BundleError` when it holds no record at all: an import of nothing
    is a mistake (a wrong folder, an empty sheet) that must not look like a success."""
    if bundle.size() == 0:
        raise BundleError(
            [
                Problem(
                    label,
                    None,
                    None,
                    None,
                    "the bundle holds no records: nothing to import. Check that it is the right file or "
                    "folder, and that its tables have rows below the header",
                )
            ]
        )
    return bundle


def read_bundle_bytes(
    data: bytes,
    filename: str,
    *,
    existing: Bundle | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> Bundle:
    """Read and check an uploaded bundle (a .zip or .xlsx; ``filename`` tells which, else the
    content does). Raises :class:`BundleError` listing every problem found."""
    return validate(read_bytes(data, filename, limits), existing, progress)
