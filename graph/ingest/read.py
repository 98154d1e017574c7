"""Files -> raw rows: a folder of CSV files, a zip of one, or an xlsx workbook.

Nothing here interprets a cell; it only finds the tables, decodes them and keeps each cell with
the row number a spreadsheet shows. It is also the line of defence against hostile files:

- sizes are checked before anything is decoded (per file, in total, and for zips and workbooks
  what they unpack to, from the bytes actually read rather than what the archive claims);
- a zip entry with an absolute path or ``..`` is refused, as is a zip with too many entries;
- a table with more rows than the limit stops being read;
- a workbook is opened with ``data_only=False`` and a formula cell is reported, never evaluated
  (openpyxl does not evaluate formulas anyway; this makes sure no cached result is imported);
- CSV must be UTF-8 (a BOM is accepted); other encodings are reported, not guessed.

A workbook's sheet named ``lists`` (a template's hidden drop-down choices, ``templates.py``) is
never read as data.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from graph.ingest.columns import file_name
from graph.ingest.problems import Collector, Limits, and_list, human_size
from graph.schema.models import TABLES
from graph.schema.reference import suggest

BOM = b"\xef\xbb\xbf"
LISTS_SHEET = "lists"  # a template's drop-down choices (graph/ingest/templates.py): never data
FILE_NAMES = [file_name(t) for t in TABLES]


class Reported:
    """Stands in for a cell whose problem was already reported while reading (a formula)."""

    def __repr__(self) -> str:
        return "REPORTED"


REPORTED = Reported()

Cell = str | int | float | date | datetime | bool | Reported | None


@dataclass
class RawTable:
    """One table as read: header names as written, and (spreadsheet row number, cells) per row."""

    table: str
    label: str
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


@dataclass
class RawBundle:
    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: Collector = field(default_factory=Collector)

    def add_table(self, raw: RawTable, original: str) -> None:
        if raw.table in self.tables:
            other = self.tables[raw.table].label
            self.problems.add(
                original,
                None,
                None,
                None,
                f"two files hold the {raw.table} table ({other} and {original}): keep one",
            )
            return
        self.tables[raw.table] = raw


# -- names ------------------------------------------------------------------------------------


def table_for_file(name: str) -> str | None:
    """The table a CSV file name holds (case-insensitive), or None."""
    lowered = name.strip().lower()
    if lowered.endswith(".csv") and lowered[:-4] in TABLES:
        return lowered[:-4]
    return None


def unknown_file_message(name: str) -> str:
    guess = suggest(name, FILE_NAMES)
    if guess:
        return f"unknown file '{name}' — did you mean {guess}?"
    return f"unknown file '{name}': a bundle holds only {and_list(FILE_NAMES)} (each one optional)"


# -- CSV --------------------------------------------------------------------------------------


def parse_csv(data: bytes, table: str, label: str, limits: Limits, out: RawBundle) -> RawTable | None:
    """Decode and split one CSV file; problems go to ``out``; None if it cannot be read at all."""
    offset = 0
    if data.startswith(BOM):
        data, offset = data[len(BOM) :], len(BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        pos = exc.start + offset
        line = data.count(b"\n", 0, exc.start) + 1
        out.problems.add(
            label,
            line,
            None,
            None,
            f"not UTF-8 text (byte 0x{data[exc.start]:02X} at position {pos}): "
            "save the file as UTF-8 (CSV UTF-8 in Excel)",
        )
        return None
    raw = RawTable(table, label)
    reader = csv.reader(io.StringIO(text, newline=""))
    row_number = 0
    try:
        for row_number, cells in enumerate(reader, start=1):
            if row_number == 1:
                raw.header = [c.strip() for c in cells]
                continue
            if row_number - 1 > limits.max_rows:
                out.problems.add(label, row_number, None, None, too_many_rows(limits))
                break
            raw.rows.append((row_number, list(cells)))
    except csv.Error as exc:
        out.problems.add(label, row_number + 1, None, None, f"cannot read this row as CSV: {exc}")
        return None
    return raw


def too_many_rows(limits: Limits) -> str:
    return f"more than {limits.max_rows:,} rows: split the table into smaller files or raise the row limit"


# -- folder -----------------------------------------------------------------------------------


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$")) or name == "__MACOSX"


def read_folder(folder: Path, limits: Limits, out: RawBundle) -> None:
    entries = sorted(p for p in folder.iterdir() if not _hidden(p.name))
    if len(entries) > limits.max_files:
        out.problems.add(
            folder.name,
            None,
            None,
            None,
            f"the folder holds {len(entries)} files, more than {limits.max_files}",
        )
        return
    total = 0
    for path in entries:
        if path.is_dir():
            out.problems.add(
                path.name + "/",
                None,
                None,
                None,
                "sub-folders are not read: put every CSV file directly in the bundle folder",
            )
            continue
        table = table_for_file(path.name)
        if table is None:
            out.problems.add(path.name, None, None, None, unknown_file_message(path.name))
            continue
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            out.problems.add(path.name, None, None, None, file_too_large(size, limits))
            continue
        total += size
        if total > limits.max_total_bytes:
            out.problems.add(path.name, None, None, None, bundle_too_large(limits))
            return
        raw = parse_csv(path.read_bytes(), table, path.name, limits, out)
        if raw is not None:
            out.add_table(raw, path.name)


def file_too_large(size: int, limits: Limits) -> str:
    return (
        f"the file is {human_size(size)}, more than the limit of {human_size(limits.max_file_bytes)}: "
        "split it or raise the limit"
    )


def bundle_too_large(limits: Limits) -> str:
    return (
        f"the bundle's files together are more than the limit of {human_size(limits.max_total_bytes)}: "
        "split it into several imports or raise the limit"
    )


# -- zip --------------------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe(name: str) -> bool:
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or bool(_DRIVE.match(name))
        or ".." in PurePosixPath(name).parts
        or "\x00" in name
    )


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """At most ``limit`` bytes of a member, or None if it unpacks to more (whatever it declares)."""
    with zf.open(info) as handle:
        data = handle.read(max(limit, 0) + 1)
    return None if len(data) > limit else data


def _unpacked_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int | None:
    """How many bytes a member unpacks to, counted in chunks; None once past ``limit``."""
    size = 0
    with zf.open(info) as handle:
        while chunk := handle.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                return None
    return size


def _open_zip(data: bytes, label: str, out: RawBundle, kind: str) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        out.problems.add(label, None, None, None, f"not a {kind} file, or a damaged one")
        return None


def read_zip(data: bytes, label: str, limits: Limits, out: RawBundle) -> None:
    zf = _open_zip(data, label, out, "zip")
    if zf is None:
        return
    infos = zf.infolist()
    if len(infos) > limits.max_files:
        out.problems.add(
            label,
            None,
            None,
            None,
            f"the zip holds {len(infos):,} entries, more than the limit of {limits.max_files}",
        )
        return
    unsafe = [i.filename for i in infos if _unsafe(i.filename)]
    for name in unsafe:
        out.problems.add(label, None, None, name, f"unsafe path '{name}' in the zip: the zip is refused")
    if unsafe:
        return
    files = [
        i
        for i in infos
        if not i.is_dir() and not any(_hidden(part) for part in PurePosixPath(i.filename).parts)
    ]
    if sum(i.file_size for i in files) > limits.max_total_bytes:
        out.problems.add(label, None, None, None, zip_bomb(limits))
        return
    parts = [PurePosixPath(i.filename).parts for i in files]
    tops = {p[0] for p in parts}
    strip = 1 if len(tops) == 1 and all(len(p) > 1 for p in parts) else 0
    total = 0
    for info, name_parts in zip(files, parts, strict=True):
        inner = "/".join(name_parts[strip:])
        if len(name_parts) - strip > 1:
            out.problems.add(
                inner,
                None,
                None,
                None,
                "this file is in a sub-folder of the zip: put the CSV files at the top of the zip "
                "(or all in one folder)",
            )
            continue
        table = table_for_file(inner)
        if table is None:
            out.problems.add(inner, None, None, None, unknown_file_message(inner))
            continue
        if info.flag_bits & 0x1:
            out.problems.add(inner, None, None, None, "the file is encrypted: zip it without a password")
            continue
        try:
            content = _read_member(zf, info, limits.max_file_bytes)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError) as exc:
            out.problems.add(inner, None, None, None, f"cannot unpack this file from the zip: {exc}")
            continue
        if content is None:
            out.problems.add(
                inner,
                None,
                None,
                None,
                f"the file unpacks to more than the limit of {human_size(limits.max_file_bytes)}: refused",
            )
            continue
        total += len(content)
        if total > limits.max_total_bytes:
            out.problems.add(label, None, None, None, zip_bomb(limits))
            return
        raw = parse_csv(content, table, inner, limits, out)
        if raw is not None:
            out.add_table(raw, inner)


def zip_bomb(limits: Limits) -> str:
    return f"the zip unpacks to more than the limit of {human_size(limits.max_total_bytes)}: refused"


# -- xlsx -------------------------------------------------------------------------------------


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _formula_text(value: Any) -> str:
    text = getattr(value, "text", value)  # ArrayFormula / DataTableFormula keep theirs in .text
    return str(text)


def read_xlsx(data: bytes, filename: str, limits: Limits, out: RawBundle) -> None:
    zf = _open_zip(data, filename, out, "xlsx workbook")
    if zf is None:
        return
    infos = zf.infolist()
    if len(infos) > limits.max_files:
        out.problems.add(filename, None, None, None, f"the workbook holds too many parts ({len(infos):,})")
        return
    unpacked = 0
    for info in infos:
        try:
            size = _unpacked_size(zf, info, limits.max_unpacked_bytes - unpacked)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError) as exc:
            out.problems.add(filename, None, None, None, f"cannot open as an Excel workbook: {exc}")
            return
        if size is None:
            out.problems.add(
                filename,
                None,
                None,
                None,
                f"the workbook unpacks to more than the limit of {human_size(limits.max_unpacked_bytes)}: refused",
            )
            return
        unpacked += size

    import openpyxl  # imported here: only xlsx bundles need it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        out.problems.add(filename, None, None, None, f"cannot open as an Excel workbook: {exc}")
        return
    try:
        for ws in wb.worksheets:
            _read_sheet(ws, filename, limits, out)
    finally:
        wb.close()


def _read_sheet(ws: Any, filename: str, limits: Limits, out: RawBundle) -> None:
    title = str(ws.title)
    label = f"{filename} › {title}"
    table = title.strip().lower()
    if table == LISTS_SHEET:
        return
    rows = ws.iter_rows(max_col=limits.max_columns + 1, max_row=limits.max_rows + 2)
    if table not in TABLES:
        if any(not _blank(c.value) for row in rows for c in row):
            guess = suggest(title, TABLES)
            hint = (
                f" — did you mean {guess}?"
                if guess
                else f": a workbook holds only sheets {and_list(list(TABLES))}"
            )
            out.problems.add(filename, None, None, title, f"unknown sheet '{title}'{hint}")
        return
    raw = RawTable(table, label)
    for number, row in enumerate(rows, start=1):
        if number - 1 > limits.max_rows:
            if any(not _blank(c.value) for c in row):
                out.problems.add(label, number, None, None, too_many_rows(limits))
            break
        if len(row) > limits.max_columns and not _blank(row[limits.max_columns].value):
            out.problems.add(label, number, None, None, f"more than {limits.max_columns} columns")
            return
        cells: list[Cell] = []
        for index, cell in enumerate(row[: limits.max_columns]):
            if cell.data_type == "f":
                column = raw.header[index] if index < len(raw.header) and raw.header[index] else None
                out.problems.add(
                    label,
                    number,
                    column,
                    _formula_text(cell.value),
                    "formulas are not accepted: type the value itself",
                )
                cells.append(REPORTED)
            elif cell.data_type == "e":
                column = raw.header[index] if index < len(raw.header) and raw.header[index] else None
                out.problems.add(
                    label,
                    number,
                    column,
                    str(cell.value),
                    "the cell holds a spreadsheet error: type the value itself",
                )
                cells.append(REPORTED)
            else:
                cells.append(cell.value)
        while cells and _blank(cells[-1]):
            cells.pop()
        if number == 1:
            raw.header = ["" if c is None or c is REPORTED else str(c).strip() for c in cells]
        else:
            raw.rows.append((number, cells))
    out.add_table(raw, label)


# -- entry points -----------------------------------------------------------------------------

NOT_A_BUNDLE = "is not a bundle: give a folder of CSV files, a .zip of one, or an .xlsx workbook"


def read_path(path: Path, limits: Limits) -> RawBundle:
    out = RawBundle(problems=Collector(limits.max_problems))
    if path.is_dir():
        read_folder(path, limits, out)
        return out
    if not path.is_file():
        out.problems.add(path.name or str(path), None, None, None, f"no such file or folder: {path}")
        return out
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        out.problems.add(path.name, None, None, None, file_too_large(size, limits))
        return out
    return _read_file(path.read_bytes(), path.name, limits, out)


def read_bytes(data: bytes, filename: str, limits: Limits) -> RawBundle:
    out = RawBundle(problems=Collector(limits.max_problems))
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    if len(data) > limits.max_file_bytes:
        out.problems.add(name, None, None, None, file_too_large(len(data), limits))
        return out
    return _read_file(data, name, limits, out)


def _is_workbook(data: bytes) -> bool:
    try:
        return "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _read_file(data: bytes, name: str, limits: Limits, out: RawBundle) -> RawBundle:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".xlsx" or (
        suffix not in (".zip", ".csv") and data[:4] == b"PK\x03\x04" and _is_workbook(data)
    ):
        read_xlsx(data, name, limits, out)
    elif suffix == ".zip" or (suffix != ".csv" and data[:4] == b"PK\x03\x04"):
        read_zip(data, name, limits, out)
    elif suffix == ".csv":
        table = table_for_file(name)
        if table is None:
            out.problems.add(name, None, None, None, unknown_file_message(name))
        else:
            raw = parse_csv(data, table, name, limits, out)
            if raw is not None:
                out.add_table(raw, name)
    elif suffix in (".xls", ".xlsm", ".xlsb", ".ods"):
        out.problems.add(
            name, None, None, None, f"{suffix} workbooks are not read: save it as .xlsx (Excel Workbook)"
        )
    else:
        out.problems.add(name, None, None, None, f"'{name}' {NOT_A_BUNDLE}")
    return out
