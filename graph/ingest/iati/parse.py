"""Reading IATI activity XML safely, quickly and leniently.

What the IATI tools hand out: 2.01-2.03 files with the version on the root or on each activity
(``version``, or ``iati-extra:version`` in Datastore downloads), 1.0x files (read directly, with
their words and letters translated to 2.03 codes in :mod:`~tacmap.graph.ingest.iati.codelists`), and
Datastore API answers that wrap an ``iati-activities`` element in ``<result>``; a file, a
folder (read recursively) or a ``.zip`` of them.

Safety: lxml ``iterparse`` with entities unresolved, no network and no DTD loading, and any
``<!DOCTYPE`` refused before parsing (each attack with its own message); sizes are checked
before a byte is parsed. One activity is in memory at a time.

Leniency: a file that is not IATI activity XML at all (a JSON error page, an HTML page, a
truncated download) is skipped and named in the report. An activity outside the selection is
read only as far as needed to decide that. Inside the selection, a value that cannot be read
but has a safe default (an empty date or amount, an unknown currency or code) becomes a warning
and the activity imports; in ``strict`` mode both refuse the whole import, as before.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree
from tacmap.graph.ingest.iati import codelists as cl
from tacmap.graph.ingest.iati.activity import (
    DAC_5_DIGIT,
    OECD_DAC_REGIONS,
    Activity,
    Budget,
    Money,
    Narratives,
    Org,
    Transaction,
)
from tacmap.graph.ingest.iati.codelists import XML_LANG, codelist
from tacmap.graph.ingest.iati.report import FileRead, Note
from tacmap.graph.ingest.iati.select import Selection
from tacmap.graph.ingest.problems import MB, BundleError, Problem, human_size

Element = Any  # lxml.etree._Element (not exported as a public type)
Progress = Callable[[int, int], None]

VERSIONS_2 = ("2.01", "2.02", "2.03")
VERSIONS_1 = ("1.0", "1.00", "1.01", "1.02", "1.03", "1.04", "1.05")
PROLOG_BYTES = 1 * MB  # a DOCTYPE must come before the root element; nothing real has a longer prolog


class IatiError(BundleError):
    """IATI input that cannot be imported at all (hostile, over a limit, or refused in strict
    mode); ``problems`` lists each. A :class:`BundleError`: 422 over HTTP, exit 2."""

    exit_code = 2


@dataclass(frozen=True)
class IatiLimits:
    """How much may be read, checked before parsing: per file, all files together, files in a
    folder or zip, and activities in all (a guard against a file of millions of tiny activities)."""

    max_file_bytes: int = 200 * MB
    max_total_bytes: int = 2000 * MB
    max_files: int = 5000
    max_activities: int = 1_000_000


DEFAULT_LIMITS = IatiLimits()


class _Refused(Exception):
    """The file is hostile or not IATI activity XML: stop reading it."""

    def __init__(self, kind: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.line = kind, message, line  # kind "hostile": refused for safety


# -- where the bytes come from --------------------------------------------------------------------


@dataclass
class Source:
    """One XML document to read: a file, or a member of a zip."""

    name: str
    size: int
    read: Callable[[], bytes]


def sources(path: Path, limits: IatiLimits = DEFAULT_LIMITS) -> tuple[list[Source], list[str]]:
    """The XML documents under ``path`` (a file, a folder read recursively, or a zip) and the
    names of files ignored (not .xml or .zip). Sizes are checked here, before anything is read;
    symbolic links and devices are never followed."""
    if path.is_symlink() or not path.exists():
        raise IatiError(
            [Problem(path.name or str(path), None, None, None, f"no such file or folder: {path}")]
        )
    ignored: list[str] = []
    if path.is_dir():
        files: list[Path] = []
        for p in sorted(path.rglob("*")):
            if p.is_symlink():
                ignored.append(f"{p.relative_to(path)} (a symbolic link: not followed)")
            elif p.is_file() and p.suffix.lower() in (".xml", ".zip"):
                files.append(p)
            elif p.is_file():
                ignored.append(str(p.relative_to(path)))
        base = path
    else:
        files, base = [path], path.parent
    out: list[Source] = []
    for p in files:
        name, size = str(p.relative_to(base)), p.stat().st_size
        if p.suffix.lower() == ".zip":
            if size > limits.max_file_bytes:
                raise IatiError([_too_large(name, size, limits.max_file_bytes)])
            out.extend(_zip_sources(name, p.read_bytes(), limits, size))
        else:
            out.append(Source(name, size, p.read_bytes))
    _check_sizes(out, limits)
    return out, ignored


def bytes_sources(data: bytes, filename: str, limits: IatiLimits = DEFAULT_LIMITS) -> list[Source]:
    """An uploaded file (XML or zip) as documents to read."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload.xml"
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        out = _zip_sources(name, data, limits, len(data))
    else:
        out = [Source(name, len(data), lambda: data)]
    _check_sizes(out, limits)
    return out


def _zip_sources(name: str, data: bytes, limits: IatiLimits, size: int) -> list[Source]:
    if size > limits.max_file_bytes:
        raise IatiError([_too_large(name, size, limits.max_file_bytes)])
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".xml")]
        members = [m for m in members if not PurePosixPath(m.filename).name.startswith("._")]
    except zipfile.BadZipFile:
        raise IatiError(
            [Problem(name, None, None, None, "not a readable zip file (damaged or truncated)")]
        ) from None
    if len(members) > limits.max_files:
        raise IatiError(
            [Problem(name, None, None, None, f"the zip holds more than {limits.max_files:,} .xml files")]
        )

    def reader(member: zipfile.ZipInfo) -> Callable[[], bytes]:
        def read() -> bytes:
            with archive.open(member) as handle:  # bounded: a member may lie about its size
                body = handle.read(member.file_size + 1)
            if len(body) > member.file_size:
                raise _Refused("hostile", "refused: the zip member is larger than the zip says it is")
            return body

        return read

    return [Source(f"{name}/{m.filename}", m.file_size, reader(m)) for m in members]


def _check_sizes(found: list[Source], limits: IatiLimits) -> None:
    problems = [
        _too_large(s.name, s.size, limits.max_file_bytes) for s in found if s.size > limits.max_file_bytes
    ]
    total = sum(s.size for s in found)
    if len(found) > limits.max_files:
        problems.append(
            Problem(
                "(files)",
                None,
                None,
                None,
                f"more than {limits.max_files:,} .xml files: import them in parts",
            )
        )
    if total > limits.max_total_bytes and not problems:
        problems.append(
            Problem(
                "(files)",
                None,
                None,
                None,
                f"refused: the files add up to {human_size(total)}, over the limit of "
                f"{human_size(limits.max_total_bytes)}; import them in parts",
            )
        )
    if problems:
        raise IatiError(problems)


def _too_large(name: str, size: int, limit: int) -> Problem:
    return Problem(
        name,
        None,
        None,
        None,
        f"refused: the file is {human_size(size)}, over the limit of {human_size(limit)}; split it (for example by "
        "recipient country) and import the parts",
    )


# -- safety and what the file is ------------------------------------------------------------------

_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s*(SYSTEM|PUBLIC)?\s*(\"[^\"]*\"|'[^']*')?", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s]+)\s+(SYSTEM|PUBLIC)?\s*(\"[^\"]*\"|'[^']*')?", re.IGNORECASE)


def _utf8_head(data: bytes) -> bytes:
    head = data[:PROLOG_BYTES]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(codec, errors="ignore").encode()
    return head.removeprefix(b"\xef\xbb\xbf")


def check_prolog(data: bytes) -> None:
    """Refuse a DTD before lxml sees the file (each attack named), and recognise files that are
    not XML at all; raises :class:`_Refused`."""
    head = _utf8_head(data)
    if not head.strip():
        raise _Refused("empty file", "the file is empty")
    pos = 0
    while m := _PROLOG_ITEM.match(head, pos):
        if m.end() == pos:
            break
        pos = m.end()
    rest = head[pos:].lstrip()
    if not rest.startswith(b"<"):
        start = rest[:1].decode(errors="replace")
        looks = " (it looks like JSON: an error answer from the download service?)" if start in "{[" else ""
        raise _Refused("not XML", f"not XML: the file starts with '{start}'{looks}")
    if rest[:9].upper() != b"<!DOCTYPE":
        return
    line = head[: len(head) - len(rest)].count(b"\n") + 1
    doctype = _DOCTYPE.match(rest)
    entity = _ENTITY.search(rest)
    if entity and entity.group(3):
        target = (entity.group(4) or b"").strip(b"\"'").decode(errors="replace")
        raise _Refused(
            "hostile",
            f"refused: the file declares an external entity '{entity.group(2).decode(errors='replace')}' pointing at "
            f"{target}; external entities could read local files or reach the network",
            line,
        )
    if entity:
        raise _Refused(
            "hostile",
            f"refused: the file declares an entity '{entity.group(2).decode(errors='replace')}'; entity declarations "
            "are refused because they can expand without limit (the 'billion laughs' attack)",
            line,
        )
    if doctype and doctype.group(1):
        target = (doctype.group(2) or b"").strip(b"\"'").decode(errors="replace")
        raise _Refused(
            "hostile",
            f"refused: the file refers to an external DTD ({target}): external references are refused; IATI files "
            "need no DTD — remove the <!DOCTYPE> line",
            line,
        )
    if rest[9:14].lstrip().lower().startswith(b"html"):
        raise _Refused("not IATI", "an HTML page, not IATI XML (the download returned a web page?)")
    raise _Refused(
        "hostile",
        "refused: the file declares a DTD (<!DOCTYPE ...>): DTDs are refused; IATI files need none — remove it",
        line,
    )


# -- reading one activity -------------------------------------------------------------------------


def _lang(value: str | None) -> str | None:
    """``EN``, ``en-GB`` -> ``en``: publishers write language codes in any case."""
    if not value:
        return None
    return value.strip().split("-")[0].split("_")[0].lower() or None


def _percent(raw: str | None) -> float | None:
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw.strip().rstrip("%"))
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None


class Reader:
    """Turns one ``iati-activity`` element into an :class:`Activity`, collecting warnings."""

    def __init__(self, file: str, file_lang: str | None, selection: Selection) -> None:
        self.file = file
        self.file_lang = _lang(file_lang)
        self.selection = selection
        self.warnings: list[Note] = []
        self.fatal: list[Note] = []  # values that strict mode refuses
        self.ident = ""
        self.lang: str | None = None
        self.v1 = False

    # the cheap part: is the activity in the selection?
    def reasons(self, el: Element) -> list[str]:
        sectors = [(self._sector_vocab(s), (s.get("code") or "").strip()) for s in el.iter("sector")]
        tags = [
            ((t.get("vocabulary") or "").strip(), (t.get("code") or "").strip()) for t in el.iterfind("tag")
        ]
        texts = [" ".join(x.itertext()) for x in el.iterfind("title")]
        texts += [" ".join(x.itertext()) for x in el.iterfind("description")]
        return self.selection.reasons(sectors, tags, texts)

    def warn(
        self, kind: str, el: Element | None, element: str, value: Any, message: str, strict: bool = True
    ) -> None:
        note = Note(
            kind,
            self.file,
            el.sourceline if el is not None else None,
            self.ident or None,
            element,
            None if value is None else str(value)[:200],
            message,
        )
        self.warnings.append(note)
        if strict:
            self.fatal.append(note)

    def narratives(self, el: Element | None) -> Narratives:
        """2.0x ``narrative`` children, or (1.0x) the element's own text."""
        if el is None:
            return []
        out: Narratives = []
        for n in el.iterfind("narrative"):
            text = " ".join((n.text or "").split())
            if text:
                out.append((_lang(n.get(XML_LANG)) or self.lang, text))
        if not out and el.text and el.text.strip():
            out.append((_lang(el.get(XML_LANG)) or self.lang, " ".join(el.text.split())))
        return out

    def date(self, el: Element, path: str, attr: str = "iso-date") -> date | None:
        raw = el.get(attr)
        if raw is None and self.v1:
            raw = el.text  # 1.0x allowed the date as text
        text = (raw or "").strip()
        if not text:
            self.warn("empty date", el, path, raw, f"<{path}> has no date: ignored", strict=False)
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?", text):
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                pass
        self.warn(
            "bad date",
            el,
            f"{path}/@{attr}",
            raw,
            f"'{raw}' is not a date (IATI dates are YYYY-MM-DD): ignored",
        )
        return None

    def money(
        self, el: Element | None, path: str, default_currency: str | None, fallback_date: datetime.date | None
    ) -> Money | None:
        if el is None:
            return None
        raw = (el.text or "").strip()
        if not raw:
            self.warn("empty value", el, path, None, f"<{path}> is empty: ignored", strict=False)
            return None
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", raw):
            self.warn(
                "bad amount",
                el,
                path,
                raw,
                f"'{raw}' is not an amount (digits with '.' for decimals, no separators): ignored",
            )
            return None
        code = (el.get("currency") or default_currency or "").strip().upper()
        if not code:
            self.warn(
                "no currency",
                el,
                f"{path}/@currency",
                None,
                "no currency and no default-currency on the activity: amount ignored",
            )
            return None
        if code not in codelist("Currency"):
            self.warn(
                "unknown currency",
                el,
                f"{path}/@currency",
                code,
                f"'{code}' is not in the IATI Currency codelist: amount ignored",
            )
            return None
        when_raw = (el.get("value-date") or "").strip()
        when = None
        if when_raw:
            try:
                when = date.fromisoformat(when_raw[:10])
            except ValueError:
                self.warn(
                    "bad date",
                    el,
                    f"{path}/@value-date",
                    when_raw,
                    f"value-date '{when_raw}' is not a date: the period's date is used",
                    strict=False,
                )
        when = when or fallback_date
        if when is None:
            self.warn(
                "no value date",
                el,
                f"{path}/@value-date",
                None,
                "no value-date and no other date for this amount: ignored",
                strict=False,
            )
            return None
        return Money(float(raw), code, when)

    def org(self, el: Element, activity_attr: str | None = None) -> Org:
        role = (el.get("role") or "").strip()
        kind = (el.get("type") or "").strip()
        if self.v1 or not role.isdigit():
            role = cl.ROLE_WORDS.get(role.lower(), role)
        if kind and not kind.isdigit():
            kind = cl.organisation_type_words().get(kind.casefold(), kind)
        return Org(
            ref=(el.get("ref") or "").strip() or None,
            type=kind or None,
            role=role or None,
            names=self.narratives(el),
            activity_id=((el.get(activity_attr) or "").strip() or None) if activity_attr else None,
        )

    def _sector_vocab(self, el: Element) -> str:
        vocab = (el.get("vocabulary") or "").strip()
        if not vocab:
            return DAC_5_DIGIT
        return cl.SECTOR_VOCABULARY_WORDS.get(vocab.upper(), vocab)

    def sectors(self, parent: Element) -> list[tuple[str, str, float | None]]:
        out = []
        for s in parent.iterfind("sector"):
            code = (s.get("code") or "").strip()
            if not code:
                self.warn(
                    "sector without code",
                    s,
                    "sector/@code",
                    None,
                    "a sector has no @code: ignored",
                    strict=False,
                )
                continue
            pct = s.get("percentage")
            if pct is not None and pct.strip() and _percent(pct) is None:
                self.warn(
                    "bad percentage",
                    s,
                    "sector/@percentage",
                    pct,
                    f"'{pct}' is not a percentage: ignored",
                    strict=False,
                )
            out.append((self._sector_vocab(s), code, _percent(pct)))
        return out

    def activity(self, el: Element, version: str, reasons: list[str]) -> Activity | None:
        """The activity, or None when it cannot be represented (its reason is in ``fatal``)."""
        self.ident = (el.findtext("iati-identifier") or "").strip()
        self.lang = _lang(el.get(XML_LANG)) or self.file_lang
        self.v1 = version.startswith("1")
        if not self.ident:
            self.warn(
                "no identifier",
                el,
                "iati-identifier",
                None,
                "no iati-identifier: the activity cannot be recorded",
            )
            return None
        reporting_el = el.find("reporting-org")
        reporting = self.org(reporting_el) if reporting_el is not None else Org(None, None, None, [])
        default_currency = (el.get("default-currency") or "").strip().upper() or None

        dates: dict[str, date] = {}
        for d in el.iterfind("activity-date"):
            kind = (d.get("type") or "").strip()
            kind = cl.DATE_WORDS.get(kind.lower(), kind)
            value = self.date(d, "activity-date")
            if value is not None and kind in ("1", "2", "3", "4"):
                dates[kind] = value
        first_day = dates.get("2") or dates.get("1")

        budgets = []
        for b in el.iterfind("budget"):
            start_el, end_el = b.find("period-start"), b.find("period-end")
            start = self.date(start_el, "budget/period-start") if start_el is not None else None
            end = self.date(end_el, "budget/period-end") if end_el is not None else None
            amount = self.money(b.find("value"), "budget/value", default_currency, start)
            if start and end and amount is not None:
                kind = (b.get("type") or "1").strip()
                budgets.append(Budget(cl.BUDGET_WORDS.get(kind.lower(), kind), start, end, amount))

        transactions = []
        for t in el.iterfind("transaction"):
            kind_el = t.find("transaction-type")
            kind = (kind_el.get("code") or "").strip() if kind_el is not None else None
            if kind and not kind.isdigit():
                kind = cl.TRANSACTION_LETTERS.get(kind.upper(), kind)
            when_el = t.find("transaction-date")
            when = self.date(when_el, "transaction/transaction-date") if when_el is not None else None
            provider, receiver = t.find("provider-org"), t.find("receiver-org")
            transactions.append(
                Transaction(
                    type=kind,
                    value=self.money(
                        t.find("value"), "transaction/value", default_currency, when or first_day
                    ),
                    provider=self.org(provider, "provider-activity-id") if provider is not None else None,
                    receiver=self.org(receiver, "receiver-activity-id") if receiver is not None else None,
                    sectors=self.sectors(t),
                )
            )

        countries: list[tuple[str, float | None]] = []
        for c in el.iterfind("recipient-country"):
            code = (c.get("code") or "").strip().upper()
            if not code:
                self.warn(
                    "country without code",
                    c,
                    "recipient-country/@code",
                    None,
                    "a recipient-country has no @code: ignored",
                    strict=False,
                )
                continue
            countries.append((code, _percent(c.get("percentage"))))
        regions = []
        for r in el.iterfind("recipient-region"):
            code = (r.get("code") or "").strip()
            if code:
                regions.append(
                    ((r.get("vocabulary") or OECD_DAC_REGIONS).strip(), code, _percent(r.get("percentage")))
                )

        status_el = el.find("activity-status")
        policy_markers = []
        for p in el.iterfind("policy-marker"):
            vocab = (p.get("vocabulary") or "1").strip()
            policy_markers.append(
                (
                    cl.POLICY_VOCABULARY_WORDS.get(vocab.upper(), vocab),
                    (p.get("code") or "").strip(),
                    " ".join(x for _, x in self.narratives(p)),
                )
            )
        return Activity(
            id=self.ident,
            file=self.file,
            line=el.sourceline,
            version=version,
            lang=self.lang,
            default_currency=default_currency,
            last_updated=el.get("last-updated-datetime"),
            reporting_org=reporting,
            secondary_reporter=reporting_el is not None
            and reporting_el.get("secondary-reporter") in ("1", "true"),
            titles=self.narratives(el.find("title")),
            descriptions=[n for d in el.iterfind("description") for n in self.narratives(d)],
            orgs=[self.org(o, "activity-id") for o in el.iterfind("participating-org")],
            status=(status_el.get("code") or "").strip() if status_el is not None else None,
            dates=dates,
            countries=countries,
            regions=regions,
            sectors=self.sectors(el),
            tags=[
                (
                    (t.get("vocabulary") or "").strip(),
                    (t.get("code") or "").strip(),
                    " ".join(x for _, x in self.narratives(t)),
                )
                for t in el.iterfind("tag")
            ],
            policy_markers=policy_markers,
            budgets=budgets,
            transactions=transactions,
            related=[
                ((r.get("type") or "").strip(), (r.get("ref") or "").strip())
                for r in el.iterfind("related-activity")
            ],
            selected_by=reasons,
        )


# -- reading one document -------------------------------------------------------------------------


def _activity_version(el: Element, parent_version: str | None) -> str | None:
    for name, value in el.attrib.items():
        if name == "version" or name.endswith("}version"):
            return value.strip() or None
    return parent_version


def _infer_version(el: Element) -> str:
    """No version anywhere: 2.0x wraps texts in ``narrative`` elements, 1.0x does not."""
    return "2.0x" if el.find(".//narrative") is not None else "1.0x"


@dataclass
class FileResult:
    read: FileRead
    activities: list[Activity] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    fatal: list[Note] = field(default_factory=list)


def read_document(source: Source, selection: Selection, count: list[int], limits: IatiLimits) -> FileResult:
    """Every selected activity of one document; a document that cannot be read is reported in
    ``read.skipped`` (of kind ``hostile`` when it was refused for safety)."""
    result = FileResult(FileRead(source.name, source.size))
    try:
        data = source.read()
        check_prolog(data)
        _parse(data, source.name, selection, count, limits, result)
    except _Refused as refused:
        result.read.skipped = Note(refused.kind, source.name, refused.line, None, None, None, refused.message)
        result.activities = []
    return result


def _broken(exc: etree.XMLSyntaxError, data: bytes, activity: Element | None, complete: int) -> _Refused:
    """Where a file stops being XML: line, column, the activity and the element being read."""
    line, column = exc.position if exc.position else (exc.lineno, None)
    reason = (exc.msg or str(exc)).split(", line")[0]
    if line is not None and line >= data.rstrip().count(b"\n") + 1 or "Premature end" in reason:
        reason = f"the file ends too early (a truncated download?): {reason}"
    where = ""
    if activity is not None:
        path, el = [], activity
        while len(el):
            el = el[-1]
            path.append(el.tag)
        ident = (activity.findtext("iati-identifier") or "").strip() or f"#{complete + 1}"
        where = f" (in activity {ident}, element {'/'.join(path) or 'iati-activity'})"
    return _Refused(
        "not well-formed",
        f"not well-formed XML at line {line}, column {column}{where}: {reason}; none of its "
        f"{complete:,} complete activities were imported",
        line,
    )


def _parse(
    data: bytes, name: str, selection: Selection, count: list[int], limits: IatiLimits, result: FileResult
) -> None:
    events = etree.iterparse(
        BytesIO(data),
        events=("start", "end"),  # start events only so that a broken file's partial tree can be read
        tag=("iati-activity", "iati-organisations"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    opened: list[Element] = []  # the activity being read, for the message if the file breaks off
    try:
        _read_events(events, name, selection, count, limits, result, opened)
    except etree.XMLSyntaxError as exc:
        raise _broken(exc, data, opened[-1] if opened else None, result.read.activities) from None


def _read_events(
    events: Any,
    name: str,
    selection: Selection,
    count: list[int],
    limits: IatiLimits,
    result: FileResult,
    opened: list[Element],
) -> None:
    reader: Reader | None = None
    seen_versions: dict[str, None] = {}
    for event, el in events:
        if event == "start":
            opened[:] = [el]
            continue
        if el.tag == "iati-organisations":
            raise _Refused("not IATI activities", "an IATI organisation file, not an activity file")
        parent = el.getparent()
        if parent is None or parent.tag != "iati-activities":
            continue
        reader = reader or Reader(name, parent.get(XML_LANG), selection)
        result.read.activities += 1
        count[0] += 1
        if count[0] > limits.max_activities:
            raise IatiError(
                [
                    Problem(
                        name,
                        el.sourceline,
                        None,
                        None,
                        f"more than {limits.max_activities:,} activities in all: import the files in parts",
                    )
                ]
            )
        version = _activity_version(el, (parent.get("version") or "").strip() or None) or _infer_version(el)
        if version not in VERSIONS_2 + VERSIONS_1 + ("2.0x", "1.0x"):
            reader.ident = (el.findtext("iati-identifier") or "").strip()
            reader.warn(
                "unknown version",
                el,
                "iati-activity/@version",
                version,
                f"IATI version '{version}' is not known: read as 2.03",
            )
            version = "2.0x"
        seen_versions[version] = None
        reasons = reader.reasons(el)
        if reasons:
            result.read.selected += 1
            activity = reader.activity(el, version, reasons)
            if activity is not None:
                result.activities.append(activity)
        el.clear()
        while el.getprevious() is not None:
            del parent[0]
    if reader is None:
        root = events.root
        tag = root.tag if root is not None else "?"
        if tag == "iati-activities":
            raise _Refused("no activities", "an IATI activity file with no activity in it")
        if str(tag).lower() == "html":
            raise _Refused("not IATI", "an HTML page, not IATI XML (the download returned a web page?)")
        raise _Refused(
            "not IATI", f"the root element is <{tag}>, not <iati-activities>: not an IATI activity file"
        )
    result.read.versions = list(seen_versions)
    result.warnings, result.fatal = reader.warnings, reader.fatal
