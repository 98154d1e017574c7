"""Bundle -> a folder of CSV files, a zip of them, or an xlsx workbook: the export format.

Output is deterministic, so two exports of the same data are byte-identical: records sorted by
key, columns in the fixed order of ``columns.py``, every table written (an empty table as a header
row, a ready template), zip entries with a fixed timestamp and permissions, and workbook
properties with fixed dates.

CSV files are UTF-8 with a BOM (so Excel shows accents correctly) and CRLF line ends (RFC 4180).
A cell a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+...``, ``-...``, ``@...``)
is written with a ``'`` in front (:mod:`tacmap.graph.formulas`), because officers open exported CSV
files in Excel and some values come from third parties (IATI); the reader takes it off again, so
an export still round-trips exactly through ``tacmap load``. The xlsx export needs no prefix:
every text cell is written with the string data type, so such a value is shown as text and never
becomes a formula.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tacmap.graph.formulas import neutralise
from tacmap.graph.ingest import BUNDLE_FORMATS
from tacmap.graph.ingest.columns import COLUMNS, file_name, format_cell
from tacmap.graph.schema.models import Bundle
from tacmap.graph.schema.tables import TABLES

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FIXED_DATETIME = datetime(2000, 1, 1)


def csv_bytes(bundle: Bundle, table: str) -> bytes:
    """One table as CSV bytes (UTF-8 with BOM, CRLF), formulas neutralised (reversibly)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = COLUMNS[table]
    writer.writerow([c.name for c in columns])
    for record in getattr(bundle, table):
        writer.writerow([neutralise(format_cell(getattr(record, c.name))) for c in columns])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def csv_files(bundle: Bundle) -> dict[str, bytes]:
    """File name -> contents for every table, in TABLES order."""
    ordered = bundle.sorted()
    return {file_name(t): csv_bytes(ordered, t) for t in TABLES}


def deterministic_zip(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` in the given order, with fixed timestamps and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever this machine is
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def xlsx_bytes(bundle: Bundle) -> bytes:
    """The bundle as a workbook, one sheet per table; dates as date cells, amounts and single
    article numbers as numbers, everything else as text cells (never formulas)."""
    from openpyxl import Workbook

    ordered = bundle.sorted()
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    for table in TABLES:
        ws = wb.create_sheet(table)
        columns = COLUMNS[table]
        for col, column in enumerate(columns, start=1):
            _text_cell(ws.cell(1, col), column.name)
        for row, record in enumerate(getattr(ordered, table), start=2):
            for col, column in enumerate(columns, start=1):
                value = getattr(record, column.name)
                cell = ws.cell(row, col)
                if value is None or value == []:
                    continue
                if isinstance(value, date):
                    cell.value = value
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell.value = value
                else:
                    _text_cell(cell, format_cell(value))
        ws.freeze_panes = "A2"
    return workbook_bytes(wb)


def workbook_bytes(wb: Any) -> bytes:
    """An openpyxl workbook as .xlsx bytes that depend on its contents only: fixed creation and
    modification times and a deterministic zip, so the same data gives the same file."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.creator = "tacmap"
    wb.properties.created = FIXED_DATETIME
    wb.properties.modified = FIXED_DATETIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not wb.save(): that stamps "modified" with the clock
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    return deterministic_zip(parts)


def _text_cell(cell: object, text: str) -> None:
    cell.value = text  # type: ignore[attr-defined]
    cell.data_type = "s"  # type: ignore[attr-defined]  # a leading '=' stays text, not a formula


def write_bundle(bundle: Bundle, path: Path, fmt: str = "dir") -> Path:
    """Write ``bundle`` to ``path`` as ``dir`` (a folder of CSV files), ``zip`` or ``xlsx``.

    A folder may already exist; only the bundle's own files in it are replaced, and a folder
    holding other files is refused so that an export never mixes with unrelated data.
    """
    path = Path(path)
    if fmt == "dir":
        if path.exists() and not path.is_dir():
            raise FileExistsError(f"{path} exists and is not a folder")
        names = {file_name(t) for t in TABLES}
        if path.is_dir():
            others = sorted(p.name for p in path.iterdir() if p.name not in names)
            if others:
                raise FileExistsError(
                    f"{path} already holds other files ({', '.join(others[:5])}): choose an empty folder"
                )
        path.mkdir(parents=True, exist_ok=True)
        for name, data in csv_files(bundle).items():
            (path / name).write_bytes(data)
    elif fmt == "zip":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(deterministic_zip(csv_files(bundle)))
    elif fmt == "xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(xlsx_bytes(bundle))
    else:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(BUNDLE_FORMATS)}")
    return path
