"""CSV as every Excel saves it: the encoding, the column separator and the decimal separator.

Excel in English writes ``,`` between columns; in French, Spanish, Russian and most other
languages whose decimal separator is a comma, it writes ``;`` and numbers as ``1234,5`` (with a
space, a no-break space or a dot between thousands when the cell is formatted so). Its plain
"CSV" is in the Windows code page of the language (Windows-1252 in Western Europe, Windows-1251 in
Cyrillic); only "CSV UTF-8" is UTF-8. So:

- UTF-8 (with or without a BOM) is read as such; anything else is given to charset-normalizer,
  limited to the code pages Excel writes. When several fit the bytes equally well, readings in
  one script (Latin: Windows-1252, -1250, -1257 differ in a few accented letters) go to the code
  page listed first in :data:`LEGACY`; readings in different scripts are refused (a lone ``é`` is
  ``й`` in Windows-1251);
- the header row says the separator: ``;`` when it holds ``;`` and no ``,``, else ``,``; a header
  holding both is refused;
- in a ``;`` file the numeric columns' decimal comma becomes a dot and the thousands separators go
  (``1 234,5`` -> ``1234.5``, ``1.234.567`` -> ``1234567``); ``1.234`` could be either and is refused.

Every refusal says how to save the file so that nothing needs guessing: CSV UTF-8.
"""

from __future__ import annotations

import re
import unicodedata

from charset_normalizer import from_bytes

SAVE_AS = "save it from Excel as CSV UTF-8 (File › Save As › CSV UTF-8)"

# The code pages Excel saves "CSV" in, by the language of Windows, and what to call them.
LEGACY = {
    "cp1252": "Windows-1252 (Western European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "mac_roman": "Mac Roman",
    "gb18030": "GB18030 (Chinese)",
}
# Two readings as good as each other: chaos (mess in the text) and coherence (how much it looks
# like a language) within these margins.
CHAOS_MARGIN = 0.02
COHERENCE_MARGIN = 0.05
MAX_CHAOS = 0.1
SAMPLE_BYTES = 64 * 1024
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")

NUMERIC_KINDS = ("number", "percent", "integer")
_SPACES = re.compile(r"[ \u00a0\u202f]")
_COMMA_DECIMAL = re.compile(r"\d{1,3}(\.\d{3})+,\d+|\d+(,\d+)?")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3}){2,}")
_DOT_OR_THOUSANDS = re.compile(r"[1-9]\d{0,2}\.\d{3}")


class Unreadable(ValueError):
    """The file cannot be read without guessing; the message says why and how to save it."""


def decode(data: bytes) -> str:
    """The text of a CSV file (without its BOM), in UTF-8 or the one code page that fits it."""
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        not_utf8 = f"not UTF-8 text (byte 0x{data[exc.start]:02X} at position {exc.start})"
    sample = _sample(data)
    matches = list(from_bytes(sample, cp_isolation=list(LEGACY)))
    best = min(matches, key=lambda m: m.chaos, default=None)
    if best is None or best.chaos > MAX_CHAOS:
        raise Unreadable(f"{not_utf8} and in no code page Excel writes: {SAVE_AS}")
    rivals = [
        m
        for m in matches
        if m.chaos <= best.chaos + CHAOS_MARGIN and m.coherence >= best.coherence - COHERENCE_MARGIN
    ]
    readings = {m.encoding: str(m) for m in rivals}  # of the sample
    if len({_scripts(text) for text in readings.values()}) > 1:
        names = sorted(LEGACY[e] for e in readings)
        raise Unreadable(f"{not_utf8}, and it reads as {' or '.join(names[:3])} alike: {SAVE_AS}")
    # Readings in one script differ in a few letters only: the code page listed first wins, also
    # over one the detector left out because it reads the sample exactly as a listed one does.
    chosen = next(e for e in LEGACY if e in readings or _reads(sample, e) in readings.values())
    try:
        return data.decode(chosen)
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"{not_utf8}; it reads as {LEGACY[chosen]} but for byte 0x{data[exc.start]:02X} at position "
            f"{exc.start}: {SAVE_AS}"
        ) from None


def _reads(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _sample(data: bytes) -> bytes:
    """The lines holding bytes beyond ASCII, up to SAMPLE_BYTES: all a detector needs to look at,
    so that a 50 MB file costs what a small one does."""
    lines, size = [], 0
    for match in _NON_ASCII_LINE.finditer(data):
        lines.append(match.group())
        size += len(lines[-1]) + 1  # and the line end joining them
        if size >= SAMPLE_BYTES:
            break
    return b"\n".join(lines)


def _scripts(text: str) -> frozenset[str]:
    """The scripts of a text's letters beyond ASCII (LATIN, CYRILLIC, GREEK, ARABIC...)."""
    return frozenset(
        unicodedata.name(ch, "?").split()[0] for ch in set(text) if ord(ch) > 127 and ch.isalpha()
    )


def separator(header: str) -> str:
    """The column separator the header row uses."""
    if ";" in header and "," in header:
        raise Unreadable(f"the header row holds both , and ; so the columns cannot be told apart: {SAVE_AS}")
    return ";" if ";" in header else ","


def decimal_point(text: str) -> str:
    """A number as a ``;`` file writes it (``1 234,5``), as tacmap reads numbers (``1234.5``);
    a text that is no such number is returned as it is, for validation to name."""
    bare = _SPACES.sub("", text.strip())
    if _COMMA_DECIMAL.fullmatch(bare):
        return bare.replace(".", "").replace(",", ".")
    if _DOT_THOUSANDS.fullmatch(bare):
        return bare.replace(".", "")
    if _DOT_OR_THOUSANDS.fullmatch(bare):
        raise ValueError(
            f"'{text}' could be {bare.replace('.', '')} or {bare} in a file with ; between columns: "
            f"write {bare.replace('.', '')} or {bare.replace('.', ',')}, or {SAVE_AS}"
        )
    return text


def share_decimal_point(text: str) -> str:
    """``KEN:60,5;UGA:39,5`` -> ``KEN:60.5;UGA:39.5``: the percentages of a shares cell."""
    items = []
    for item in text.split(";"):
        code, sep, percent = item.partition(":")
        items.append(f"{code}{sep}{decimal_point(percent)}" if sep else item)
    return ";".join(items)
