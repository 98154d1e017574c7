"""The country facts tacmap takes from hdx-python-country, countrygroups and Babel, kept as one
JSON file (``data/countries.json``) that :mod:`tacmap.graph.schema.reference` reads.

Why: importing hdx (it pulls in frictionless and requests) and deriving the facts with Babel costs
about a second in every process; the file loads in milliseconds. After upgrading one of those
packages, regenerate it with ``python -m tacmap.graph.schema.reference_snapshot``; a test fails
while the file differs from what the installed packages give. The rules (primary UN group, official
languages) are explained in :mod:`tacmap.graph.schema.reference`.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

SOURCES = ("hdx-python-country", "countrygroups", "babel")

# Attribute of countrygroups.UN_REGIONAL_GROUPS for each of our group codes, in UN_GROUPS order.
_GROUP_ATTRS = {
    "african": "AFRICAN_GROUP",
    "asia_pacific": "ASIA_PACIFIC_GROUP",
    "eastern_european": "EASTERN_EUROPEAN_GROUP",
    "grulac": "GRULAC",
    "weog": "WEOG",
}
_AREA_KEYS = (
    ("Region Name", "Region Code"),
    ("Sub-region Name", "Sub-region Code"),
    ("Intermediate Region Name", "Intermediate Region Code"),
)


def snapshot_path() -> Path:
    return Path(str(files("tacmap.graph.schema").joinpath("data", "countries.json")))


def _iso639_1(iso2: str) -> list[str]:
    """Official (incl. regional and de facto) languages as two-letter codes, in CLDR order."""
    from babel.languages import get_official_languages

    codes = (lang.split("_")[0] for lang in get_official_languages(iso2, regional=True, de_facto=True))
    return list(dict.fromkeys(c for c in codes if len(c) == 2))


def _un_groups() -> dict[str, list[str]]:
    """ISO3 -> every UN regional group code the State is listed in, in UN_GROUPS order."""
    from countrygroups import UN_REGIONAL_GROUPS

    out: dict[str, list[str]] = {}
    for code, attr in _GROUP_ATTRS.items():
        for iso3 in getattr(UN_REGIONAL_GROUPS, attr):
            out.setdefault(iso3, []).append(code)
    return out


def _primary_group(groups: list[str]) -> str | None:
    """WEOG wins for States in several groups (Türkiye)."""
    if "weog" in groups:
        return "weog"
    return groups[0] if groups else None


def _float(value: str | None) -> float | None:
    return float(value) if value else None


def build() -> dict[str, Any]:
    """The snapshot, from the installed packages (never the network: ``use_live=False``)."""
    from importlib.metadata import version

    from hdx.location.country import Country as HDXCountry
    from tacmap.graph.schema.reference import LANGUAGE_NAMES

    data = HDXCountry.countriesdata(use_live=False)
    rows = data["countries"]
    groups = _un_groups()
    countries: list[dict[str, Any]] = []
    areas: dict[str, list[Any]] = {"001": ["World", []]}
    region_codes: dict[str, str] = {}
    for iso3 in sorted(rows):
        row = rows[iso3]
        for name_key, code_key in _AREA_KEYS:
            if row.get(name_key) and row.get(code_key):
                region_codes.setdefault(row[name_key], row[code_key].zfill(3))
        if row.get("Deprecated") == "Y":
            continue
        name = row.get("M49 English") or row.get("English Short") or row["Preferred Term"]
        iso2 = row["ISO 3166-1 Alpha 2-Codes"]
        m49 = row.get("m49 numerical code")
        country_groups = groups.get(iso3, [])
        countries.append(
            {
                "iso3": iso3,
                "iso2": iso2,
                "m49": int(m49) if m49 else None,
                "name": name,
                "names": {
                    lang: row.get(f"M49 {word}") or row.get(f"{word} Short") or name
                    for lang, word in LANGUAGE_NAMES.items()
                },
                "region": row.get("Region Name") or None,
                "subregion": row.get("Intermediate Region Name") or row.get("Sub-region Name") or None,
                "lat": _float(row.get("Latitude")),
                "lon": _float(row.get("Longitude")),
                "income_group": row.get("World Bank Income Level") or None,
                "un_group": _primary_group(country_groups),
                "un_groups": country_groups,
                "official_languages": _iso639_1(iso2),
            }
        )
        areas["001"][1].append(iso3)
        for name_key, code_key in _AREA_KEYS:
            if row.get(name_key) and row.get(code_key):
                areas.setdefault(row[code_key].zfill(3), [row[name_key], []])[1].append(iso3)
    known = {c["iso3"] for c in countries}
    return {
        "sources": {name: version(name) for name in SOURCES},
        "countries": countries,
        "region_codes": region_codes,
        "m49_areas": dict(sorted(areas.items())),
        "names": {name: iso3 for name, iso3 in data["countrynames2iso3"].items() if iso3 in known},
        "aliases": {iso3: [p.pattern, p.flags] for iso3, p in data["aliases"].items() if iso3 in known},
    }


def main() -> None:
    """Write the snapshot from the installed packages."""
    path = snapshot_path()
    path.write_text(json.dumps(build(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
