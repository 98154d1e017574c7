"""Which activities are anti-corruption work: the selection, and why each activity is in it.

The default finds the work wherever publishers code it: DAC purpose code 15113
(anti-corruption organisations and institutions), SDG target 16.5 ("substantially reduce
corruption and bribery in all their forms", as a sector of vocabulary 8 or a tag of vocabulary
3), or a keyword of ``graph/schema/data/iati_selection_keywords.csv`` in the title or a
description (the six UN languages and the donor languages real files use). ``--sectors``
replaces the codes: DAC 5-digit codes (vocabulary 1), DAC 3-digit categories (vocabulary 2)
and SDG targets (``sdg:16.5``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from tacmap.graph.ingest.iati.activity import DAC_3_DIGIT, DAC_5_DIGIT, SDG_TARGET, TAG_SDG_TARGET
from tacmap.graph.ingest.iati.codelists import codelist
from tacmap.graph.ingest.problems import BundleError, Problem

DEFAULT_SECTORS: tuple[str, ...] = ("15113", "sdg:16.5")
_SDG = re.compile(r"sdg:(\d{1,2})\.(\d{1,2}|[a-z])", re.IGNORECASE)
# Scripts whose words are not separated (Chinese, Japanese) or take attached prefixes (Arabic "ال"):
# their terms match inside words.
_UNSPACED = re.compile(r"[\u0600-\u06ff\u3040-\u30ff\u3400-\u9fff]")


def fold(text: str) -> str:
    """Comparison form of a phrase: case, accents, apostrophe style, dashes and spacing ignored."""
    bare = text.casefold().replace("\u2019", "'")
    if not bare.isascii():
        decomposed = unicodedata.normalize("NFKD", bare)
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("-", " ").replace("_", " ").split())


def term_body(term: str) -> str:
    """A folded term as a regular expression, ``*`` ending a word with any ending."""
    return r"\w*".join(re.escape(part) for part in fold(term).split("*"))


def unspaced(term: str) -> bool:
    """Chinese, Japanese and Arabic terms match anywhere (see ``_UNSPACED``)."""
    return bool(_UNSPACED.search(term))


def terms_regex(terms: list[str]) -> re.Pattern[str]:
    """One pattern for many terms, group ``t<i>`` for the i-th: whole words for alphabetic
    terms (the word-start test is made once per position, not once per term, which keeps it
    fast on long descriptions), anywhere for Chinese, Japanese and Arabic ones."""
    words = [f"(?P<t{i}>{term_body(t)})" for i, t in enumerate(terms) if not unspaced(t)]
    cjk = [f"(?P<t{i}>{term_body(t)})" for i, t in enumerate(terms) if unspaced(t)]
    parts = [rf"(?<!\w)(?:{'|'.join(words)})(?!\w)"] if words else []
    parts += ["|".join(cjk)] if cjk else []
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class Term:
    term: str
    language: str


@cache
def selection_terms() -> tuple[Term, ...]:
    text = (
        files("tacmap.graph.schema")
        .joinpath("data", "iati_selection_keywords.csv")
        .read_text(encoding="utf-8")
    )
    terms = [Term(row["term"], row["language"]) for row in csv.DictReader(text.splitlines())]
    return tuple(sorted(terms, key=lambda t: -len(t.term)))


@cache
def _anchors() -> tuple[str, ...]:
    """A short piece of every term — the first five letters of its longest word, which carry no
    accent in any term of the table, so they are found in text that is only case-folded: a text
    holding none of them cannot match, and ``in`` finds that far faster than the regular
    expression or the accent folding (most activities are not about corruption)."""
    words = {max(fold(t.term).split("*")[0].split(), key=len) for t in selection_terms()}
    kept = {
        w for w in words if not any(o != w and o in w for o in words)
    }  # "corrupt" covers "anticorruption"
    return tuple(sorted({w[:5] for w in kept}))


@cache
def _terms_regex() -> re.Pattern[str]:
    return terms_regex([t.term for t in selection_terms()])


class SelectionError(BundleError):
    exit_code = 2


@dataclass(frozen=True)
class Selection:
    """What to keep: DAC 5-digit codes, DAC 3-digit categories, SDG targets, and keywords."""

    dac5: frozenset[str]
    dac3: frozenset[str]
    sdg: frozenset[str]
    keywords: bool = True

    @classmethod
    def parse(cls, items: list[str] | tuple[str, ...] | None, *, keywords: bool = True) -> Selection:
        """``["15113", "151", "sdg:16.5"]`` -> a Selection; raises :class:`SelectionError` naming
        each item that is not a DAC code or an SDG target."""
        sectors, categories = codelist("Sector"), codelist("SectorCategory")
        dac5, dac3, sdg, problems = set(), set(), set(), []
        for raw in items if items is not None else DEFAULT_SECTORS:
            code = raw.strip()
            if not code:
                continue
            sdg_match = _SDG.fullmatch(code)
            if sdg_match and 1 <= int(sdg_match.group(1)) <= 17:
                sdg.add(f"{int(sdg_match.group(1))}.{sdg_match.group(2).lower()}")
            elif code in sectors:
                dac5.add(code)
            elif code in categories:
                dac3.add(code)
            else:
                near = [c for c in sectors if c[:3] == code[:3]][:5] if len(code) >= 3 else []
                hint = f" (codes starting {code[:3]}: {', '.join(near)})" if near else ""
                problems.append(
                    Problem(
                        "--sectors",
                        None,
                        None,
                        code,
                        f"'{code}' is not a DAC 5-digit sector code, a DAC 3-digit category or an SDG "
                        f"target such as sdg:16.5{hint}",
                    )
                )
        if problems:
            raise SelectionError(problems)
        if not (dac5 or dac3 or sdg or keywords):
            raise SelectionError(
                [Problem("--sectors", None, None, None, "give at least one code (e.g. 15113 or sdg:16.5)")]
            )
        return cls(frozenset(dac5), frozenset(dac3), frozenset(sdg), keywords)

    def describe(self) -> list[str]:
        """The selection in words, for the report."""
        names = codelist("Sector")
        out = [f"DAC {c} {names[c].name}" for c in sorted(self.dac5)]
        out += [f"DAC category {c} {codelist('SectorCategory')[c].name}" for c in sorted(self.dac3)]
        out += [f"SDG target {t}" for t in sorted(self.sdg)]
        if self.keywords:
            out.append(
                f"anti-corruption keywords in titles and descriptions ({len(selection_terms())} terms)"
            )
        return out

    def codes(self) -> list[str]:
        return sorted(self.dac5) + sorted(self.dac3) + [f"sdg:{t}" for t in sorted(self.sdg)]

    def reasons(
        self, sectors: list[tuple[str, str]], tags: list[tuple[str, str]], texts: list[str]
    ) -> list[str]:
        """Why an activity is selected ([] when it is not): each code or keyword that matched."""
        out: list[str] = []
        for vocab, code in sectors:
            if vocab == DAC_5_DIGIT and code in self.dac5:
                out.append(f"DAC {code}")
            elif vocab == DAC_5_DIGIT and code[:3] in self.dac3:
                out.append(f"DAC {code} (category {code[:3]})")
            elif vocab == DAC_3_DIGIT and code in self.dac3:
                out.append(f"DAC category {code}")
            elif vocab == SDG_TARGET and code.lower() in self.sdg:
                out.append(f"SDG target {code}")
        for vocab, code in tags:
            if vocab == TAG_SDG_TARGET and code.lower() in self.sdg:
                out.append(f"SDG target {code} (tag)")
        if self.keywords:
            table, regex = selection_terms(), _terms_regex()
            anchors = _anchors()
            for text in texts:
                lowered = text.casefold()
                if not any(a in lowered for a in anchors):
                    continue
                for m in regex.finditer(fold(text)):
                    reason = f"keyword '{table[int(m.lastgroup[1:])].term}'"  # type: ignore[index]
                    if reason not in out:
                        out.append(reason)
        return list(dict.fromkeys(out))

    def share(self, sectors: list[tuple[str, str, float | None]]) -> float | None:
        """Percentage of the activity in the selected codes (sector percentages), or None when
        the publisher gives none or the selection came from keywords only."""
        totals: dict[str, float] = {}
        for vocab, code, pct in sectors:
            hit = (
                (vocab == DAC_5_DIGIT and (code in self.dac5 or code[:3] in self.dac3))
                or (vocab == DAC_3_DIGIT and code in self.dac3)
                or (vocab == SDG_TARGET and code.lower() in self.sdg)
            )
            if hit and pct is not None:
                totals[vocab] = totals.get(vocab, 0.0) + pct
        # each vocabulary's percentages add up to 100 on their own: use the first that matched
        total = next((totals[v] for v in (DAC_5_DIGIT, DAC_3_DIGIT, SDG_TARGET) if v in totals), None)
        if total is None or total >= 100 or total <= 0:
            return None
        return round(total, 2)
