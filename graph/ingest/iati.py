"""IATI activity files -> a checked :class:`Bundle` -> the store, without counting money twice.

Donors publish their projects as IATI activity XML (versions 2.01-2.03). This module reads such
files (or a folder of them), keeps the activities in the chosen DAC sectors (default 15113,
"Anti-corruption organisations and institutions"), merges the activities that describe the same
work (a funder's activity and the implementer's activity of it), and imports the result through
:func:`~graph.ingest.load.import_bundle`, so validation and the one-transaction write are the
same as for a bundle. The mapping, element by element, is in ``iati_mapping.md`` next to this
file.

Safety: files are parsed with defusedxml's expat parser. A DTD, any entity declaration (the
"billion laughs" expansion) and any external reference (an entity or DTD pointing at a file or a
URL) are refused with their own message; sizes are checked before a byte is parsed; a file that is
not well-formed, or whose values cannot be read (a date that is not a date, an amount that is not
a number, an unknown currency), is refused with the activity and element at fault, and then
nothing is imported at all (as with a bundle: everything is checked, then one transaction).

Codelists (Sector, OrganisationType, ActivityStatus, Country, Region, ...) are IATI's own XML
files, copied unchanged from pyIATI 0.4.1 (``iati/resources/standard/2-03/codelists/``) into
``graph/schema/data/iati/``; see ``graph/schema/data/README.md`` for why they are not read from
the installed package.

Public API::

    import_iati(store, path, *, sectors=("15113",), since=None, dry_run=False, rates=None) -> IatiReport
    import_iati_bytes(store, data, filename, *, sectors=..., since=None, dry_run=False, rates=None)
    read_iati(path) / read_iati_bytes(data, filename) -> list[Activity]     # parse only
    iati_bundle(activities, existing, options) -> tuple[Bundle, IatiReport]  # map only
    read_rates(path) / parse_rates(data, filename) -> dict[str, float]      # --rates FILE
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml.common import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from graph.ingest.load import ImportSummary, import_bundle
from graph.ingest.problems import MB, BundleError, Problem, human_size
from graph.schema.models import Bundle, Project, ProjectStatus, Provider, ProviderKind
from graph.schema.reference import articles as uncac_articles
from graph.schema.reference import iso2_to_iso3
from graph.store.base import Store, StoreError

Progress = Callable[[int, int], None]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
VERSIONS = ("2.01", "2.02", "2.03")
DEFAULT_SECTORS: tuple[str, ...] = ("15113",)
DAC_5_DIGIT = "1"  # SectorVocabulary: OECD DAC CRS purpose codes (5 digit), the default vocabulary
OECD_DAC_REGIONS = "1"  # RegionVocabulary: OECD DAC regions, the default vocabulary
CHUNK = 64 * 1024
MAX_PROBLEMS = 1000  # listed per file; the rest are counted


# -- errors and limits --------------------------------------------------------------------------


class IatiError(BundleError):
    """IATI files that cannot be imported; ``problems`` lists each (file, line, element, message).

    A :class:`BundleError`: the API answers 422 with the problems; the command line prints them
    and exits with status 2."""

    exit_code = 2


@dataclass(frozen=True)
class IatiLimits:
    """How much may be read, checked before parsing: per file, all files together, files in a
    folder, and activities in all (a guard against a file of millions of tiny activities)."""

    max_file_bytes: int = 100 * MB
    max_total_bytes: int = 500 * MB
    max_files: int = 1000
    max_activities: int = 200_000


DEFAULT_LIMITS = IatiLimits()


# -- codelists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    """One item of an IATI codelist."""

    code: str
    name: str
    category: str | None = None
    withdrawn: bool = False


def codelist_dir() -> Path:
    """Where the IATI codelist XML files are read from: ``TACMAP_IATI_CODELISTS`` when set (a
    folder of newer IATI codelists, same file names), else the copy shipped with tacmap."""
    override = os.environ.get("TACMAP_IATI_CODELISTS")
    if override:
        return Path(override)
    return Path(str(files("graph.schema").joinpath("data", "iati")))


@cache
def codelist(name: str) -> dict[str, Code]:
    """Code -> :class:`Code` for one IATI codelist (``"Sector"``, ``"OrganisationType"``, ...)."""
    path = codelist_dir() / f"{name}.xml"
    parser = DefusedXMLParser(target=TreeBuilder(), forbid_dtd=True)
    parser.feed(path.read_bytes())
    root = parser.close()
    out: dict[str, Code] = {}
    for item in root.iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        label = item.find("name/narrative")
        out[code] = Code(
            code=code,
            name=(label.text or "").strip() if label is not None else code,
            category=(item.findtext("category") or "").strip() or None,
            withdrawn=item.get("status") == "withdrawn",
        )
    return out


# -- mapping tables -------------------------------------------------------------------------------

# ActivityStatus code -> ProjectStatus (all six codes of the codelist; iati_mapping.md says why).
STATUS: dict[str, ProjectStatus] = {
    "1": ProjectStatus.planned,  # Pipeline/identification
    "2": ProjectStatus.ongoing,  # Implementation
    "3": ProjectStatus.completed,  # Completion (physical work done or final disbursement made)
    "4": ProjectStatus.completed,  # Post-completion (only audits and evaluations left)
    "5": ProjectStatus.cancelled,  # Cancelled
    "6": ProjectStatus.ongoing,  # Suspended: still committed, may resume; flagged in the report
}

# OrganisationType code -> ProviderKind (government types are refined in provider_kind()).
ORG_KIND: dict[str, ProviderKind] = {
    "10": ProviderKind.bilateral,  # Government
    "11": ProviderKind.bilateral,  # Local Government
    "15": ProviderKind.bilateral,  # Other Public Sector
    "21": ProviderKind.ngo,  # International NGO
    "22": ProviderKind.ngo,  # National NGO
    "23": ProviderKind.ngo,  # Regional NGO
    "24": ProviderKind.ngo,  # Partner Country based NGO
    "30": ProviderKind.other,  # Public Private Partnership
    "40": ProviderKind.multilateral,  # Multilateral (un_entity for UN channel codes 41xxx)
    "60": ProviderKind.ngo,  # Foundation (non-profit; the model has no foundation kind)
    "70": ProviderKind.private,  # Private Sector
    "71": ProviderKind.private,  # Private Sector in Provider Country
    "72": ProviderKind.private,  # Private Sector in Aid Recipient Country
    "73": ProviderKind.private,  # Private Sector in Third Country
    "80": ProviderKind.other,  # Academic, Training and Research
    "90": ProviderKind.other,  # Other
}
GOVERNMENT_TYPES = frozenset({"10", "11", "15"})
UN_CHANNEL = re.compile(r"^(?:XM-DAC-)?41\d{3}$")  # OECD DAC channel codes 41xxx: UN agencies

# DAC sector -> default articles, used only when neither a tag nor a keyword names an article.
SECTOR_ARTICLES: dict[str, tuple[int, ...]] = {
    "15113": (6, 36),  # Anti-corruption organisations and institutions -> arts. 6 and 36
    "15110": (7,),  # Public sector policy and administrative management -> public sector
    "15111": (9,),  # Public finance management -> management of public finances
    "15117": (9,),  # Budget planning -> management of public finances
    "15118": (9,),  # National audit -> accounting and auditing (art. 9.2)
    "15125": (9,),  # Central procurement -> public procurement
    "15130": (11,),  # Legal and judicial development -> judiciary and prosecution services
    "15134": (11,),  # Judicial affairs -> judiciary and prosecution services
    "15150": (13,),  # Democratic participation and civil society -> participation of society
    "15153": (10, 13),  # Media and free flow of information -> public reporting, participation of society
}

# Roles of participating-org (OrganisationRole codelist).
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
# Transaction types whose provider-org funded the activity: incoming funds, incoming commitment.
INCOMING = frozenset({"1", "11"})
# related-activity types that mean "the same work": parent, child, co-funded, third party.
# Sibling (3) is another piece of work under the same parent, not the same work.
RELATED_UP, RELATED_DOWN = "1", "2"
RELATED_SAME = frozenset({"4", "5"})

# Explicit article references: a tag code "UNCAC-9", text "UNCAC article 9", "article 9 of UNCAC".
_ACRONYM = r"(?:uncac|cnucc)"
_ARTICLE_WORD = r"(?:articles?|arts?\.?|articulos?|artigos?)"
_EXPLICIT = (
    re.compile(rf"\b{_ACRONYM}\W{{0,3}}(?:{_ARTICLE_WORD}\W{{0,2}})?(\d{{1,2}})\b"),
    re.compile(
        rf"\b{_ARTICLE_WORD}\W{{0,2}}(\d{{1,2}})\W{{1,3}}(?:(?:of|de|du|da|del)\W+)?(?:(?:the|la|a)\W+)?{_ACRONYM}\b"
    ),
)


def fold(text: str) -> str:
    """Comparison form of a phrase: case, accents, apostrophe style, dashes and spacing ignored."""
    bare = text.casefold().replace("\u2019", "'")
    if not bare.isascii():
        decomposed = unicodedata.normalize("NFKD", bare)
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("-", " ").replace("_", " ").split())


@dataclass(frozen=True)
class Keyword:
    keyword: str
    language: str
    articles: tuple[int, ...]
    body: str  # the regular expression of the folded keyword, without word boundaries
    pattern: re.Pattern[str]


@cache
def keywords() -> tuple[Keyword, ...]:
    """The keyword -> articles table (``graph/schema/data/iati_keywords.csv``), longest first.

    A ``*`` ends a word with any ending ("whistleblow*" matches whistleblower, whistleblowing).
    Keywords and text are compared in :func:`fold` form, as whole words."""
    text = files("graph.schema").joinpath("data", "iati_keywords.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        folded = fold(row["keyword"])
        body = r"\w*".join(re.escape(part) for part in folded.split("*"))
        out.append(
            Keyword(
                keyword=row["keyword"],
                language=row["language"],
                articles=tuple(int(a) for a in row["articles"].split(";")),
                body=body,
                pattern=re.compile(rf"(?<!\w){body}(?!\w)"),
            )
        )
    return tuple(sorted(out, key=lambda k: -len(k.keyword)))


@cache
def _keyword_regex() -> re.Pattern[str]:
    """All keywords in one alternation, longest first, so that at each position the longest
    keyword wins and its words are not matched again by a shorter one ("foreign bribery")."""
    parts = [f"(?P<k{i}>{kw.body})" for i, kw in enumerate(keywords())]
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)")


# -- parsed activities ----------------------------------------------------------------------------


@dataclass
class Org:
    """A participating-org, reporting-org, or a transaction's provider/receiver org."""

    ref: str | None
    type: str | None
    role: str | None
    names: list[tuple[str | None, str]]
    activity_id: str | None = None

    def name(self) -> str | None:
        return preferred(self.names)


@dataclass
class Budget:
    type: str
    start: date
    end: date
    value: float
    currency: str


@dataclass
class Transaction:
    type: str | None
    provider: Org | None
    receiver: Org | None
    sectors: list[tuple[str, str]]  # (vocabulary, code)


@dataclass
class Activity:
    """What tacmap reads of one iati-activity; the rest of the element is not kept."""

    id: str
    file: str
    line: int | None
    lang: str | None
    default_currency: str | None
    last_updated: str | None
    reporting_org: Org
    secondary_reporter: bool
    titles: list[tuple[str | None, str]]
    descriptions: list[tuple[str | None, str]]
    orgs: list[Org]
    status: str | None
    dates: dict[str, date]
    countries: list[str]  # ISO 3166-1 alpha-2 as written
    regions: list[tuple[str, str]]  # (vocabulary, code)
    sectors: list[tuple[str, str]]  # (vocabulary, code), activity level
    tags: list[tuple[str, str, str]]  # (vocabulary, code, text)
    policy_markers: list[tuple[str, str, str]]  # (vocabulary, code, text)
    budgets: list[Budget]
    transactions: list[Transaction]
    related: list[tuple[str, str]]  # (type, ref)

    def all_sectors(self) -> set[tuple[str, str]]:
        """Activity-level sectors, or (when the publisher reports them per transaction) the
        transactions' sectors."""
        found = set(self.sectors)
        for t in self.transactions:
            found.update(t.sectors)
        return found

    def dac_sectors(self) -> set[str]:
        return {code for vocab, code in self.all_sectors() if vocab == DAC_5_DIGIT}


def preferred(narratives: list[tuple[str | None, str]]) -> str | None:
    """The English narrative if there is one, else the first (in whatever language it is)."""
    for lang, text in narratives:
        if lang == "en":
            return text
    return narratives[0][1] if narratives else None


# -- safe parsing ---------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised from inside the parser's handlers: the file is hostile, stop at once."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class _SafeParser(DefusedXMLParser):
    """defusedxml's parser with every safeguard on, and a message of its own for each refusal.

    The DTD check is moved from the start of the DTD to its end, so that an entity declared in
    it is reported as the attack it is (entity expansion, or an external entity and where it
    points) rather than only as "a DTD"."""

    def __init__(self, target: _Target) -> None:
        super().__init__(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        expat = self.parser
        expat.StartDoctypeDeclHandler = self._start_doctype
        expat.EndDoctypeDeclHandler = self._end_doctype
        target.expat = expat

    def _start_doctype(
        self, name: str, sysid: str | None, pubid: str | None, has_internal_subset: int
    ) -> None:
        if sysid or pubid:
            raise _Refused(
                f"the file refers to an external DTD ({sysid or pubid}): external references are refused; "
                "IATI files need no DTD — remove the <!DOCTYPE> line"
            )
        if not has_internal_subset:
            raise _Refused(self._dtd_message())

    def _end_doctype(self) -> None:
        raise _Refused(self._dtd_message())

    @staticmethod
    def _dtd_message() -> str:
        return "the file declares a DTD (<!DOCTYPE ...>): DTDs are refused; IATI files need none — remove it"


class _Target:
    """Builds the tree like TreeBuilder, remembers each element's line and the open elements (for
    error messages), and hands every finished iati-activity to ``on_activity``, then drops it
    from the tree so memory stays flat on large files."""

    def __init__(
        self, on_root: Callable[[Element], None], on_activity: Callable[[Element, dict[int, int]], None]
    ) -> None:
        self.builder = TreeBuilder()
        self.on_root = on_root
        self.expat: Any = None
        self.lines: dict[int, int] = {}
        self.stack: list[str] = []
        self.root: Element | None = None
        self.current_id: str | None = None
        self.activities = 0
        self.on_activity = on_activity

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        elem = self.builder.start(tag, attrs)
        if self.root is None:
            self.root = elem
            self.on_root(elem)
        self.lines[id(elem)] = self.expat.CurrentLineNumber if self.expat else 0
        self.stack.append(tag)
        if tag == "iati-activity" and len(self.stack) == 2:
            self.current_id = None
            self.activities += 1
        return elem

    def end(self, tag: str) -> Element:
        elem = self.builder.end(tag)
        self.stack.pop()
        if tag == "iati-identifier" and len(self.stack) == 2:
            self.current_id = (elem.text or "").strip() or None
        if tag == "iati-activity" and len(self.stack) == 1:
            self.on_activity(elem, self.lines)
            if self.root is not None:
                self.root.remove(elem)
            self.lines = {id(self.root): self.lines.get(id(self.root), 1)}
        return elem

    def data(self, text: str) -> None:
        self.builder.data(text)

    def close(self) -> Element:
        return self.builder.close()


def _where(stack: list[str]) -> str:
    inner = stack[2:] if len(stack) > 2 else []
    return "/".join(inner) or (stack[-1] if stack else "the start of the file")


def _problem(file: str, line: int | None, element: str | None, value: Any, message: str) -> Problem:
    return Problem(file, line, element, None if value is None else str(value), message)


class _Reader:
    """Turns one iati-activity element into an :class:`Activity`, collecting value problems."""

    def __init__(self, file: str, file_lang: str | None) -> None:
        self.file = file
        self.file_lang = file_lang
        self.problems: list[Problem] = []
        self.count = 0  # every problem, listed or not
        self.lines: dict[int, int] = {}
        self.activity_label = ""
        self.activity_lang: str | None = None

    def bad(self, elem: Element, path: str, value: Any, message: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(
                _problem(
                    self.file, self.lines.get(id(elem)), path, value, f"{self.activity_label}: {message}"
                )
            )

    def narratives(self, elem: Element | None) -> list[tuple[str | None, str]]:
        if elem is None:
            return []
        out = []
        for n in elem.findall("narrative"):
            text = " ".join((n.text or "").split())
            if text:
                out.append((n.get(XML_LANG) or self.activity_lang, text))
        return out

    def date(self, elem: Element, path: str, attr: str = "iso-date") -> date | None:
        raw = elem.get(attr)
        if raw is None:
            self.bad(elem, f"{path}/@{attr}", None, f"{path} has no @{attr}")
            return None
        text = raw.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[0-9:.]+)?(Z|[+-]\d{2}:\d{2})?", text):
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                pass
        self.bad(elem, f"{path}/@{attr}", raw, f"'{raw}' is not a date (IATI dates are YYYY-MM-DD)")
        return None

    def number(self, elem: Element, path: str) -> float | None:
        raw = (elem.text or "").strip()
        if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
            return float(raw)
        self.bad(
            elem, path, raw, f"'{raw}' is not an amount (write digits with a '.' for decimals, no separators)"
        )
        return None

    def currency(self, elem: Element, path: str, default: str | None) -> str | None:
        code = (elem.get("currency") or default or "").strip().upper()
        if not code:
            self.bad(
                elem,
                f"{path}/@currency",
                None,
                "no currency: give value/@currency or iati-activity/@default-currency",
            )
            return None
        if code not in codelist("Currency"):
            self.bad(
                elem, f"{path}/@currency", code, f"'{code}' is not a currency of the IATI Currency codelist"
            )
            return None
        return code

    def org(self, elem: Element, activity_attr: str | None = None) -> Org:
        return Org(
            ref=(elem.get("ref") or "").strip() or None,
            type=(elem.get("type") or "").strip() or None,
            role=(elem.get("role") or "").strip() or None,
            names=self.narratives(elem),
            activity_id=((elem.get(activity_attr) or "").strip() or None) if activity_attr else None,
        )

    def activity(self, elem: Element, lines: dict[int, int], index: int) -> Activity | None:
        self.lines = lines
        ident = (elem.findtext("iati-identifier") or "").strip()
        self.activity_label = f"activity {ident}" if ident else f"activity #{index} (no iati-identifier)"
        self.activity_lang = elem.get(XML_LANG) or self.file_lang
        before = self.count
        if ";" in ident:
            self.bad(
                elem, "iati-identifier", ident, "an iati-identifier with ';' cannot be a tacmap project id"
            )
        if not ident:
            self.bad(
                elem, "iati-identifier", None, "iati-identifier is missing or empty: every activity needs one"
            )
        reporting = elem.find("reporting-org")
        if reporting is None:
            self.bad(elem, "reporting-org", None, "reporting-org is missing")
            reporting_org = Org(None, None, None, [])
        else:
            reporting_org = self.org(reporting)
        default_currency = (elem.get("default-currency") or "").strip().upper() or None

        dates: dict[str, date] = {}
        for d in elem.findall("activity-date"):
            kind = (d.get("type") or "").strip()
            value = self.date(d, "activity-date")
            if value is not None and kind in ("1", "2", "3", "4"):
                dates[kind] = value

        budgets = []
        for b in elem.findall("budget"):
            start_el, end_el, value_el = b.find("period-start"), b.find("period-end"), b.find("value")
            if start_el is None or end_el is None or value_el is None:
                self.bad(b, "budget", None, "a budget needs period-start, period-end and value")
                continue
            start = self.date(start_el, "budget/period-start")
            end = self.date(end_el, "budget/period-end")
            amount = self.number(value_el, "budget/value")
            currency = self.currency(value_el, "budget/value", default_currency)
            if start and end and amount is not None and currency:
                budgets.append(Budget((b.get("type") or "1").strip(), start, end, amount, currency))

        transactions = []
        for t in elem.findall("transaction"):
            kind = t.find("transaction-type")
            value_el = t.find("value")
            if value_el is not None:
                self.number(value_el, "transaction/value")
                self.currency(value_el, "transaction/value", default_currency)
            provider, receiver = t.find("provider-org"), t.find("receiver-org")
            transactions.append(
                Transaction(
                    type=(kind.get("code") or "").strip() if kind is not None else None,
                    provider=self.org(provider, "provider-activity-id") if provider is not None else None,
                    receiver=self.org(receiver, "receiver-activity-id") if receiver is not None else None,
                    sectors=[
                        ((s.get("vocabulary") or DAC_5_DIGIT).strip(), (s.get("code") or "").strip())
                        for s in t.findall("sector")
                    ],
                )
            )

        countries = []
        for c in elem.findall("recipient-country"):
            code = (c.get("code") or "").strip()
            if not code:
                self.bad(c, "recipient-country/@code", None, "recipient-country has no @code")
            else:
                countries.append(code.upper())
        for path, el in [("recipient-country", c) for c in elem.findall("recipient-country")] + [
            ("sector", s) for s in elem.findall("sector")
        ]:
            pct = el.get("percentage")
            if pct is not None and not re.fullmatch(r"\s*(\d+(\.\d*)?|\.\d+)\s*", pct):
                self.bad(el, f"{path}/@percentage", pct, f"'{pct}' is not a percentage")

        status_el = elem.find("activity-status")
        if self.count > before:
            return None
        return Activity(
            id=ident,
            file=self.file,
            line=lines.get(id(elem)),
            lang=self.activity_lang,
            default_currency=default_currency,
            last_updated=elem.get("last-updated-datetime"),
            reporting_org=reporting_org,
            secondary_reporter=reporting is not None and reporting.get("secondary-reporter") in ("1", "true"),
            titles=self.narratives(elem.find("title")),
            descriptions=[n for d in elem.findall("description") for n in self.narratives(d)],
            orgs=[self.org(o, "activity-id") for o in elem.findall("participating-org")],
            status=(status_el.get("code") or "").strip() if status_el is not None else None,
            dates=dates,
            countries=countries,
            regions=[
                ((r.get("vocabulary") or OECD_DAC_REGIONS).strip(), (r.get("code") or "").strip())
                for r in elem.findall("recipient-region")
            ],
            sectors=[
                ((s.get("vocabulary") or DAC_5_DIGIT).strip(), (s.get("code") or "").strip())
                for s in elem.findall("sector")
            ],
            tags=[
                (
                    (t.get("vocabulary") or "").strip(),
                    (t.get("code") or "").strip(),
                    " ".join(x for _, x in self.narratives(t)),
                )
                for t in elem.findall("tag")
            ],
            policy_markers=[
                (
                    (p.get("vocabulary") or "1").strip(),
                    (p.get("code") or "").strip(),
                    " ".join(x for _, x in self.narratives(p)),
                )
                for p in elem.findall("policy-marker")
            ],
            budgets=budgets,
            transactions=transactions,
            related=[
                ((r.get("type") or "").strip(), (r.get("ref") or "").strip())
                for r in elem.findall("related-activity")
            ],
        )


def _parse_file(
    data: bytes, filename: str, limits: IatiLimits, count: list[int]
) -> tuple[list[Activity], list[Problem]]:
    """Every activity of one file, or the problems that make the file unreadable."""
    activities: list[Activity] = []
    state: dict[str, Any] = {"reader": None}

    def on_root(root: Element) -> None:
        if root.tag != "iati-activities":
            hint = " (an organisation file, not an activity file)" if root.tag == "iati-organisations" else ""
            raise _Refused(
                f"the root element is <{root.tag}>, not <iati-activities>{hint}: this is not an IATI activity file"
            )
        version = (root.get("version") or "").strip()
        if version not in VERSIONS:
            raise _Refused(
                f"IATI version '{version or '(none)'}' is not read: tacmap reads versions {', '.join(VERSIONS)}"
                + (" (convert version 1 files to 2.0x first)" if version.startswith("1") else "")
            )
        state["reader"] = _Reader(filename, root.get(XML_LANG))

    def on_activity(elem: Element, lines: dict[int, int]) -> None:
        reader: _Reader = state["reader"]
        count[0] += 1
        if count[0] > limits.max_activities:
            raise _Refused(
                f"more than {limits.max_activities:,} activities in all: split the files and import them in parts"
            )
        found = reader.activity(elem, lines, target.activities)
        if found is not None:
            activities.append(found)

    target = _Target(on_root, on_activity)
    parser = _SafeParser(target)

    def where() -> str:
        if len(target.stack) < 2:
            return f" (in <{target.stack[0]}>)" if target.stack else ""
        activity = f"activity {target.current_id}" if target.current_id else f"activity #{target.activities}"
        return f" (in {activity}, element {_where(target.stack)})"

    try:
        view = memoryview(data)
        for offset in range(0, len(data), CHUNK):
            parser.feed(bytes(view[offset : offset + CHUNK]))
        parser.close()
    except _Refused as refused:
        return [], [_problem(filename, _line(parser), None, None, f"refused: {refused.message}")]
    except EntitiesForbidden as exc:
        if exc.sysid or exc.pubid:
            message = (
                f"refused: the file declares an external entity '{exc.name}' pointing at {exc.sysid or exc.pubid}; "
                "external entities could read local files or reach the network"
            )
        else:
            message = (
                f"refused: the file declares an entity '{exc.name}'; entity declarations are refused because "
                "they can expand without limit (the 'billion laughs' attack)"
            )
        return [], [_problem(filename, _line(parser), None, exc.name, message)]
    except ExternalReferenceForbidden as exc:
        return [], [
            _problem(
                filename,
                _line(parser),
                None,
                exc.sysid,
                f"refused: the file refers to an external resource ({exc.sysid})",
            )
        ]
    except DefusedXmlException as exc:  # any other defusedxml refusal
        return [], [_problem(filename, _line(parser), None, None, f"refused: {exc}")]
    except SyntaxError as exc:  # ParseError: not well-formed, truncated, empty
        line, column = getattr(exc, "position", (None, None))
        reason = str(exc).split(":")[0]
        if reason.startswith("no element found"):
            reason = (
                "the file ends too early (truncated or empty)"
                if target.root is not None or data.strip()
                else "the file is empty"
            )
        return [], [
            _problem(
                filename,
                line,
                _where(target.stack) if target.stack else None,
                None,
                f"not well-formed XML at line {line}, column {column}{where()}: {reason}",
            )
        ]
    reader = state["reader"]
    if reader is None:
        return activities, []
    problems = list(reader.problems)
    if reader.count > len(problems):
        more = reader.count - len(problems)
        problems.append(
            _problem(filename, None, None, None, f"{more:,} more problems in this file are not listed")
        )
    return activities, problems


def _line(parser: _SafeParser) -> int | None:
    try:
        return int(parser.parser.CurrentLineNumber)
    except Exception:  # noqa: BLE001 - the parser may already be closed
        return None


def _too_large(name: str, size: int, limit: int) -> Problem:
    return _problem(
        name,
        None,
        None,
        None,
        f"refused: the file is {human_size(size)}, over the limit of {human_size(limit)}; split it (for example by "
        "recipient country) and import the parts",
    )


def _xml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
    return [path]


def read_iati(path: Path | str, limits: IatiLimits = DEFAULT_LIMITS) -> list[Activity]:
    """Every activity of an IATI activity file, or of every ``.xml`` file of a folder.

    Sizes are checked before anything is read; raises :class:`IatiError` listing every file
    that cannot be read (hostile, too large, not well-formed, unreadable values)."""
    path = Path(path)
    if not path.exists():
        raise IatiError(
            [_problem(path.name or str(path), None, None, None, f"no such file or folder: {path}")]
        )
    paths = _xml_files(path)
    problems: list[Problem] = []
    if not paths:
        raise IatiError([_problem(path.name, None, None, None, "the folder holds no .xml file")])
    if len(paths) > limits.max_files:
        raise IatiError(
            [
                _problem(
                    path.name, None, None, None, f"the folder holds more than {limits.max_files} .xml files"
                )
            ]
        )
    total = 0
    for p in paths:
        size = p.stat().st_size
        total += size
        if size > limits.max_file_bytes:
            problems.append(_too_large(p.name, size, limits.max_file_bytes))
    if total > limits.max_total_bytes and not problems:
        problems.append(
            _problem(
                path.name,
                None,
                None,
                None,
                f"refused: the files add up to {human_size(total)}, over the limit of "
                f"{human_size(limits.max_total_bytes)}; import them in parts",
            )
        )
    if problems:
        raise IatiError(problems)
    return _parse_all(((p.name, p.read_bytes()) for p in paths), limits)


def read_iati_bytes(data: bytes, filename: str, limits: IatiLimits = DEFAULT_LIMITS) -> list[Activity]:
    """Every activity of one uploaded IATI activity file; raises :class:`IatiError`."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload.xml"
    if len(data) > limits.max_file_bytes:
        raise IatiError([_too_large(name, len(data), limits.max_file_bytes)])
    return _parse_all([(name, data)], limits)


def _parse_all(sources: Iterable[tuple[str, bytes]], limits: IatiLimits) -> list[Activity]:
    out: list[Activity] = []
    problems: list[Problem] = []
    count = [0]
    for name, data in sources:
        activities, file_problems = _parse_file(data, name, limits, count)
        if file_problems:
            problems.extend(file_problems)
        else:
            out.extend(activities)
    if problems:
        raise IatiError(problems)
    return out


# -- exchange rates -------------------------------------------------------------------------------


def parse_rates(data: bytes, filename: str = "rates.csv") -> dict[str, float]:
    """A rate table: CSV with columns ``currency,usd_per_unit`` (how many US dollars one unit of
    the currency is worth, e.g. ``EUR,1.08``). Raises :class:`IatiError` listing bad rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IatiError([_problem(filename, None, None, None, "the rate table is not UTF-8 text")]) from None
    rows = list(csv.reader(io.StringIO(text)))
    problems: list[Problem] = []
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if header != ["currency", "usd_per_unit"]:
        raise IatiError(
            [_problem(filename, 1, None, ",".join(header), "the first row must be: currency,usd_per_unit")]
        )
    rates: dict[str, float] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            problems.append(
                _problem(filename, number, None, ",".join(row), "give two cells: currency,usd_per_unit")
            )
            continue
        code, raw = row[0].strip().upper(), row[1].strip()
        if code not in codelist("Currency"):
            problems.append(
                _problem(filename, number, "currency", code, f"'{code}' is not an ISO 4217 currency code")
            )
        try:
            rate = float(raw)
            if not rate > 0 or rate == float("inf"):
                raise ValueError
        except ValueError:
            problems.append(
                _problem(filename, number, "usd_per_unit", raw, f"'{raw}' is not a positive number")
            )
            continue
        if code in rates:
            problems.append(_problem(filename, number, "currency", code, f"{code} is given twice"))
        rates[code] = rate
    if problems:
        raise IatiError(problems)
    rates["USD"] = 1.0
    return rates


def read_rates(path: Path | str) -> dict[str, float]:
    path = Path(path)
    if not path.is_file():
        raise IatiError([_problem(path.name, None, None, None, f"no such rate table: {path}")])
    if path.stat().st_size > MB:
        raise IatiError([_problem(path.name, None, None, None, "the rate table is over 1 MB")])
    return parse_rates(path.read_bytes(), path.name)


# -- the report -----------------------------------------------------------------------------------


@dataclass
class ProjectEntry:
    """One project the import writes (or would write, on a dry run), and what to check in it."""

    id: str
    title: str
    file: str
    sources: list[str]  # the other IATI activities merged into it (the same work)
    articles: list[int]
    articles_basis: str  # "stated" (tag/explicit), "keywords", "sector" (inferred), "store" (kept)
    budget_usd: float | None
    budget_original: list[tuple[float, str]]  # each root activity's budget in its own currency
    matched: list[str] = field(default_factory=list)  # what gave the articles: tags, keywords, sectors
    notes: list[str] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(self.notes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "file": self.file,
            "sources": list(self.sources),
            "articles": list(self.articles),
            "articles_basis": self.articles_basis,
            "articles_inferred": self.articles_basis == "sector",
            "budget_usd": self.budget_usd,
            "budget_original": [{"amount": a, "currency": c} for a, c in self.budget_original],
            "needs_attention": self.needs_attention,
            "matched": list(self.matched),
            "notes": list(self.notes),
        }


@dataclass
class NotImported:
    """An activity in the chosen sectors that cannot become a project yet, and why."""

    activity: str
    file: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"activity": self.activity, "file": self.file, "reason": self.reason}


@dataclass
class IatiReport:
    """What an IATI import read, kept, merged, wrote and left for an officer."""

    files: list[str] = field(default_factory=list)
    activities_read: int = 0
    sectors: list[str] = field(default_factory=list)
    since: date | None = None
    dry_run: bool = False
    projects: list[ProjectEntry] = field(default_factory=list)
    not_imported: list[NotImported] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> activity ids
    providers_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: ImportSummary | None = None

    def skip(self, reason: str, activity: str) -> None:
        self.skipped.setdefault(reason, []).append(activity)

    @property
    def merged(self) -> int:
        return sum(len(p.sources) for p in self.projects)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": list(self.files),
            "activities_read": self.activities_read,
            "sectors": list(self.sectors),
            "since": self.since.isoformat() if self.since else None,
            "dry_run": self.dry_run,
            "projects": [p.to_dict() for p in self.projects],
            "merged": self.merged,
            "needs_attention": [p.id for p in self.projects if p.needs_attention],
            "not_imported": [n.to_dict() for n in self.not_imported],
            "skipped": {reason: list(ids) for reason, ids in self.skipped.items()},
            "providers_created": list(self.providers_created),
            "warnings": list(self.warnings),
            "summary": self.summary.to_dict() if self.summary else None,
        }

    def text(self) -> str:
        lines = [
            f"read {self.activities_read} activities from {len(self.files)} file(s); "
            f"sectors {', '.join(self.sectors)}"
            + (f"; ending on or after {self.since.isoformat()}" if self.since else ""),
            f"{len(self.projects)} project(s)"
            + (f", {self.merged} activity(ies) merged into them as the same work" if self.merged else "")
            + (f"; {len(self.not_imported)} activity(ies) not imported" if self.not_imported else ""),
        ]
        for reason, ids in self.skipped.items():
            lines.append(f"skipped {len(ids)}: {reason}")
        for p in self.projects:
            merged = f" (merged: {', '.join(p.sources)})" if p.sources else ""
            lines.append(f"  {p.id}{merged}: articles {', '.join(map(str, p.articles))} [{p.articles_basis}]")
            lines.extend(f"    needs attention: {note}" for note in p.notes)
        for n in self.not_imported:
            lines.append(f"  not imported: {n.activity} ({n.file}): {n.reason}")
        lines.extend(f"warning: {w}" for w in self.warnings)
        if self.dry_run:
            lines.append("dry run: nothing was written")
        if self.summary is not None:
            lines.append(("would write — " if self.dry_run else "") + self.summary.text())
        return "\n".join(lines)

    __str__ = text


# -- mapping one activity -------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60] or "unnamed"


def _ref_country(ref: str | None) -> str | None:
    """ISO3 of the country an organisation identifier is registered in ("GB-GOV-1" -> GBR), per
    the org-id convention (ISO 3166 prefix); XM (multilateral) and XI (IATI) prefixes have none."""
    if not ref or not re.match(r"^[A-Z]{2}-", ref) or ref[:2] in ("XM", "XI", "XX"):
        return None
    return iso2_to_iso3(ref[:2])


def provider_kind(org: Org, recipients: set[str]) -> ProviderKind:
    """The provider kind of an organisation from its IATI OrganisationType (see ORG_KIND):
    government types are ``state`` when the organisation is based in a recipient country of the
    activity, or has no identifier and only implements; type 40 with a UN channel code (41xxx) is
    ``un_entity``; no or unknown type is ``other``."""
    kind = ORG_KIND.get(org.type or "", ProviderKind.other)
    if org.type in GOVERNMENT_TYPES:
        country = _ref_country(org.ref)
        if (country and country in recipients) or (org.ref is None and org.role == IMPLEMENTING):
            return ProviderKind.state
    if org.type == "40" and org.ref and UN_CHANNEL.match(org.ref):
        return ProviderKind.un_entity
    return kind


def activity_articles(act: Activity, chosen: set[str]) -> tuple[dict[int, str], list[str]]:
    """Article -> basis ("stated", "keywords" or "sector") and what matched, for one activity.

    Stated: a tag code or text naming "UNCAC article N". Keywords: the keyword table over the
    title, descriptions, tags and reporting-organisation policy markers and sectors, in every
    language. Sector: only when neither found anything, the default articles of the activity's
    chosen DAC sectors (SECTOR_ARTICLES)."""
    valid = uncac_articles()
    found: dict[int, str] = {}
    hits: list[str] = []
    texts = [t for _, t in act.titles] + [t for _, t in act.descriptions]
    texts += [f"{code} {text}" for _, code, text in act.tags]
    texts += [text for vocab, _, text in act.policy_markers if vocab == "99"]
    for text in texts:
        folded = fold(text)
        for pattern in _EXPLICIT:
            for m in pattern.finditer(folded):
                number = int(m.group(1))
                if number in valid and number not in found:
                    found[number] = "stated"
                    hits.append(f"'{m.group(0)}'")
    table = keywords()
    regex = _keyword_regex()
    for text in texts:
        for m in regex.finditer(fold(text)):
            kw = table[int(m.lastgroup[1:])]  # type: ignore[index]
            new = [a for a in kw.articles if a not in found]
            for a in new:
                found[a] = "keywords"
            if new:
                hits.append(f"'{kw.keyword}'")
    if not found:
        for code in sorted(act.dac_sectors() & chosen):
            defaults = [a for a in SECTOR_ARTICLES.get(code, ()) if a not in found]
            for a in defaults:
                found[a] = "sector"
            if defaults:
                hits.append(f"DAC {code} {codelist('Sector')[code].name}")
    return found, hits


def activity_period(act: Activity) -> tuple[date | None, date | None, list[str]]:
    """Start and end: actual (2, 4) over planned (1, 3); else the budget periods' bounds."""
    notes = []
    start = act.dates.get("2") or act.dates.get("1")
    end = act.dates.get("4") or act.dates.get("3")
    if start is None and act.budgets:
        start = min(b.start for b in act.budgets)
        notes.append("start date taken from the first budget period (no activity-date of type 1 or 2)")
    if end is None and act.budgets:
        end = max(b.end for b in act.budgets)
        notes.append("end date taken from the last budget period (no activity-date of type 3 or 4)")
    return start, end, notes


def activity_budget(act: Activity) -> dict[str, float]:
    """Currency -> total: per budget period the revised budget (type 2) replaces the original
    (type 1); periods are then added up."""
    by_period: dict[tuple[date, date], list[Budget]] = defaultdict(list)
    for b in act.budgets:
        by_period[(b.start, b.end)].append(b)
    totals: dict[str, float] = defaultdict(float)
    for items in by_period.values():
        revised = [b for b in items if b.type == "2"]
        for b in revised or items:
            totals[b.currency] += b.value
    return dict(totals)


# -- linking and merging --------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    upstream: str
    downstream: str
    via: str
    directed: bool = True


def activity_links(act: Activity) -> list[Link]:
    """The links one activity declares to others (see iati_mapping.md, "the same work")."""
    out: list[Link] = []
    for t in act.transactions:
        if t.provider and t.provider.activity_id and t.provider.activity_id != act.id:
            out.append(Link(t.provider.activity_id, act.id, "transaction/provider-org/@provider-activity-id"))
        if t.receiver and t.receiver.activity_id and t.receiver.activity_id != act.id:
            out.append(Link(act.id, t.receiver.activity_id, "transaction/receiver-org/@receiver-activity-id"))
    for o in act.orgs:
        if not o.activity_id or o.activity_id == act.id:
            continue
        if o.role in (FUNDING, EXTENDING):
            out.append(Link(o.activity_id, act.id, "participating-org/@activity-id"))
        elif o.role == IMPLEMENTING:
            out.append(Link(act.id, o.activity_id, "participating-org/@activity-id"))
    for kind, ref in act.related:
        if not ref or ref == act.id:
            continue
        if kind == RELATED_UP:
            out.append(Link(ref, act.id, "related-activity type 1 (parent)"))
        elif kind == RELATED_DOWN:
            out.append(Link(act.id, ref, "related-activity type 2 (child)"))
        elif kind in RELATED_SAME:
            out.append(Link(act.id, ref, f"related-activity type {kind}", directed=False))
    return out


class _Groups:
    """Union-find over activity ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


# -- activities -> bundle -------------------------------------------------------------------------


@dataclass(frozen=True)
class IatiOptions:
    sectors: tuple[str, ...] = DEFAULT_SECTORS
    since: date | None = None
    rates: Mapping[str, float] | None = None


def check_sectors(sectors: Iterable[str]) -> tuple[str, ...]:
    """Validate DAC 5-digit sector codes against the IATI Sector codelist."""
    known = codelist("Sector")
    out, problems = [], []
    for raw in sectors:
        code = raw.strip()
        if not code:
            continue
        if code not in known:
            near = [c for c in known if c[:3] == code[:3]][:5] if len(code) >= 3 else []
            hint = f" (codes starting {code[:3]}: {', '.join(near)})" if near else ""
            problems.append(
                _problem("--sectors", None, None, code, f"'{code}' is not a DAC 5-digit sector code{hint}")
            )
        else:
            out.append(code)
    if problems:
        raise IatiError(problems)
    if not out:
        raise IatiError(
            [_problem("--sectors", None, None, None, "give at least one DAC 5-digit sector code, e.g. 15113")]
        )
    return tuple(dict.fromkeys(out))


def _pick_duplicates(activities: list[Activity], report: IatiReport) -> list[Activity]:
    """One activity per iati-identifier: the publisher's own over a secondary reporter's, then
    the most recently updated, then the first read."""
    by_id: dict[str, list[Activity]] = defaultdict(list)
    for a in activities:
        by_id[a.id].append(a)
    out = []
    for ident, found in by_id.items():
        if len(found) == 1:
            out.append(found[0])
            continue
        ranked = sorted(
            enumerate(found), key=lambda p: (p[1].secondary_reporter, _neg(p[1].last_updated or ""), p[0])
        )
        keep = ranked[0][1]
        out.append(keep)
        for _, other in ranked[1:]:
            report.skip(
                f"same iati-identifier read again; kept the copy in {keep.file}", f"{ident} ({other.file})"
            )
    return out


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


class _Providers:
    """Matches IATI organisations to providers, creating the missing ones."""

    def __init__(self, existing: Bundle, report: IatiReport) -> None:
        self.by_id = {p.id: p for p in existing.providers}
        self.by_lower = {p.id.lower(): p.id for p in existing.providers}
        self.by_name: dict[str, str] = {}
        for p in existing.providers:
            self.by_name.setdefault(fold(p.name), p.id)
        self.created: dict[str, Provider] = {}
        self.report = report

    def resolve(self, org: Org, recipients: set[str], notes: list[str]) -> str:
        name = org.name()
        if org.ref:
            if org.ref in self.by_id or org.ref in self.created:
                return org.ref
            if org.ref.lower() in self.by_lower:
                return self.by_lower[org.ref.lower()]
        for _, text in org.names:
            match = self.by_name.get(fold(text))
            if match:
                if org.ref and match != org.ref:
                    notes.append(f"organisation {org.ref} ('{text}') matched to provider {match} by name")
                return match
        pid = org.ref or f"iati:{_slug(name or 'unnamed organisation')}"
        if pid not in self.created:
            kind = provider_kind(org, recipients)
            if not org.type:
                notes.append(f"organisation {pid} has no @type: provider kind set to 'other'")
            country = _ref_country(org.ref)
            self.created[pid] = Provider(id=pid, name=name or org.ref or pid, kind=kind, country=country)
            self.report.providers_created.append(pid)
            if name:
                self.by_name.setdefault(fold(name), pid)
        if not org.ref:
            notes.append(
                f"organisation '{name}' has no @ref (IATI organisation identifier): provider id {pid} made from its name"
            )
        return pid


def iati_bundle(
    activities: list[Activity],
    existing: Bundle | None = None,
    options: IatiOptions = IatiOptions(),
    report: IatiReport | None = None,
) -> tuple[Bundle, IatiReport]:
    """Map parsed activities to a bundle of projects (and the providers they need).

    ``existing`` is what the store holds (``store.export()``): providers are matched against it,
    and a project already in the store keeps what IATI cannot say (see iati_mapping.md)."""
    existing = existing or Bundle()
    report = report or IatiReport()
    chosen = set(options.sectors)
    report.sectors = list(options.sectors)
    report.since = options.since
    report.activities_read = len(activities)
    rates = dict(options.rates) if options.rates else None

    kept: dict[str, Activity] = {}
    for act in _pick_duplicates(activities, report):
        if not act.dac_sectors() & chosen:
            report.skip(f"no DAC sector among {', '.join(options.sectors)}", act.id)
            continue
        kept[act.id] = act

    stored = {p.id: p for p in existing.projects}
    groups = _Groups()
    links: list[Link] = []
    for act in kept.values():
        groups.find(act.id)
        for link in activity_links(act):
            ends_known = all(x in kept or x in stored for x in (link.upstream, link.downstream))
            if ends_known:
                links.append(link)
                groups.union(link.upstream, link.downstream)

    funded = {link.downstream for link in links if link.directed}
    members: dict[str, list[str]] = defaultdict(list)
    for ident in set(kept) | {x for link in links for x in (link.upstream, link.downstream)}:
        members[groups.find(ident)].append(ident)

    providers = _Providers(existing, report)
    projects: list[Project] = []
    for ids in sorted(members.values(), key=min):
        project, entry, not_imported = _merge(
            sorted(ids), kept, stored, funded, chosen, rates, providers, report
        )
        if not_imported is not None:
            report.not_imported.append(not_imported)
            continue
        assert project is not None and entry is not None
        if options.since and project.end < options.since:
            report.skip(f"ended before {options.since.isoformat()}", project.id)
            continue
        projects.append(project)
        report.projects.append(entry)
    bundle = Bundle(projects=projects, providers=sorted(providers.created.values(), key=lambda p: p.id))
    return bundle, report


def _roots(ids: list[str], funded: set[str]) -> list[str]:
    """The tops of a group's funding chain: the members no other member funds. (A link joins
    two members of one group, so ``funded``, over all groups, can be used as it is.)"""
    return [i for i in ids if i not in funded]


def _merge(
    ids: list[str],
    kept: dict[str, Activity],
    stored: dict[str, Project],
    funded: set[str],
    chosen: set[str],
    rates: dict[str, float] | None,
    providers: _Providers,
    report: IatiReport,
) -> tuple[Project | None, ProjectEntry | None, NotImported | None]:
    """One group of activities describing the same work -> one project (or why not).

    The representative (whose id, title and status the project takes) is the activity at the
    top of the funding chain (the one no other activity in the group funds; the smallest id
    when there are several), unless a project of the group is already in the store: an import
    cannot delete, so that project stays the one and the new activities merge into it."""
    acts = [kept[i] for i in ids if i in kept]
    in_store = [i for i in ids if i in stored]
    roots = _roots(ids, funded) or ids[:1]
    notes: list[str] = []
    if in_store:
        rep_id = next((r for r in roots if r in in_store), in_store[0])
        if len(in_store) > 1:
            notes.append(
                f"projects {', '.join(in_store)} already in the store describe the same work: "
                "keep one and delete the others"
            )
    else:
        rep_id = next((r for r in roots if r in kept), acts[0].id)
    old = stored.get(rep_id)
    rep = kept.get(rep_id)  # None: the project is in the store and not in these files
    first = rep or acts[0]
    sources = [i for i in ids if i != rep_id]
    if rep is None:
        notes.append(f"merged into project {rep_id}, already in the store (the same work)")
    label = rep_id if not sources else f"{rep_id} (with {', '.join(sources)})"

    # where
    recipients: set[str] = set()
    regions: list[str] = []
    for act in acts:
        for code in act.countries:
            iso3 = iso2_to_iso3(code)
            if iso3:
                recipients.add(iso3)
            else:
                known = codelist("Country").get(code)
                notes.append(
                    f"recipient country '{code}'"
                    + (f" ({known.name})" if known else " (not in the IATI Country codelist)")
                    + f" of {act.id} has no ISO3 code in tacmap's reference data: not recorded"
                )
        for vocab, code in act.regions:
            region = codelist("Region").get(code) if vocab == OECD_DAC_REGIONS else None
            regions.append(f"{code} {region.name}" if region else f"{code} (vocabulary {vocab})")
    beneficiaries = recipients | (set(old.beneficiaries) if old and rep is None else set())
    if not beneficiaries:
        where = ", ".join(sorted(set(regions)))
        reason = (
            f"regional activity (recipient-region {where}) with no recipient country: tacmap records "
            "beneficiaries as States; add the States it works in to import it"
            if regions
            else "no recipient country: add the States it benefits to import it"
        )
        return None, None, NotImported(label, first.file, reason)
    if regions:
        notes.append(
            f"also regional ({', '.join(sorted(set(regions)))}): only the recipient countries are recorded"
        )

    # when
    starts, ends = [], []
    for act in acts:
        start, end, date_notes = activity_period(act)
        notes.extend(f"{act.id}: {n}" if sources else n for n in date_notes)
        starts += [start] if start else []
        ends += [end] if end else []
    if old is not None and rep is None:
        starts.append(old.start)
        ends.append(old.end)
    if not starts or not ends:
        missing = " and ".join(w for w, v in (("start", starts), ("end", ends)) if not v)
        return (
            None,
            None,
            NotImported(label, first.file, f"no {missing} date (activity-date or budget period)"),
        )
    start, end = min(starts), max(ends)
    if start > end:
        return None, None, NotImported(label, first.file, f"starts on {start} after it ends on {end}")

    # who
    funders: list[str] = []
    implementers: list[str] = []
    for act in sorted(acts, key=lambda a: a is not rep):
        own = [o for o in act.orgs if o.role == FUNDING]
        if not own:
            own = [
                t.provider
                for t in act.transactions
                if t.type in INCOMING and t.provider is not None and (t.provider.ref or t.provider.names)
            ]
            if own:
                notes.append(f"{act.id}: no funding participating-org; funder taken from its incoming funds")
        if not own and act.reporting_org.ref:
            own = [Org(act.reporting_org.ref, act.reporting_org.type, FUNDING, act.reporting_org.names)]
            notes.append(
                f"{act.id}: no funding organisation named; its reporting organisation is taken as funder"
            )
        for o in own:
            pid = providers.resolve(o, recipients, notes)
            if pid not in funders:
                funders.append(pid)
        for o in act.orgs:
            if o.role == IMPLEMENTING:
                pid = providers.resolve(o, recipients, notes)
                if pid not in implementers:
                    implementers.append(pid)
            elif o.role == EXTENDING:
                providers.resolve(o, recipients, notes)  # kept as a provider; no edge (see iati_mapping.md)
    if old is not None and rep is None:
        funders += [f for f in old.funders if f not in funders]
    implementer = implementers[0] if implementers else (old.implementer if old else None)
    if old is not None and rep is None and old.implementer:
        implementer = old.implementer
    if len(implementers) > 1:
        notes.append(
            f"several implementing organisations ({', '.join(implementers)}): only {implementer} is recorded"
        )

    # what
    found: dict[int, str] = {}
    hits: list[str] = []
    for act in acts:
        arts, act_hits = activity_articles(act, chosen)
        hits += [h for h in act_hits if h not in hits]
        for a, basis in arts.items():
            found.setdefault(a, basis)
    specific = {a: b for a, b in found.items() if b != "sector"}
    if specific:
        found = specific
    if old is not None and (rep is None or not specific):
        # articles in the store (an officer's, or an earlier import's) are never replaced by
        # articles inferred from a sector; specific ones found now are added
        found = {a: "store" for a in old.articles} | (specific if rep is None else {})
    if not found:
        codes = ", ".join(sorted({s for a in acts for s in a.dac_sectors()} & chosen))
        return (
            None,
            None,
            NotImported(
                label,
                first.file,
                f"no UNCAC article found (no tag or keyword, and DAC sector {codes} has no default articles): "
                "add the articles to import it",
            ),
        )
    bases = set(found.values())
    basis = next(b for b in ("stated", "keywords", "store", "sector") if b in bases)
    if basis == "sector":
        notes.append(
            f"articles {', '.join(map(str, sorted(found)))} inferred from the DAC sector only "
            f"({'; '.join(hits)}): confirm or correct them"
        )

    # how much
    originals: list[tuple[float, str]] = []
    budget_usd: float | None
    if rep is None:
        budget_usd = old.budget_usd if old else None  # the project in the store keeps its budget
    else:
        root_acts = [kept[r] for r in roots if r in kept] or [rep]
        budget_usd = 0.0
        for act in root_acts:
            for currency, amount in sorted(activity_budget(act).items()):
                originals.append((amount, currency))
                if currency == "USD":
                    rate: float | None = 1.0
                else:
                    rate = rates.get(currency) if rates else None
                if rate is None:
                    budget_usd = None
                    notes.append(
                        f"budget of {amount:,.2f} {currency} not converted to USD (no rate for {currency}): "
                        "give a rate table with --rates"
                    )
                elif budget_usd is not None:
                    budget_usd += amount * rate
                    if currency != "USD":
                        report.warnings.append(
                            f"{rep_id}: budget of {amount:,.2f} {currency} converted at {rate} USD per {currency}"
                        )
        if not originals:
            budget_usd = None
            downstream = [activity_budget(kept[i]).get("USD") for i in ids if i in kept and i not in roots]
            known = [u for u in downstream if u is not None]
            if known:
                budget_usd = max(known)
                notes.append(
                    "budget taken from the largest USD budget of the merged activities (the funder's has none)"
                )
        if budget_usd is None and old is not None:
            budget_usd = old.budget_usd  # what IATI cannot say does not erase what the store holds
        if budget_usd is not None:
            budget_usd = round(budget_usd, 2)

    # state of the work
    if rep is None:
        assert old is not None
        status, title = ProjectStatus(old.status), old.title
    else:
        status = STATUS.get(rep.status or "")
        if status is None:
            today = date.today()
            status = (
                ProjectStatus.planned
                if start > today
                else (ProjectStatus.completed if end < today else ProjectStatus.ongoing)
            )
            notes.append(
                f"activity-status '{rep.status or '(none)'}' is not an ActivityStatus code: "
                f"status '{status}' inferred from the dates"
            )
        elif rep.status == "6":
            notes.append("suspended (activity-status 6): recorded as ongoing")
        title = preferred(rep.titles) or (old.title if old else rep_id)
        if not rep.titles:
            notes.append("no title narrative: the identifier is used as title")
        elif not any(lang == "en" for lang, _ in rep.titles):
            notes.append("the title has no English version: kept in its own language")

    project = Project(
        id=rep_id,
        title=title,
        funders=sorted(funders),
        implementer=implementer,
        beneficiaries=sorted(beneficiaries),
        articles=sorted(found),
        forms=list(old.forms) if old else [],
        start=start,
        end=end,
        budget_usd=budget_usd,
        status=status,
        network=old.network if old else None,
    )
    entry = ProjectEntry(
        id=rep_id,
        title=title,
        file=first.file,
        sources=sources,
        articles=sorted(found),
        articles_basis=basis,
        budget_usd=budget_usd,
        budget_original=originals,
        matched=hits,
        notes=notes,
    )
    return project, entry, None


# -- import ---------------------------------------------------------------------------------------


class _DryRun(Store):
    """Reads through to a store and writes nothing: a dry run uses the import code unchanged."""

    name = "dry-run"

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    def write(self, changes: Any) -> None:
        return None

    def read_all(self) -> Any:
        return self.inner.read_all()

    def clear(self) -> None:
        raise StoreError("a dry run writes nothing, so it cannot clear the store")

    def close(self) -> None:
        return None

    def answer(self, question: str, **params: Any) -> list[dict[str, Any]]:
        return self.inner.answer(question, **params)

    def _reference_loaded(self) -> bool:
        return True


def _run(
    store: Store,
    activities_of: Callable[[], list[Activity]],
    files_read: list[str],
    *,
    sectors: Iterable[str] | None,
    since: date | None,
    dry_run: bool,
    rates: Mapping[str, float] | None,
    stamp: dict[str, Any] | None,
    progress: Progress | None,
) -> IatiReport:
    chosen = check_sectors(sectors or DEFAULT_SECTORS)
    activities = activities_of()
    report = IatiReport(files=files_read, dry_run=dry_run)
    existing = store.export()
    bundle, report = iati_bundle(activities, existing, IatiOptions(chosen, since, rates), report)
    target = _DryRun(store) if dry_run else store
    report.summary = import_bundle(target, bundle, stamp=stamp, progress=progress)
    return report


def import_iati(
    store: Store,
    path: Path | str,
    *,
    sectors: Iterable[str] | None = None,
    since: date | None = None,
    dry_run: bool = False,
    rates: Mapping[str, float] | None = None,
    limits: IatiLimits = DEFAULT_LIMITS,
    stamp: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> IatiReport:
    """Import an IATI activity file, or every ``.xml`` file of a folder, in one transaction.

    Raises :class:`IatiError` (nothing written) when a file is hostile, too large or malformed,
    or :class:`~graph.ingest.problems.BundleError` when the mapped projects fail validation."""
    path = Path(path)
    files_read = [p.name for p in _xml_files(path)] if path.exists() else []
    return _run(
        store,
        lambda: read_iati(path, limits),
        files_read,
        sectors=sectors,
        since=since,
        dry_run=dry_run,
        rates=rates,
        stamp={"imported_from": "iati", **(stamp or {})},
        progress=progress,
    )


def import_iati_bytes(
    store: Store,
    data: bytes,
    filename: str,
    *,
    sectors: Iterable[str] | None = None,
    since: date | None = None,
    dry_run: bool = False,
    rates: Mapping[str, float] | None = None,
    limits: IatiLimits = DEFAULT_LIMITS,
    stamp: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> IatiReport:
    """Import one uploaded IATI activity file (what ``POST /imports/iati`` calls).

    ``rates`` is a table from :func:`parse_rates` (an uploaded ``currency,usd_per_unit`` CSV);
    ``report.to_dict()`` is the response body. Raises :class:`IatiError` (a BundleError: answer
    422 with its ``problems``) when the file cannot be read; nothing is written then."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload.xml"
    return _run(
        store,
        lambda: read_iati_bytes(data, name, limits),
        [name],
        sectors=sectors,
        since=since,
        dry_run=dry_run,
        rates=rates,
        stamp={"imported_from": "iati", **(stamp or {})},
        progress=progress,
    )
