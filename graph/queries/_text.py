"""How alike two projects are described: cosine similarity of character n-gram TF-IDF vectors
of their titles and descriptions (graph/queries/README.md section 1, "text").

Character n-grams inside words (3 to 5 characters, accents and case folded) match across the
languages donors write in — "corrupción", "corruption", "Korruption" share most of their
n-grams — with no model to download and no word lists per language. The inverse document
frequency is taken over every live project in the store, so an n-gram every title has
("project", "support") weighs little and the answer does not depend on a question's filters.

Own implementation rather than scikit-learn's ``TfidfVectorizer(analyzer="char_wb")``: the same
weighting (sublinear tf, smoothed idf, L2 norm) in some sixty lines, instead of a new dependency
(scikit-learn brings scipy, joblib and threadpoolctl) loaded by every command that asks a question.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

NGRAMS = (3, 4, 5)
_WORD = re.compile(r"\w+")

Vector = dict[str, float]


def fold(text: str) -> str:
    """Lower case without accents: "Corrupción" -> "corrupcion"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def ngrams(text: str) -> Counter[str]:
    """Character n-grams of each word padded with a space at both ends (" cor", "ion ")."""
    out: Counter[str] = Counter()
    for word in _WORD.findall(fold(text)):
        padded = f" {word} "
        for n in NGRAMS:
            out.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


@lru_cache(maxsize=2)
def vectors(texts: tuple[tuple[str, str], ...]) -> dict[str, Vector]:
    """Project id -> its unit TF-IDF vector, for ``(id, text)`` pairs (cached per corpus)."""
    counts = {pid: ngrams(text) for pid, text in texts}
    df: Counter[str] = Counter()
    for grams in counts.values():
        df.update(grams.keys())
    n = len(counts)
    idf = {g: math.log((1 + n) / (1 + d)) + 1 for g, d in df.items()}
    out: dict[str, Vector] = {}
    for pid, grams in counts.items():
        weights = {g: (1 + math.log(c)) * idf[g] for g, c in grams.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        out[pid] = {g: w / norm for g, w in weights.items()}
    return out


def similarity(a: Vector | None, b: Vector | None) -> float:
    """Cosine of two unit vectors, in [0, 1] (0 when either text is empty)."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return min(1.0, sum(w * large.get(g, 0.0) for g, w in small.items()))
