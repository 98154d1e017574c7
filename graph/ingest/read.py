"""Files -> raw rows: a folder of CSV files, a zip of one, or an xlsx workbook.

Nothing here interprets a cell; it only finds the tables, decodes them and keeps each cell with
the row number a spreadsheet shows. It is also the line of defence against hostile files:

- sizes are checked before anything is decoded (per file, in total, and for zips and workbooks
  what they unpack to, from the bytes actually read rather than what the archive claims);
- every part of a workbook is checked before openpyxl parses any of it: its unpacked size, that
  it is well-formed XML without a DTD, how many shared strings it declares and which row numbers
  it uses; a damaged or hostile part is a problem naming the part, never a traceback;
- a workbook with macros (``.xlsm``, or one renamed ``.xlsx``) is refused;
- a zip entry with an absolute path or ``..`` is refused, as is a zip with too many entries;
- a folder is read only for its regular files: a symbolic link, a device or a pipe is refused;
- a cell longer than Excel's own limit (32,767 characters) is a problem, and so is a table with
  more rows than the limit (a row past it is reported, never silently dropped);
- a workbook is opened with ``data_only=False`` and a formula cell is reported, never evaluated
  (openpyxl does not evaluate formulas anyway; this makes sure no cached result is imported);
- CSV may be UTF-8 (a BOM is accepted) or what French, Spanish, Russian... Excel saves (``;``
  between columns, decimal commas, a Windows code page, see :mod:`tacmap.graph.ingest.dialect`);
  whatever would need a guess is refused;
- a CSV cell that tacmap's own export protected from formula injection (``'=...``, see
  :mod:`tacmap.graph.formulas`) gets its value back.

A workbook's sheet named ``lists`` (a template's hidden drop-down choices, ``templates.py``) is
never read as data.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from xml.parsers import expat

from tacmap.graph.formulas import restore
from tacmap.graph.ingest import dialect
from tacmap.graph.ingest.columns import COLUMNS, file_name
from tacmap.graph.ingest.problems import Collector, Limits, and_list, human_size
from tacmap.graph.schema.reference import suggest
from tacmap.graph.schema.tables import TABLES

EXCEL_MAX_ROWS = 1_048_576
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
    """Decode and split one CSV file, as any Excel saves it (:mod:`tacmap.graph.ingest.dialect`);
    problems go to ``out``; None if it cannot be read at all."""
    try:
        text = dialect.decode(data)
        sep = dialect.separator(text.partition("\n")[0])
    except dialect.Unreadable as exc:
        out.problems.add(label, None, None, None, str(exc))
        return None
    raw = RawTable(table, label)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    numeric: dict[int, Callable[[str], str]] = {}
    row_number = 0
    try:
        for row_number, cells in enumerate(reader, start=1):
            if row_number == 1:
                raw.header = [c.strip() for c in cells]
                numeric = _decimal_commas(table, raw.header) if sep == ";" else {}
                continue
            if row_number - 1 > limits.max_rows:
                out.problems.add(label, row_number, None, None, too_many_rows(limits))
                break
            bounded = [_bounded(restore(c), i, raw, row_number, limits, out) for i, c in enumerate(cells)]
            for i, convert in numeric.items():
                if i < len(bounded) and isinstance(bounded[i], str):
                    try:
                        bounded[i] = convert(str(bounded[i]))
                    except ValueError as exc:
                        out.problems.add(label, row_number, raw.header[i], bounded[i], str(exc))
                        bounded[i] = REPORTED
            raw.rows.append((row_number, bounded))
    except csv.Error as exc:
        out.problems.add(label, row_number + 1, None, None, f"cannot read this row as CSV: {exc}")
        return None
    return raw


def _decimal_commas(table: str, header: list[str]) -> dict[int, Callable[[str], str]]:
    """For a ``;`` file: the numeric columns by position, each with how to read its numbers."""
    kinds = {c.name: c.kind for c in COLUMNS[table]}
    out: dict[int, Callable[[str], str]] = {}
    for i, name in enumerate(header):
        kind = kinds.get(name.lower())
        if kind in dialect.NUMERIC_KINDS:
            out[i] = dialect.decimal_point
        elif kind == "share":
            out[i] = dialect.share_decimal_point
    return out


def too_many_rows(limits: Limits) -> str:
    return f"more than {limits.max_rows:,} rows: split the table into smaller files or raise the row limit"


def cell_too_long(length: int, limits: Limits) -> str:
    return (
        f"cell too long: {length:,} characters, the limit is {limits.max_cell_chars:,} — Excel's own: "
        "shorten the text or keep it in a document and give its reference"
    )


def _column_name(raw: RawTable, index: int) -> str | None:
    return raw.header[index] if index < len(raw.header) and raw.header[index] else None


def _bounded(value: Cell, index: int, raw: RawTable, row: int, limits: Limits, out: RawBundle) -> Cell:
    """``value``, or REPORTED once a text longer than Excel's limit is reported (with its start
    only: the problem list must not carry megabytes)."""
    if isinstance(value, str) and len(value) > limits.max_cell_chars:
        out.problems.add(
            raw.label, row, _column_name(raw, index), value[:40] + "…", cell_too_long(len(value), limits)
        )
        return REPORTED
    return value


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
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode):
            out.problems.add(
                path.name + "/",
                None,
                None,
                None,
                "sub-folders are not read: put every CSV file directly in the bundle folder",
            )
            continue
        if not stat.S_ISREG(mode):
            out.problems.add(path.name, None, None, None, not_regular(mode))
            continue
        table = table_for_file(path.name)
        if table is None:
            out.problems.add(path.name, None, None, None, unknown_file_message(path.name))
            continue
        data = read_regular(path, limits.max_file_bytes)
        if isinstance(data, str):
            out.problems.add(path.name, None, None, None, data)
            continue
        total += len(data)
        if total > limits.max_total_bytes:
            out.problems.add(path.name, None, None, None, bundle_too_large(limits))
            return
        raw = parse_csv(data, table, path.name, limits, out)
        if raw is not None:
            out.add_table(raw, path.name)


def not_regular(mode: int) -> str:
    what = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file (a device, pipe or socket)"
    return f"{what}: a bundle folder holds only regular files; copy the file itself into the folder"


def read_regular(path: Path, limit: int) -> bytes | str:
    """The bytes of the regular file at ``path`` (opened without following a link, checked again
    once open, read at most ``limit`` + 1 bytes), or the problem as a message."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        return f"cannot open the file: {exc.strerror}"
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return not_regular(info.st_mode)
        if info.st_size > limit:
            return file_too_large(info.st_size, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:
        return file_too_large(len(data), limit)
    return data


def file_too_large(size: int, limit: int) -> str:
    return f"the file is {human_size(size)}, more than the limit of {human_size(limit)}: split it or raise the limit"


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
        except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError, EOFError) as exc:
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


class PartRefused(Exception):
    """A workbook part that cannot be read safely; the message says why, for the user.
    ``whole``: the problem is the workbook's (its total size), not this part's."""

    def __init__(self, message: str, whole: bool = False) -> None:
        super().__init__(message)
        self.whole = whole


# An element's start tag whatever its namespace prefix: ``<si>``, ``<x:si attr>``, ``<row/>``.
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_NUMBER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]{0,400}?\br=[\"'](\d{1,12})")
_TAIL = 512  # bytes kept between chunks, so that a tag cut by a chunk boundary is still seen
MACRO_MARKERS = (b"macroEnabled", b"vbaProject")


def _refuse_dtd(*_: object) -> None:
    raise PartRefused("it declares a DTD or entities, which a workbook never needs: refused")


def scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limits: Limits) -> int:
    """Unpack one workbook part in chunks without keeping it, and check it before openpyxl reads
    it: its size (against the part limit and ``budget``, what the whole workbook may still unpack
    to), that XML is well-formed and has no DTD, at most ``max_shared_strings`` string entries
    and no row past Excel's last. Returns the unpacked size; raises :class:`PartRefused`."""
    name = info.filename
    parser = None
    if name.lower().endswith((".xml", ".rels", ".vml")):
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
    size = strings = rows = last_row = 0
    tail = b""
    try:
        with zf.open(info) as handle:
            while chunk := handle.read(1024 * 1024):
                size += len(chunk)
                if size > budget:
                    raise PartRefused(
                        f"the workbook unpacks to more than the limit of {human_size(limits.max_unpacked_bytes)}: "
                        "refused",
                        whole=True,
                    )
                if size > limits.max_part_bytes:
                    raise PartRefused(
                        f"it unpacks to more than the limit of {human_size(limits.max_part_bytes)} for one part: refused"
                    )
                if parser is not None:
                    parser.Parse(chunk, False)
                window = tail + chunk
                fresh = len(tail)
                strings += sum(1 for m in _SHARED_STRING.finditer(window) if m.end() > fresh)
                if strings > limits.max_shared_strings:
                    raise PartRefused(
                        f"more than {limits.max_shared_strings:,} shared strings, the limit: split the "
                        "workbook into smaller ones"
                    )
                rows += sum(1 for m in _ROW.finditer(window) if m.end() > fresh)
                numbers = [int(m[1]) for m in _ROW_NUMBER.finditer(window) if m.end() > fresh]
                last_row = max([last_row, *numbers])
                if max(rows, last_row) > EXCEL_MAX_ROWS:
                    raise PartRefused(f"a row past Excel's last row ({EXCEL_MAX_ROWS:,}): refused")
                tail = window[-_TAIL:]
            if parser is not None:
                parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise PartRefused(
            f"damaged XML ({expat.errors.messages[exc.code]} at line {exc.lineno}, column {exc.offset}): "
            "open the workbook in Excel and save it again"
        ) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        NotImplementedError,
        RuntimeError,
        EOFError,
        ValueError,
    ) as exc:
        raise PartRefused(f"cannot unpack it ({exc}): open the workbook in Excel and save it again") from None
    return size


def _has_macros(zf: zipfile.ZipFile) -> bool:
    """A macro-enabled workbook (whatever its name): a VBA part, or the macro content types."""
    if any(i.filename.lower().endswith("vbaproject.bin") for i in zf.infolist()):
        return True
    try:
        types = zf.read("[Content_Types].xml")[: 1024 * 1024]
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError, EOFError):
        return False
    return any(marker in types for marker in MACRO_MARKERS)


def check_workbook(zf: zipfile.ZipFile, filename: str, limits: Limits, out: RawBundle) -> bool:
    """Whether every part of the workbook passed :func:`scan_part` (problems go to ``out``)."""
    infos = zf.infolist()
    if len(infos) > limits.max_files:
        out.problems.add(filename, None, None, None, f"the workbook holds too many parts ({len(infos):,})")
        return False
    unpacked = 0
    for info in infos:
        try:
            unpacked += scan_part(zf, info, limits.max_unpacked_bytes - unpacked, limits)
        except PartRefused as exc:
            if exc.whole:
                out.problems.add(filename, None, None, None, str(exc))
            else:
                out.problems.add(filename, None, None, info.filename, f"the part {info.filename}: {exc}")
            return False
    if _has_macros(zf):
        out.problems.add(
            filename,
            None,
            None,
            None,
            "the workbook holds macros (an .xlsm workbook): save it as an Excel Workbook (.xlsx), "
            "without macros",
        )
        return False
    return True


def read_xlsx(data: bytes, filename: str, limits: Limits, out: RawBundle) -> None:
    zf = _open_zip(data, filename, out, "xlsx workbook")
    if zf is None or not check_workbook(zf, filename, limits, out):
        return

    import openpyxl  # imported here: only xlsx bundles need it

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        out.problems.add(filename, None, None, None, f"cannot open as an Excel workbook: {exc}")
        return
    try:
        for ws in wb.worksheets:
            try:
                _read_sheet(ws, filename, limits, out)
            except Exception as exc:  # noqa: BLE001 - a part openpyxl cannot parse, whatever the kind
                out.problems.add(
                    filename,
                    None,
                    None,
                    str(ws.title),
                    f"cannot read the sheet '{ws.title}' ({exc}): open the workbook in Excel and save it again",
                )
    finally:
        wb.close()


def _read_sheet(ws: Any, filename: str, limits: Limits, out: RawBundle) -> None:
    title = str(ws.title)
    label = f"{filename} › {title}"
    table = title.strip().lower()
    if table == LISTS_SHEET:
        return
    # max_row given: without it openpyxl stops at the row the sheet's <dimension> claims is last,
    # and silently drops any row below it (scan_part has checked none is past Excel's last)
    rows = ws.iter_rows(max_col=limits.max_columns + 1, max_row=EXCEL_MAX_ROWS)
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
            continue  # blank rows past the limit are harmless; the first one with data is not
        if len(row) > limits.max_columns and not _blank(row[limits.max_columns].value):
            out.problems.add(label, number, None, None, f"more than {limits.max_columns} columns")
            return
        cells: list[Cell] = []
        for index, cell in enumerate(row[: limits.max_columns]):
            if cell.data_type == "f":
                column = _column_name(raw, index)
                out.problems.add(
                    label,
                    number,
                    column,
                    _formula_text(cell.value),
                    "formulas are not accepted: type the value itself",
                )
                cells.append(REPORTED)
            elif cell.data_type == "e":
                column = _column_name(raw, index)
                out.problems.add(
                    label,
                    number,
                    column,
                    str(cell.value),
                    "the cell holds a spreadsheet error: type the value itself",
                )
                cells.append(REPORTED)
            else:
                cells.append(_bounded(cell.value, index, raw, number, limits, out))
        while cells and _blank(cells[-1]):
            cells.pop()
        if number == 1:
            raw.header = ["" if c is None or c is REPORTED else str(c).strip() for c in cells]
        else:
            raw.rows.append((number, cells))
    out.add_table(raw, label)


# -- entry points -----------------------------------------------------------------------------

REFUSED_WORKBOOKS = (".xls", ".xlsm", ".xlsb", ".xltm", ".ods")
NOT_A_BUNDLE = "is not a bundle: give a folder of CSV files, a .zip of one, or an .xlsx workbook"


def read_path(path: Path, limits: Limits) -> RawBundle:
    out = RawBundle(problems=Collector(limits.max_problems))
    if path.is_dir():
        read_folder(path, limits, out)
        return out
    if not path.exists():
        out.problems.add(path.name or str(path), None, None, None, f"no such file or folder: {path}")
        return out
    data = read_regular(path.resolve(), limits.max_file_bytes)  # a link named on the command line is followed
    if isinstance(data, str):
        out.problems.add(path.name, None, None, None, data)
        return out
    return _read_file(data, path.name, limits, out)


def read_bytes(data: bytes, filename: str, limits: Limits) -> RawBundle:
    out = RawBundle(problems=Collector(limits.max_problems))
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    if len(data) > limits.max_file_bytes:
        out.problems.add(name, None, None, None, file_too_large(len(data), limits.max_file_bytes))
        return out
    return _read_file(data, name, limits, out)


def _is_workbook(data: bytes) -> bool:
    try:
        return "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _read_file(data: bytes, name: str, limits: Limits, out: RawBundle) -> RawBundle:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in REFUSED_WORKBOOKS:
        out.problems.add(
            name, None, None, None, f"{suffix} workbooks are not read: save it as .xlsx (Excel Workbook)"
        )
    elif suffix == ".xlsx" or (
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
    else:
        out.problems.add(name, None, None, None, f"'{name}' {NOT_A_BUNDLE}")
    return out
