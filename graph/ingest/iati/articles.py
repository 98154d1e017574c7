"""Which UNCAC articles an activity works on, and on what basis.

The first of these that finds any article wins (``iati_mapping.md``, "Articles"):

1. ``stated`` — a tag code or a text naming an article ("UNCAC article 9", ``UNCAC-9``);
2. ``keywords`` — ``graph/schema/data/iati_keywords.csv`` over title, descriptions, tags and
   the reporting organisation's own policy markers, in every language;
3. ``sdg`` — the default articles of a selected SDG target (16.5 -> 5);
4. ``sector`` — the default articles of the activity's selected DAC codes (15113 -> 6, 36).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from tacmap.graph.ingest.iati.activity import DAC_5_DIGIT, SDG_TARGET, TAG_SDG_TARGET, Activity
from tacmap.graph.ingest.iati.codelists import codelist
from tacmap.graph.ingest.iati.select import Selection, fold, terms_regex
from tacmap.graph.schema.reference import articles as uncac_articles

# DAC sector -> default articles, used only when nothing more specific names an article.
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
# SDG target -> default articles (same rule as the sectors).
SDG_ARTICLES: dict[str, tuple[int, ...]] = {
    "16.5": (5,),  # reduce corruption and bribery -> preventive anti-corruption policies (art. 5)
    "16.4": (14, 51),  # illicit financial flows, stolen assets -> money-laundering (14), asset recovery (51)
}
BASES: tuple[str, ...] = ("stated", "keywords", "sdg", "sector")

# Explicit article references: a tag code "UNCAC-9", text "UNCAC article 9", "article 9 of UNCAC".
_ACRONYM = r"(?:uncac|cnucc)"
_ARTICLE_WORD = r"(?:articles?|arts?\.?|articulos?|artigos?)"
_EXPLICIT = (
    re.compile(rf"\b{_ACRONYM}\W{{0,3}}(?:{_ARTICLE_WORD}\W{{0,2}})?(\d{{1,2}})\b"),
    re.compile(
        rf"\b{_ARTICLE_WORD}\W{{0,2}}(\d{{1,2}})\W{{1,3}}(?:(?:of|de|du|da|del)\W+)?(?:(?:the|la|a)\W+)?{_ACRONYM}\b"
    ),
)


@dataclass(frozen=True)
class Keyword:
    keyword: str
    language: str
    articles: tuple[int, ...]


@cache
def keywords() -> tuple[Keyword, ...]:
    """The keyword -> articles table (``graph/schema/data/iati_keywords.csv``), longest first."""
    text = files("tacmap.graph.schema").joinpath("data", "iati_keywords.csv").read_text(encoding="utf-8")
    out = [
        Keyword(row["keyword"], row["language"], tuple(int(a) for a in row["articles"].split(";")))
        for row in csv.DictReader(text.splitlines())
    ]
    return tuple(sorted(out, key=lambda k: -len(k.keyword)))


@cache
def _keyword_regex() -> re.Pattern[str]:
    """All keywords in one alternation, longest first, so that at each position the longest
    keyword wins and its words are not matched again by a shorter one ("foreign bribery")."""
    return terms_regex([kw.keyword for kw in keywords()])


def activity_articles(
    act: Activity, selection: Selection
) -> tuple[dict[int, str], list[str], dict[int, str]]:
    """Article -> basis (one of :data:`BASES`), what matched, and article -> its evidence (the
    keyword, the SDG target or the DAC code of an inferred article), for one activity."""
    valid = uncac_articles()
    found: dict[int, str] = {}
    evidence: dict[int, str] = {}
    hits: list[str] = []
    texts = [t for _, t in act.titles] + [t for _, t in act.descriptions]
    texts += [f"{code} {text}" for _, code, text in act.tags]
    texts += [text for vocab, _, text in act.policy_markers if vocab == "99"]
    folded = [fold(t) for t in texts]
    for text in folded:
        for pattern in _EXPLICIT:
            for m in pattern.finditer(text):
                number = int(m.group(1))
                if number in valid and number not in found:
                    found[number] = "stated"
                    hits.append(f"'{m.group(0)}'")
    table, regex = keywords(), _keyword_regex()
    for text in folded:
        for m in regex.finditer(text):
            kw = table[int(m.lastgroup[1:])]  # type: ignore[index]
            new = [a for a in kw.articles if a not in found]
            for a in new:
                found[a] = "keywords"
                evidence[a] = kw.keyword
            if new:
                hits.append(f"'{kw.keyword}'")
    if found:
        return found, hits, evidence
    targets = {c.lower() for v, c, _ in act.all_sectors() if v == SDG_TARGET}
    targets |= {c.lower() for v, c, _ in act.tags if v == TAG_SDG_TARGET}
    for target in sorted(targets & selection.sdg):
        for a in SDG_ARTICLES.get(target, ()):
            if a not in found:
                found[a], evidence[a] = "sdg", target
        if target in SDG_ARTICLES:
            hits.append(f"SDG target {target}")
    if found:
        return found, hits, evidence
    names = codelist("Sector")
    for vocab, code, _ in act.all_sectors():
        if vocab != DAC_5_DIGIT or not (code in selection.dac5 or code[:3] in selection.dac3):
            continue
        defaults = [a for a in SECTOR_ARTICLES.get(code, ()) if a not in found]
        for a in defaults:
            found[a], evidence[a] = "sector", code
        if defaults:
            hits.append(f"DAC {code} {names[code].name if code in names else ''}".strip())
    return found, hits, evidence


# The import's bases (:data:`BASES` and the merge's ``store``/``given``) -> a record's basis kind.
RECORD_BASIS: dict[str, str] = {"keywords": "keyword", "sdg": "sdg", "sector": "sector"}


def record_basis(basis: str, evidence: str | None) -> str:
    """What a project record keeps of an import basis: ``stated`` (a tag or text naming the article,
    or the officer's ``--articles``), else ``keyword:<words>``, ``sdg:<target>``, ``sector:<code>``."""
    kind = RECORD_BASIS.get(basis)
    return f"{kind}:{evidence}" if kind and evidence else "stated"
