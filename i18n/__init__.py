"""The six UN languages: which one a reader asked for, and the page text in it.

Names of States and regions come from reference data (hdx's M49 names, CLDR through Babel); everything
else a page or a map says comes from gettext catalogs in ``i18n/locale/<lang>/LC_MESSAGES/tacmap.po``.
The ``.po`` files are read with Babel and compiled in memory on first use, so a fresh ``pip install``
needs no build step. The language of the text being made is a context variable, set once by the page
builders (:func:`use`), so that the many small functions that word a map need no extra argument.

    >>> with use("fr"):
    ...     _("Legend")
    'Légende'

After changing wording in the code, ``python -m tacmap.i18n`` rewrites ``tacmap.pot`` and merges it into
each ``.po`` file (new strings come out empty: translate them; ``tests/test_languages.py`` says which).
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_decimal
from tacmap.graph.errors import TacmapError
from tacmap.graph.schema.reference import LANGUAGE_NAMES, UN_LANGUAGES
from tacmap.graph.schema.reference import region_name as _region_name

DEFAULT = "en"
DOMAIN = "tacmap"
LOCALE_DIR = Path(__file__).parent / "locale"
# What `python -m tacmap.i18n` extracts: the call names and, for ngettext, the singular and plural arguments.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "plurals": (1, 2)}
# Language range of an Accept-Language entry, and its optional quality value (RFC 9110, 12.5.4).
_RANGE = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")

_current: ContextVar[str] = ContextVar("tacmap_lang", default=DEFAULT)


class UnknownLanguage(TacmapError):
    """A language code that is not one of the six UN languages."""

    exit_code = 2
    http_status = 422


def choices() -> str:
    """The six codes with their names, for messages: ``ar (Arabic), zh (Chinese), …``."""
    return ", ".join(f"{code} ({LANGUAGE_NAMES[code]})" for code in UN_LANGUAGES)


def check(lang: str | None) -> str:
    """A language code as given by a user (``FR`` is fine), or :class:`UnknownLanguage` saying the six."""
    code = (lang or DEFAULT).strip().lower()
    if code not in UN_LANGUAGES:
        raise UnknownLanguage(f"no language {lang!r}: use one of {choices()}")
    return code


def negotiate(header: str | None) -> str:
    """The UN language a browser's ``Accept-Language`` header prefers most; English when none fits.

    Regional and script variants fall back to their language (``fr-CA`` -> fr, ``zh-Hans-CN`` -> zh); a
    quality of 0 refuses a language; equal qualities keep the header's order; ``*`` accepts English.
    """
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")):
        found = _RANGE.match(part)
        if not found:
            continue
        tag, quality = found.group(1).lower(), found.group(2)
        try:
            q = float(quality) if quality is not None else 1.0
        except ValueError:
            continue
        code = DEFAULT if tag == "*" else tag.split("-")[0]
        if q <= 0 or code not in UN_LANGUAGES:
            continue
        if best is None or (q, -position) > (best[0], -best[1]):
            best = (q, position, code)
    return best[2] if best else DEFAULT


@cache
def direction(lang: str) -> str:
    """``rtl`` for Arabic, ``ltr`` for the others (from CLDR)."""
    return Locale.parse(lang).text_direction


def day(value: date | str | None) -> str:
    """An ISO date as text, kept left to right inside right-to-left text: in Arabic, the bidi algorithm
    would otherwise show 2024-06-01 as 01-06-2024."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return f"\u2066{text}\u2069" if direction(current()) == "rtl" else text


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (English: the text in the code as it is)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    with po_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def current() -> str:
    """The language of the text being made (English unless inside :func:`use`)."""
    return _current.get()


@contextmanager
def use(lang: str) -> Iterator[str]:
    """Make page text in ``lang`` inside the block (checked: :class:`UnknownLanguage` if not one of six)."""
    token = _current.set(check(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` in the current language (the message itself when the catalog lacks it)."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` in the current language (Arabic has six, Russian three)."""
    return translations(current()).ngettext(singular, plural, n)


def plurals(singular: str, plural: str) -> dict[str, str]:
    """The forms of a message by CLDR plural category (``one``, ``few``, ``other``, …), for a script
    in the page to choose from with ``Intl.PluralRules`` (the same CLDR rules as the catalogs)."""
    rule = Locale.parse(current()).plural_form
    out: dict[str, str] = {}
    for n in range(200):  # every category of the six languages has a member below 200
        out.setdefault(rule(n), ngettext(singular, plural, n))
    return out


def N_(message: str) -> str:
    """Mark a message for the catalogs where it is defined; :func:`_` translates it where it is shown."""
    return message


def number(value: float, decimals: int = 0) -> str:
    """A number as the current language writes it (``1,234`` / ``1 234`` / ``1.234``)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=current())


# UN regional groups have no translated reference data: their names are catalog messages, worded as
# graph.schema.reference.UN_GROUPS words them (tested).
GROUP_NAMES: dict[str, str] = {
    "african": N_("African Group"),
    "asia_pacific": N_("Asia-Pacific Group"),
    "eastern_european": N_("Eastern European Group"),
    "grulac": N_("Latin American and Caribbean Group"),
    "weog": N_("Western European and Others Group"),
}


def group_name(code: str | None) -> str | None:
    """A UN regional group's name in the current language; None for an unknown code."""
    return _(GROUP_NAMES[code]) if code in GROUP_NAMES else None


def region_name(name: str | None) -> str | None:
    """An M49 region or sub-region (named in English, as the store holds it) in the current language."""
    return _region_name(name, current())


def state_name(props: Mapping[str, object]) -> str:
    """A State's name in the current language from its store properties (``name_fr``, …)."""
    return str(props.get(f"name_{current()}") or props.get("name") or props.get("iso3") or "")


def extract() -> Catalog:
    """Every message the code in ``viz/`` and here marks for translation (see ``KEYWORDS``), and the
    titles of the questions on the home page."""
    catalog = Catalog(
        domain=DOMAIN,
        project="tacmap",
        version="0.1.0",
        charset="utf-8",
        fuzzy=False,
        header_comment="# Messages of tacmap's home page and maps, from viz/ and i18n/ by `python -m tacmap.i18n`.",
    )
    here = Path(__file__).parent
    for folder in (here.parent / "viz", here):  # the pages and maps, and the region names here
        for filename, lineno, message, comments, context in extract_from_dir(
            folder, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            where = f"{folder.name}/{filename}"
            catalog.add(message, locations=[(where, lineno)], auto_comments=comments, context=context)
    from tacmap.graph.queries.spec import QUESTIONS

    for q in (q for q in QUESTIONS if q.on_home):  # their titles head the home page's tables
        catalog.add(
            q.title, locations=[("graph/queries/spec.py", 0)], auto_comments=["the title of a question"]
        )
    return catalog


def update_catalogs() -> None:
    """Rewrite ``tacmap.pot`` from the code and merge it into each language's ``.po`` file."""
    template = extract()
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as out:
        write_po(out, template, width=110, omit_header=False)
    for lang in UN_LANGUAGES:
        if lang == DEFAULT:
            continue
        with po_path(lang).open("rb") as source:
            catalog = read_po(source, locale=lang, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        with po_path(lang).open("wb") as out:
            write_po(out, catalog, width=110, ignore_obsolete=True)
