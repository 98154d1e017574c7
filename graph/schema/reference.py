"""Reference data: countries, UNCAC articles, forms of assistance, DAC membership.

Why this module exists: every other part of tacmap names States, articles and forms
by code only; the facts behind those codes live here, loaded once per process and
never from the network.

Sources (see ``data/README.md`` for details):

- Countries (ISO codes, UN M49 names in the six UN languages and regions, centroids,
  World Bank income groups) come from ``hdx-python-country``'s bundled file, always
  with ``use_live=False`` so that loading never touches the network.
- UN regional groups come from ``countrygroups``. A State listed in more than one
  group keeps all of them in ``Country.un_groups``; its primary ``un_group`` (used for
  ranking) is WEOG if WEOG is one of them, else the first in ``UN_GROUPS`` order. The
  only such State in countrygroups 0.13.0 is Türkiye (Asia-Pacific and WEOG), which
  takes part in WEOG for election purposes, hence the WEOG rule.
- Official languages come from Babel's CLDR data, reduced to ISO 639-1 codes.
- Region names in languages other than English come from CLDR too (Babel's territory names, looked
  up by the M49 code hdx gives for each English region name); English keeps M49's own wording.
- Articles, DAC members and forms of assistance are CSV package data in ``data/``.

The facts from the first three packages are read from ``data/countries.json``, their snapshot made by
:mod:`tacmap.graph.schema.reference_snapshot`: importing hdx and deriving them costs about a second
per process, the file a few milliseconds.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from os.path import commonprefix
from typing import Any

from tacmap.graph.schema.reference_snapshot import snapshot_path

UN_LANGUAGES: tuple[str, ...] = ("ar", "zh", "en", "fr", "ru", "es")

UN_GROUPS: dict[str, str] = {
    "african": "African Group",
    "asia_pacific": "Asia-Pacific Group",
    "eastern_european": "Eastern European Group",
    "grulac": "Latin American and Caribbean Group",
    "weog": "Western European and Others Group",
}

# English name of each UN language; also the word hdx uses in its column names ("M49 French").
LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "zh": "Chinese",
    "en": "English",
    "fr": "French",
    "ru": "Russian",
    "es": "Spanish",
}

# Ratios below which a difflib match is not worth suggesting: difflib's own default, and
# for country names a "one typo away" and a looser one, set by trying typos and
# colloquial names by hand (see suggest_iso3).
_CUTOFF = 0.6
_TYPO_CUTOFF = 0.85
_NAME_CUTOFF = 0.7


@dataclass(frozen=True)
class Country:
    """A country or territory as hdx-python-country lists it, enriched with groups and languages."""

    iso3: str
    iso2: str
    m49: int | None
    name: str
    # Shared, cached object: do not mutate. Not compared, so that Country stays hashable.
    names: dict[str, str] = field(compare=False)
    region: str | None
    subregion: str | None
    lat: float | None
    lon: float | None
    income_group: str | None
    un_group: str | None
    un_groups: tuple[str, ...]
    official_languages: tuple[str, ...]
    dac_member: bool


@dataclass(frozen=True)
class Article:
    """One article of the Convention, with the chapter it belongs to."""

    number: int
    chapter: str
    chapter_title: str
    title: str


@dataclass(frozen=True)
class Form:
    """A form of technical assistance from the UNCAC self-assessment checklist."""

    code: str
    label: str


def _rows(filename: str) -> list[dict[str, str]]:
    """Rows of a CSV shipped as package data in ``graph/schema/data``."""
    text = files("tacmap.graph.schema").joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def snapshot() -> dict[str, Any]:
    """The facts from hdx-python-country, countrygroups and Babel, read once per process."""
    data: dict[str, Any] = json.loads(snapshot_path().read_text(encoding="utf-8"))
    return data


@cache
def countries() -> dict[str, Country]:
    """ISO3 -> Country for every non-deprecated hdx row, sorted by ISO3; built once per process."""
    dac = dac_members()
    return {
        row["iso3"]: Country(
            **{
                **row,
                "un_groups": tuple(row["un_groups"]),
                "official_languages": tuple(row["official_languages"]),
            },
            dac_member=row["iso3"] in dac,
        )
        for row in snapshot()["countries"]
    }


def country(iso3: str) -> Country:
    """The Country for an ISO3 code (exact, upper case); KeyError if unknown."""
    return countries()[iso3]


def state_name(iso3: str, lang: str = "en") -> str:
    """A State's M49 name in one of the six UN languages (``state_name("DEU", "fr")`` -> Allemagne)."""
    c = country(iso3)
    return c.names.get(lang) or c.name


def region_name(name: str | None, lang: str = "en") -> str | None:
    """An M49 region given by its English name ("Eastern Africa") in ``lang``, from CLDR.

    English and a region CLDR does not name (Channel Islands) keep the English name."""
    if not name or lang == "en":
        return name
    from babel import Locale

    code = snapshot()["region_codes"].get(name)
    return Locale.parse(lang).territories.get(code, name) if code else name


@cache
def _iso2_index() -> dict[str, str]:
    return {c.iso2: c.iso3 for c in countries().values()}


def iso2_to_iso3(iso2: str) -> str | None:
    """ISO3 for an ISO 3166-1 alpha-2 code, case-insensitive; None if unknown."""
    return _iso2_index().get(iso2.strip().upper())


def _fold(text: str) -> str:
    """Comparison key: case, accents, apostrophe style, dashes/underscores and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("_", " ").replace("-", " ").split())


@cache
def _name_index() -> dict[str, str]:
    """Folded name -> ISO3: the six UN-language names, then hdx's other variants (formal
    names, "United Kingdom", "UK", ...). No two States share a folded name (tested)."""
    known = countries()
    index = {_fold(n): c.iso3 for c in known.values() for n in c.names.values()}
    for name, iso3 in snapshot()["names"].items():
        index.setdefault(_fold(name), iso3)
    return index


def suggest(value: str, choices: Iterable[str], cutoff: float = _CUTOFF) -> str | None:
    """The choice closest to value for a "did you mean" hint, or None if none is close.

    Comparison ignores case, accents and ``_``/``-``/space differences; an exact match
    wins, then the highest difflib ratio (at least cutoff), ties going to the longer
    common prefix (so "KEM" suggests "KEN" rather than "KHM"), then alphabetical order.
    """
    key = _fold(value)
    if not key:
        return None
    folded: dict[str, str] = {}
    for choice in sorted(choices):
        folded.setdefault(_fold(choice), choice)
    if key in folded:
        return folded[key]
    matcher = difflib.SequenceMatcher(b=key)  # difflib caches facts about b: reuse it
    best: tuple[float, int] = (cutoff, -1)
    found = None
    for candidate, choice in folded.items():
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < best[0] or matcher.quick_ratio() < best[0]:
            continue  # cheap upper bounds already lose
        score = (matcher.ratio(), len(commonprefix([key, candidate])))
        if score > best:
            best, found = score, choice
    return found


def _alias_match(text: str) -> str | None:
    """The one State whose hdx alias pattern ("burma", "ivory coast", ...) matches text, if exactly one."""
    hits = {iso3 for iso3, pattern in _aliases().items() if pattern.search(text)}
    return hits.pop() if len(hits) == 1 else None


@cache
def _aliases() -> dict[str, re.Pattern[str]]:
    return {iso3: re.compile(pattern, flags) for iso3, (pattern, flags) in snapshot()["aliases"].items()}


def suggest_iso3(text: str) -> str | None:
    """Closest ISO3 to a code or name a user typed, for "did you mean"; None if nothing plausible.

    Tried in order, first answer wins: a known ISO3/ISO2 code; an exact name in any of
    the six UN languages (or an hdx variant such as "UK"); a name one typo away
    ("Nigerria"); a former or colloquial name hdx's alias patterns recognise ("Burma",
    "Holland", "DRC"); for 2-3 letter input, a close ISO3/ISO2 code ("KEM"); a looser
    close name. Name cutoffs are stricter than difflib's default so that short names do
    not drift to unrelated States ("Korea" is not "Noruega").
    """
    text = text.strip()
    if not text:
        return None
    code = text.upper()
    if code in countries():
        return code
    if iso3 := iso2_to_iso3(code):
        return iso3
    names = _name_index()
    if iso3 := names.get(_fold(text)):
        return iso3
    if match := suggest(text, names, _TYPO_CUTOFF):
        return names[match]
    if iso3 := _alias_match(text):
        return iso3
    if code.isalpha() and len(code) == 3 and (match := suggest(code, countries())):
        return match
    if code.isalpha() and len(code) == 2 and (match := suggest(code, _iso2_index())):
        return _iso2_index()[match]
    match = suggest(text, names, _NAME_CUTOFF)
    return names[match] if match else None


@cache
def articles() -> dict[int, Article]:
    """Article number -> Article for the 71 articles of the Convention."""
    return {
        int(r["article"]): Article(int(r["article"]), r["chapter"], r["chapter_title"], r["title"])
        for r in _rows("uncac_articles.csv")
    }


@cache
def chapters() -> dict[str, str]:
    """Chapter numeral ("I".."VIII") -> chapter title, in the Convention's order."""
    return {a.chapter: a.chapter_title for a in articles().values()}


@cache
def forms() -> dict[str, Form]:
    """Form code -> Form, in the checklist's order."""
    return {r["code"]: Form(r["code"], r["label"]) for r in _rows("assistance_forms.csv")}


@cache
def dac_members() -> frozenset[str]:
    """ISO3 codes of the OECD DAC member countries (the EU, also a member, is not a country)."""
    return frozenset(r["iso3"] for r in _rows("dac_members.csv"))
