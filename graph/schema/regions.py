"""Regions that projects reach: IATI recipient regions as reference data, with member States.

Two vocabularies of IATI's ``recipient-region`` are known. **OECD DAC regions** (vocabulary 1,
ids ``dac-<code>``, the IATI Region codelist) are regions *of aid recipients*: their members
are the States of the M49 areas named in ``data/dac_regions.csv`` that are not OECD-DAC
members (``data/dac_members.csv``), the rule and the M49 areas chosen for each code written
next to it. **UN M49 areas** (vocabulary 2, ids ``m49-<code>``: regions, sub-regions and
intermediate regions, from ``hdx-python-country``) hold every State placed in them. A region
is ``global`` when it holds every recipient (DAC 998, M49 001 World), else ``regional``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from tacmap.graph.schema import reference
from tacmap.graph.schema.codelists import codelist

YUGOSLAVIA = ("BIH", "HRV", "MKD", "MNE", "SRB", "SVN", "XKX")  # successor States (DAC 88)


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    vocabulary: str  # IATI RegionVocabulary: 1 OECD DAC, 2 UN M49
    code: str
    scope: str  # regional | global
    members: tuple[str, ...]  # ISO3, sorted


def _m49_areas() -> dict[str, tuple[str, set[str]]]:
    """M49 area code -> (English name, member ISO3 codes), from the hdx rows."""
    return {code: (name, set(members)) for code, (name, members) in reference.snapshot()["m49_areas"].items()}


@cache
def regions() -> dict[str, Region]:
    """Region id -> Region, for both vocabularies; built once per process."""
    areas = _m49_areas()
    known = reference.countries()
    recipients = {iso3 for iso3, c in known.items() if not c.dac_member}
    out: dict[str, Region] = {}
    for code, (name, members) in sorted(areas.items()):
        scope = "global" if code == "001" else "regional"
        out[f"m49-{code}"] = Region(f"m49-{code}", name, "2", code, scope, tuple(sorted(members)))
    text = files("tacmap.graph.schema").joinpath("data", "dac_regions.csv").read_text(encoding="utf-8")
    names = codelist("Region")
    for row in csv.DictReader(text.splitlines()):
        code = row["code"]
        if row["m49"]:
            members = set().union(*(areas[m][1] for m in row["m49"].split(";")))
        else:
            members = {iso3 for iso3 in YUGOSLAVIA if iso3 in known}
        out[f"dac-{code}"] = Region(
            f"dac-{code}", names[code].name, "1", code, row["scope"], tuple(sorted(members & recipients))
        )
    return dict(sorted(out.items()))
