"""Raw rows -> a checked, normalised :class:`Bundle`, or every problem found.

The whole bundle is checked before anything is reported, so one round of fixes is enough:
every cell of every row is parsed, every reference resolved, and all problems come back
together in a :class:`BundleError`.

Normalising: cells are stripped; ISO3 codes are upper-cased; kinds, statuses, priorities,
forms and language codes are lower-cased; lists (``;``-separated) lose empty items and
duplicates and are sorted (articles numerically). Ids are case-sensitive. An empty cell is
None, or an empty list.

Columns: header names are matched ignoring case and surrounding spaces. An unknown column is an
error (with a "did you mean" for a near miss), not silently dropped, so that a misspelt header
(``fundrs``) cannot lose data; a missing required column is an error; optional columns may be
left out. A column without a header name is ignored if all its cells are empty.

References resolve to the bundle itself, to the store's existing records (``existing``, a
:meth:`Store.export`), or to reference data (ISO3 codes, articles 1-71, forms of assistance,
ISO 639-1 languages).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

from pydantic import ValidationError
from tacmap.graph.ingest.columns import COLUMNS, NO, YES, Column, file_name, key_columns
from tacmap.graph.ingest.problems import BundleError, Collector, Problem, and_list, count_phrase
from tacmap.graph.ingest.read import REPORTED, RawBundle, RawTable
from tacmap.graph.schema import reference
from tacmap.graph.schema.models import LANGUAGE_LEVELS, RECORD_TYPES, STATED, Basis, Bundle, Record
from tacmap.graph.schema.tables import TABLES

Progress = Callable[[int, int], None]
Message = Callable[[], str]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_WHOLE = re.compile(r"\d+(\.0*)?")
_EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+")


@cache
def language_codes() -> dict[str, str]:
    """ISO 639-1 code -> English name, for every two-letter language Babel (CLDR) knows."""
    from babel import Locale

    return {
        code: name
        for code, name in Locale("en").languages.items()
        if len(code) == 2 and code.isalpha() and code.islower()
    }


@cache
def _language_names() -> dict[str, str]:
    return {name.casefold(): code for code, name in language_codes().items()}


# -- one cell -----------------------------------------------------------------------------------


def cell_text(cell: Any) -> str:
    """Any cell (CSV text, or an xlsx number / date / bool) as stripped text."""
    if type(cell) is str:
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


class Context:
    """What references may point at: ids in the bundle and in the store."""

    def __init__(self, providers: set[str], networks: set[str]) -> None:
        self.known = {"provider": providers, "network": networks}


class Invalid(Exception):
    """One bad item: the value to show and the message (built lazily)."""

    def __init__(self, value: str, message: str | Message) -> None:
        self.value = value
        self.message = message


def _hint(value: str, guess: str | None, otherwise: str) -> str:
    return f" — did you mean {guess}?" if guess else otherwise


def parse_item(column: Column, cell: Any, ctx: Context) -> Any:
    """One non-empty item of ``column`` -> its normalised value; raises :class:`Invalid`."""
    kind = column.kind
    text = cell_text(cell)
    if column.many and "," in text and kind not in ("text", "id"):
        raise Invalid(text, f"'{text}' looks like several items: separate them with ';', not ','")
    if kind == "text":
        return text
    if kind == "id":
        if ";" in text:
            raise Invalid(text, f"id '{text}' must not contain ';' (it separates the items of a list)")
        return text
    if kind == "enum":
        value = text.lower()
        if value in column.choices:
            return value
        raise Invalid(
            text,
            lambda: (
                f"unknown {column.name} '{text}'"
                + _hint(
                    text, reference.suggest(text, column.choices), f": use one of {', '.join(column.choices)}"
                )
            ),
        )
    if kind == "iso3":
        code = text.upper()
        if code in reference.countries():
            return code
        raise Invalid(
            text,
            lambda: (
                f"unknown country code '{text}'"
                + _hint(text, reference.suggest_iso3(text), ": use an ISO 3166-1 alpha-3 code such as KEN")
            ),
        )
    if kind == "article":
        return _article(cell, text)
    if kind == "form":
        value = text.lower()
        if value in reference.forms():
            return value
        codes = list(reference.forms())
        raise Invalid(
            text,
            lambda: (
                f"unknown form '{text}'"
                + _hint(text, reference.suggest(text, codes), f": use one of {', '.join(codes)}")
            ),
        )
    if kind in ("provider", "network"):
        known = ctx.known[kind]
        if text in known:
            return text
        listed_in = file_name(kind + "s")
        raise Invalid(
            text,
            lambda: (
                f"unknown {kind} '{text}'"
                + _hint(text, reference.suggest(text, known), f": add it to {listed_in} or import it first")
            ),
        )
    if kind == "region":
        from tacmap.graph.schema.regions import regions

        if text.lower() in regions():
            return text.lower()
        raise Invalid(
            text,
            lambda: (
                f"unknown region '{text}'"
                + _hint(
                    text,
                    reference.suggest(text.lower(), list(regions())),
                    ": use dac-<code> (OECD DAC region, e.g. dac-298 Africa, regional) or m49-<code> (UN M49 area, e.g. m49-014)",
                )
            ),
        )
    if kind == "share":
        code, sep, amount = (part.strip() for part in text.partition(":"))
        if not sep:
            raise Invalid(text, f"'{text}' is not a share: write ISO3:percent, e.g. KEN:60")
        iso3 = parse_item(_ISO3, code, ctx)
        return (iso3, _percent(amount, amount))
    if kind == "basis":
        return _basis(text)
    if kind == "percent":
        return _percent(cell, text)
    if kind == "date":
        return _date(cell, text)
    if kind == "number":
        return _number(cell, text)
    if kind == "language":
        value = text.lower()
        if value in language_codes():
            return value
        raise Invalid(
            text,
            lambda: (
                f"unknown language '{text}'"
                + _hint(
                    text,
                    _language_names().get(text.casefold()),
                    ": use a two-letter ISO 639-1 code such as en, fr or es",
                )
            ),
        )
    if kind == "integer":
        return _integer(cell, text)
    if kind == "yesno":
        value = text.lower()
        if value in YES:
            return True
        if value in NO:
            return False
        raise Invalid(text, f"'{text}' is neither yes nor no: write yes or no")
    if kind == "language_level":
        return _language_level(text, ctx)
    if kind == "email":
        if _EMAIL.fullmatch(text):
            return text
        raise Invalid(text, f"'{text}' is not an email address")
    raise AssertionError(f"unknown column kind {kind!r}")


BASIS_HINT = (
    "write article:kind:detail, e.g. 6:sector:15113, 33:keyword:whistle-blower, 5:sdg:16.5 or 9:stated"
)
_BASIS_DETAIL = {
    Basis.keyword.value: (re.compile(r"\S.*"), "the words matched"),
    Basis.sdg.value: (re.compile(r"\d{1,2}\.[0-9a-z]{1,2}"), "an SDG target such as 16.5"),
    Basis.sector.value: (re.compile(r"\d{5}"), "a 5-digit DAC sector code such as 15113"),
}


def _basis(text: str) -> tuple[int, str]:
    """``6:sector:15113`` -> (6, ``sector:15113``): an article, then what it rests on."""
    number, _, rest = (part.strip() for part in text.partition(":"))
    kind, _, detail = (part.strip() for part in rest.partition(":"))
    kind = kind.lower()
    if not number or kind not in {b.value for b in Basis}:
        raise Invalid(text, f"'{text}' is not an article's basis: {BASIS_HINT}")
    try:
        article = _article(number, number)
    except Invalid as bad:
        raise Invalid(text, f"{bad.message} in the basis '{text}' ({BASIS_HINT})") from None
    if kind == STATED:
        return (article, STATED)
    pattern, what = _BASIS_DETAIL[kind]
    if not pattern.fullmatch(detail.lower()):
        raise Invalid(text, f"'{text}' does not say what the {kind} basis is: give {what} ({BASIS_HINT})")
    return (article, f"{kind}:{detail}")


def _percent(cell: Any, text: str) -> float:
    value = _number(cell, text)
    if not 0 < value <= 100:
        raise Invalid(text, f"'{text}' is not a percentage: give a number above 0 and at most 100")
    return value


def project_problems(values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Checks across a project's cells: (column, value shown, message) for each problem."""
    out: list[tuple[str, str, str]] = []
    beneficiaries, regions = values.get("beneficiaries") or [], values.get("regions") or []
    if beneficiaries is REPORTED or regions is REPORTED:
        return out
    if not beneficiaries and not regions:
        out.append(
            (
                "beneficiaries",
                "",
                "list at least one ISO3 country code in beneficiaries, or a region in regions",
            )
        )
    shares = values.get("shares") or {}
    if shares is REPORTED:
        return out
    pairs = list(shares.items()) if isinstance(shares, dict) else list(shares)
    for iso3, _ in pairs:
        if iso3 not in beneficiaries:
            out.append(
                (
                    "shares",
                    iso3,
                    f"a share for {iso3}, which is not among the beneficiaries: add it there or drop the share",
                )
            )
    total = sum(p for _, p in pairs)
    if total > 100.5:
        out.append(("shares", f"{total:g}", f"the shares add up to {total:g} %, over 100"))
    basis, articles = values.get("basis") or {}, values.get("articles") or []
    if basis is REPORTED or articles is REPORTED:
        return out
    for article, _ in list(basis.items()) if isinstance(basis, dict) else list(basis):
        if article not in articles:
            out.append(
                (
                    "basis",
                    str(article),
                    f"a basis for article {article}, which is not among the articles: add it there or drop the basis",
                )
            )
    return out


def _integer(cell: Any, text: str) -> int:
    number: int | None = None
    if isinstance(cell, int) and not isinstance(cell, bool):
        number = cell
    elif isinstance(cell, float) and cell.is_integer():
        number = int(cell)
    elif isinstance(cell, str) and _WHOLE.fullmatch(text):
        number = int(text.split(".")[0])
    if number is None:
        raise Invalid(text, f"'{text}' is not a whole number: write digits only, e.g. 12")
    if number < 0:
        raise Invalid(text, f"'{text}' is negative: give a number of zero or more")
    return number


_LEVELS = {level.lower(): level for level in LANGUAGE_LEVELS}
LEVELS_TEXT = ", ".join(LANGUAGE_LEVELS)


def _language_level(text: str, ctx: Context) -> str:
    """``fr:C1`` -> ``fr:C1``: an ISO 639-1 code, then a CEFR level or ``native``."""
    code, sep, level = (part.strip() for part in text.partition(":"))
    if not sep or not code or not level:
        raise Invalid(
            text,
            f"'{text}' is not a language with a level: write code:level, e.g. fr:C1 (levels {LEVELS_TEXT})",
        )
    language = parse_item(_LANGUAGE, code, ctx)
    if level.lower() not in _LEVELS:
        raise Invalid(text, f"unknown language level '{level}' in '{text}': use one of {LEVELS_TEXT}")
    return f"{language}:{_LEVELS[level.lower()]}"


_LANGUAGE = Column("language", "language")
_ISO3 = Column("country", "iso3")


def _article(cell: Any, text: str) -> int:
    if isinstance(cell, bool):
        number = None
    elif isinstance(cell, int):
        number = cell
    elif isinstance(cell, float) and cell.is_integer():
        number = int(cell)
    elif isinstance(cell, str) and _WHOLE.fullmatch(text):
        number = int(text.split(".")[0])
    else:
        number = None
    if number is None:
        raise Invalid(text, f"'{text}' is not an article number: use a whole number from 1 to 71")
    if number not in reference.articles():
        raise Invalid(text, f"article {number} is outside 1–71")
    return number


def _date(cell: Any, text: str) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, str) and _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise Invalid(text, f"'{text}' is not a date (use YYYY-MM-DD)")


def _number(cell: Any, text: str) -> float:
    number: float | None = None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        number = float(cell)
    elif isinstance(cell, str) and _NUMBER.fullmatch(text):
        number = float(text)
    if number is None or not math.isfinite(number):
        extra = ""
        if "," in text and any(ch.isdigit() for ch in text):
            extra = " (write digits only, with a dot for decimals, e.g. 1500000.50)"
        raise Invalid(text, f"'{text}' is not a number{extra}")
    if number < 0:
        raise Invalid(text, f"'{text}' is negative: give an amount of zero or more")
    return number


def _blank(cell: Any) -> bool:
    if type(cell) is str:
        return not cell or cell.isspace()
    return cell is None


NO_PROBLEMS: tuple[tuple[str, str | Message], ...] = ()


def parse_cell(
    column: Column, cell: Any, ctx: Context
) -> tuple[Any, list[tuple[str, str | Message]] | tuple[tuple[str, str | Message], ...]]:
    """A whole cell -> (value, problems as (value shown, message)); a list value for list columns."""
    problems: list[tuple[str, str | Message]] = []
    if column.many:
        items = [] if _blank(cell) else _split(cell)
        values = []
        for item in items:
            try:
                values.append(parse_item(column, item, ctx))
            except Invalid as bad:
                problems.append((bad.value, bad.message))
        if not items and column.required:
            problems.append(("", column.required_message))
        return sorted(set(values)), problems or NO_PROBLEMS
    if _blank(cell):
        if column.required:
            return None, [("", column.required_message)]
        return None, NO_PROBLEMS
    try:
        return parse_item(column, cell, ctx), NO_PROBLEMS
    except Invalid as bad:
        return None, [(bad.value, bad.message)]


def _split(cell: Any) -> list[Any]:
    if not isinstance(cell, str):
        return [cell]  # an xlsx number (one article) or date
    return [item.strip() for item in cell.split(";") if item.strip()]


# -- one table ----------------------------------------------------------------------------------


def _letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


class TableCheck:
    """Checks one raw table; keeps the records of rows that passed."""

    def __init__(self, raw: RawTable, ctx: Context, problems: Collector) -> None:
        self.raw = raw
        self.ctx = ctx
        self.problems = problems
        self.spec = COLUMNS[raw.table]
        self.index: dict[str, int] = {}  # column name -> position in the file
        self.records: list[Record] = []
        self.usable = True

    def add(self, row: int | None, column: str | None, value: object, message: str | Message) -> None:
        self.problems.add(self.raw.label, row, column, value or None, message)

    # header
    def check_header(self) -> None:
        raw = self.raw
        names = [c.name for c in self.spec]
        if not any(h.strip() for h in raw.header):
            if any(not _blank(c) for _, cells in raw.rows for c in cells):
                self.add(
                    1, None, None, f"the first row must be the header naming the columns: {', '.join(names)}"
                )
            return
        if len(raw.header) == 1 and ";" in raw.header[0]:
            self.add(
                1,
                None,
                raw.header[0],
                "the columns are separated by ';': save the file as CSV with commas "
                "(';' only separates the items of a list inside a cell)",
            )
            self.usable = False
            return
        lowered = [h.strip().lower() for h in raw.header]
        if not any(h in names for h in lowered):
            self.add(
                1, None, None, f"the first row must be the header naming the columns: {', '.join(names)}"
            )
            self.usable = False
            return
        for position, (written, name) in enumerate(zip(raw.header, lowered, strict=True)):
            if not name:
                if any(len(cells) > position and not _blank(cells[position]) for _, cells in raw.rows):
                    self.add(
                        1, None, None, f"column {_letter(position)} has values but no name in the header row"
                    )
                continue
            if name in self.index:
                self.add(1, written, written, f"column '{written}' appears twice in the header")
                continue
            if name in names:
                self.index[name] = position
                continue
            guess = reference.suggest(written, names)
            self.add(
                1,
                written,
                written,
                f"unknown column '{written}'"
                + _hint(written, guess, f": {file_name(raw.table)} has the columns {', '.join(names)}"),
            )
        for column in self.spec:
            if column.required and column.name not in self.index:
                self.add(1, column.name, None, f"the required column '{column.name}' is missing")
                self.usable = False

    # rows
    def check_rows(self, tick: Callable[[], None]) -> None:
        keys: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        width = len(self.raw.header)
        record_type = RECORD_TYPES[self.raw.table]
        columns = [(column, self.index.get(column.name)) for column in self.spec]
        if not self.index:
            return  # no usable header: already reported
        for row, cells in self.raw.rows:
            tick()
            if all(_blank(c) for c in cells):
                continue
            extra = [c for c in cells[width:] if not _blank(c)]
            if extra:
                self.add(
                    row,
                    None,
                    None,
                    f"the row has {width + len(extra)} cells but the header names {width} columns",
                )
            values: dict[str, Any] = {}
            bad = False
            bad_columns: set[str] = set()
            for column, position in columns:
                cell = cells[position] if position is not None and position < len(cells) else None
                if cell is REPORTED:
                    values[column.name] = REPORTED
                    bad = True
                    continue
                if position is None:
                    values[column.name] = [] if column.many else None
                    continue
                values[column.name], problems = parse_cell(column, cell, self.ctx)
                for shown, message in problems:
                    self.add(row, column.name, shown, message)
                    bad = True
                    bad_columns.add(column.name)
            bad |= self._cross_checks(row, values, bad_columns)
            key = tuple(values.get(c) for c in key_columns(self.raw.table))
            if all(k is not None and k is not REPORTED for k in key):
                keys[key].append(row)
            if not bad and not extra and self.usable:
                try:
                    self.records.append(record_type(**values))
                except ValidationError as exc:  # should not happen: every field was checked
                    self.add(row, None, None, f"invalid row: {exc.errors()[0]['msg']}")
        self._duplicates(keys)

    def _cross_checks(self, row: int | None, values: dict[str, Any], bad_columns: set[str]) -> bool:
        """Checks across the cells of one row (not of cells already reported); whether a problem was found."""
        message = order_problem(values.get("start"), values.get("end"))
        if message:
            self.add(row, "end", values["end"].isoformat(), message)
        found = project_problems(values) if self.raw.table == "projects" else []
        found = [f for f in found if not bad_columns & {"beneficiaries", "regions", "shares"}]
        for column, shown, text in found:
            self.add(row, column, shown, text)
        return bool(message) or bool(found)

    def _duplicates(self, keys: dict[tuple[Any, ...], list[int]]) -> None:
        columns = key_columns(self.raw.table)
        for key, rows in keys.items():
            if len(rows) < 2:
                continue
            where = f"(rows {and_list([str(r) for r in rows])})"
            times = count_phrase(len(rows))
            self.add(rows[1], columns[-1], str(key[-1]), duplicate_message(self.raw.table, key, times, where))


def order_problem(start: Any, end: Any) -> str | None:
    if isinstance(start, date) and isinstance(end, date) and end < start:
        return f"end {end.isoformat()} is before start {start.isoformat()}"
    return None


def duplicate_message(table: str, key: tuple[Any, ...], times: str, where: str = "") -> str:
    columns = key_columns(table)
    where = f" {where}" if where else ""
    if len(columns) == 1:
        return f"{columns[0]} '{key[0]}' appears {times}{where}"
    state, article = key
    return f"state {state} and article {article} appear together {times}{where}"


# -- the whole bundle ---------------------------------------------------------------------------


def _raw_ids(raw: RawTable | None) -> set[str]:
    """Ids written in a table, even on rows with other problems (so one mistake is not reported twice)."""
    if raw is None:
        return set()
    lowered = [h.strip().lower() for h in raw.header]
    if "id" not in lowered:
        return set()
    position = lowered.index("id")
    return {
        cell_text(cells[position])
        for _, cells in raw.rows
        if position < len(cells) and cells[position] is not REPORTED and not _blank(cells[position])
    }


def _sort(problems: list[Problem], raw: RawBundle) -> list[Problem]:
    """File-level problems first, then table by table in TABLES order, by row then column."""
    table_rank = {t.label: TABLES.index(name) + 1 for name, t in raw.tables.items()}
    columns = {
        t.label: {h.strip().lower(): i for i, h in reversed(list(enumerate(t.header)))}
        for t in raw.tables.values()
    }

    def key(p: Problem) -> tuple[int, int, int]:
        position = columns.get(p.file, {}).get((p.column or "").lower(), 10_000) if p.column else -1
        return (table_rank.get(p.file, 0), p.row or 0, position)

    return sorted(problems, key=key)


def validate(raw: RawBundle, existing: Bundle | None = None, progress: Progress | None = None) -> Bundle:
    """Check every table of ``raw``; the normalised bundle, or :class:`BundleError` with every problem."""
    existing = existing or Bundle()
    problems = raw.problems
    ctx = Context(
        providers={p.id for p in existing.providers} | _raw_ids(raw.tables.get("providers")),
        networks={n.id for n in existing.networks} | _raw_ids(raw.tables.get("networks")),
    )
    total = sum(len(t.rows) for t in raw.tables.values())
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and (done % 1000 == 0 or done == total):
            progress(done, total)

    if progress:
        progress(0, total)
    out: dict[str, list[Record]] = {}
    for name in TABLES:
        table = raw.tables.get(name)
        if table is None:
            continue
        check = TableCheck(table, ctx, problems)
        check.check_header()
        check.check_rows(tick)
        out[name] = check.records
    if problems.problems or problems.overflow:
        overflow = problems.overflow
        listed = _sort(problems.problems, raw)
        problems.problems, problems.overflow = listed, overflow
        raise BundleError(problems.result())
    return Bundle.of(out).sorted()


# Kinds whose values a record can still get wrong: references, and amounts.
_RECORD_CHECKS: dict[str, Callable[[Any, Context], bool]] = {
    "iso3": lambda v, ctx: v in reference.countries(),
    "article": lambda v, ctx: v in reference.articles(),
    "form": lambda v, ctx: v in reference.forms(),
    "provider": lambda v, ctx: v in ctx.known["provider"],
    "network": lambda v, ctx: v in ctx.known["network"],
    "language": lambda v, ctx: v in language_codes(),
    "number": lambda v, ctx: math.isfinite(v) and v >= 0,
    "percent": lambda v, ctx: 0 < v <= 100,
    "share": lambda v, ctx: v[0] in reference.countries() and 0 < v[1] <= 100,
    "basis": lambda v, ctx: v[0] in reference.articles() and _basis(f"{v[0]}:{v[1]}") == v,
    "region": lambda v, ctx: v in _region_ids(),
    "integer": lambda v, ctx: v >= 0,
    "language_level": lambda v, ctx: (
        v.partition(":")[0] in language_codes() and v.partition(":")[2] in LANGUAGE_LEVELS
    ),
}


def _region_ids() -> dict[str, Any]:
    from tacmap.graph.schema.regions import regions

    return regions()


def check_records(bundle: Bundle, existing: Bundle | None = None) -> Bundle:
    """Check records (built in code, or read against an older export) against ``existing``.

    Types are already guaranteed by the models, so this checks what they cannot: that every
    reference resolves (to the bundle, ``existing`` or reference data), amounts are not negative,
    no key appears twice and no project ends before it starts. Codes in the wrong case and
    unsorted lists are normalised. Problems carry no row (records have none); they raise
    :class:`BundleError`.
    """
    existing = existing or Bundle()
    ctx = Context(
        providers={p.id for p in existing.providers} | {p.id for p in bundle.providers},
        networks={n.id for n in existing.networks} | {n.id for n in bundle.networks},
    )
    problems = Collector()
    out: dict[str, list[Record]] = {}
    for table, records in bundle.tables().items():
        label = file_name(table)
        checked = [c for c in COLUMNS[table] if c.kind in _RECORD_CHECKS]
        counts: dict[tuple[Any, ...], int] = defaultdict(int)
        fixed: list[Record] = []
        for record in records:
            updates: dict[str, Any] = {}
            for column in checked:
                value = getattr(record, column.name)
                if isinstance(value, dict):
                    value = sorted(value.items())
                items = value if column.many else ([] if value is None else [value])
                normalised = []
                for item in items:
                    if _RECORD_CHECKS[column.kind](item, ctx):
                        normalised.append(item)
                        continue
                    try:
                        normalised.append(parse_item(column, item, ctx))
                    except Invalid as bad:
                        problems.add(label, None, column.name, bad.value, bad.message)
                new: Any = sorted(set(normalised)) if column.many else (normalised[0] if normalised else None)
                if new != value and (column.many or normalised):
                    updates[column.name] = dict(new) if column.kind in ("share", "basis") else new
            start, end = getattr(record, "start", None), getattr(record, "end", None)
            message = order_problem(start, end)
            if message:
                problems.add(label, None, "end", str(end), message)  # str(date) is its ISO form
            if table == "projects":
                for column_name, shown, text in project_problems(dict(record)):
                    problems.add(label, None, column_name, shown, text)
            fixed_record = record.model_copy(update=updates) if updates else record
            counts[tuple(getattr(fixed_record, c) for c in key_columns(table))] += 1
            fixed.append(fixed_record)
        for key, n in counts.items():
            if n > 1:
                columns = key_columns(table)
                problems.add(
                    label, None, columns[-1], str(key[-1]), duplicate_message(table, key, count_phrase(n))
                )
        out[table] = fixed
    if problems.problems or problems.overflow:
        raise BundleError(problems.result())
    return Bundle.of(out, bundle.reference_date).sorted()
