"""IATI codelists, read from the copies shipped in ``data/iati/``.

The codelists are IATI's own XML files, copied unchanged from pyIATI 0.4.1
(``iati/resources/standard/2-03/codelists/``) into ``graph/schema/data/iati/``; see
``graph/schema/data/README.md`` for why they are not read from the installed package.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Code:
    """One item of an IATI codelist."""

    code: str
    name: str
    category: str | None = None
    withdrawn: bool = False


def codelist_dir() -> Path:
    """Where the codelist files are read from: ``TACMAP_IATI_CODELISTS`` when set (a folder of
    newer IATI codelists with the same file names), else the copy shipped with tacmap."""
    from tacmap.graph.settings import settings

    override = settings().iati_codelists
    if override:
        return override
    return Path(str(files("tacmap.graph.schema").joinpath("data", "iati")))


_TRUSTED = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@cache
def codelist(name: str) -> dict[str, Code]:
    """Code -> :class:`Code` for one IATI codelist (``"Sector"``, ``"CRSChannelCode"``, ...)."""
    root = etree.parse(str(codelist_dir() / f"{name}.xml"), _TRUSTED).getroot()
    out: dict[str, Code] = {}
    for item in root.iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        label = next((n for n in item.iterfind("name/narrative") if n.get(XML_LANG) is None), None)
        out[code] = Code(
            code=code,
            name=(label.text or "").strip() if label is not None else code,
            category=(item.findtext("category") or "").strip() or None,
            withdrawn=item.get("status") == "withdrawn",
        )
    return out
