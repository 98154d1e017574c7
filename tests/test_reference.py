"""Reference data: real facts from the packaged CSVs, hdx-python-country, countrygroups and Babel."""

import socket

import pytest
from countrygroups import UN_REGIONAL_GROUPS
from hdx.location.country import Country as HDXCountry
from tacmap.graph.schema import reference
from tacmap.graph.schema.reference import (
    UN_GROUPS,
    UN_LANGUAGES,
    articles,
    chapters,
    countries,
    country,
    dac_members,
    forms,
    iso2_to_iso3,
    suggest,
    suggest_iso3,
)


def _clear_caches() -> None:
    for value in vars(reference).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def test_constants():
    assert UN_LANGUAGES == ("ar", "zh", "en", "fr", "ru", "es")
    assert list(UN_GROUPS) == ["african", "asia_pacific", "eastern_european", "grulac", "weog"]
    assert UN_GROUPS["grulac"] == "Latin American and Caribbean Group"


def test_kenya():
    ken = country("KEN")
    assert (ken.iso2, ken.m49, ken.name) == ("KE", 404, "Kenya")
    assert (ken.region, ken.subregion) == ("Africa", "Eastern Africa")
    assert (ken.un_group, ken.un_groups) == ("african", ("african",))
    assert {"sw", "en"} <= set(ken.official_languages)
    assert ken.names["fr"] == "Kenya"
    assert ken.names["ar"] == "كينيا"
    assert ken.income_group == "Lower middle"
    assert ken.lat == pytest.approx(0.53, abs=0.5) and ken.lon == pytest.approx(37.9, abs=0.5)
    assert not ken.dac_member


def test_subregion_falls_back_to_m49_subregion():
    assert country("TUR").subregion == "Western Asia"  # no intermediate region in M49


def test_country_unknown_raises_keyerror():
    with pytest.raises(KeyError):
        country("XXX")


def test_countries_sorted_cached_and_hashable():
    all_ = countries()
    assert list(all_) == sorted(all_)
    assert countries() is all_
    assert len({c for c in all_.values()}) == len(all_)


def test_every_country_has_six_nonempty_names():
    for c in countries().values():
        assert set(c.names) == set(UN_LANGUAGES), c.iso3
        assert all(c.names.values()), c.iso3
        assert c.name == c.names["en"]


def test_every_name_leads_back_to_its_country():
    """No two States share a name in any UN language, so exact names are unambiguous."""
    for c in countries().values():
        for name in c.names.values():
            assert suggest_iso3(name) == c.iso3, (c.iso3, name)


def test_turkiye_is_primarily_weog_but_keeps_both_groups():
    tur = country("TUR")
    assert tur.name == "Türkiye"
    assert tur.un_group == "weog"
    assert tur.un_groups == ("asia_pacific", "weog")


def test_turkiye_is_the_only_state_in_two_groups():
    """If the package lists another State twice, the WEOG-first rule must be reviewed."""
    assert [c.iso3 for c in countries().values() if len(c.un_groups) > 1] == ["TUR"]


def test_un_groups_cover_the_member_states():
    with_group = [c for c in countries().values() if c.un_group]
    assert len(with_group) >= 190
    for code in UN_GROUPS:
        assert any(c.un_group == code for c in with_group), code
    assert set(UN_REGIONAL_GROUPS) <= set(countries())  # no listed State lost
    assert country("USA").un_group == "weog"
    assert country("PSE").un_group is None and country("PSE").un_groups == ()


def test_official_languages_are_iso_639_1():
    for c in countries().values():
        langs = c.official_languages
        assert all(len(lang) == 2 and lang.isalpha() and lang.islower() for lang in langs), c.iso3
        assert len(set(langs)) == len(langs), c.iso3
    assert country("TWN").official_languages == ("zh",)  # from zh_Hant
    assert "fr" in country("CHE").official_languages


def test_articles():
    arts = articles()
    assert list(arts) == list(range(1, 72))
    a46 = arts[46]
    assert (a46.number, a46.title, a46.chapter) == (46, "Mutual legal assistance", "IV")
    assert a46.chapter_title == "International cooperation"


def test_chapters_in_order():
    chs = chapters()
    assert list(chs) == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    assert chs["I"] == "General provisions"
    assert chs["V"] == "Asset recovery"


def test_forms():
    fs = forms()
    assert next(iter(fs)) == "legal_advice"
    assert fs["legal_advice"].label == "Legal advice"
    assert "other" in fs


def test_dac_members():
    dac = dac_members()
    assert len(dac) == 31
    assert dac <= set(countries())
    assert "GBR" in dac and country("GBR").dac_member
    assert "IDN" not in dac and not country("IDN").dac_member


def test_iso2_to_iso3():
    assert iso2_to_iso3("ke") == "KEN"
    assert iso2_to_iso3("GB") == "GBR"
    assert iso2_to_iso3("ZZ") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KEM", "KEN"),  # typo in a code
        ("Kenya", "KEN"),
        ("kenia", "KEN"),
        (" ken ", "KEN"),
        ("ke", "KEN"),
        ("Кения", "KEN"),
        ("Côte d’Ivoire", "CIV"),
        ("cote d'ivoire", "CIV"),
        ("United Kingdom", "GBR"),
        ("Turkey", "TUR"),
        ("Nigerria", "NGA"),  # a typo, not Niger
        ("Burma", "MMR"),
        ("DRC", "COD"),
        ("zzzzzzzz", None),
        ("", None),
    ],
)
def test_suggest_iso3(text, expected):
    assert suggest_iso3(text) == expected


def test_suggest():
    assert suggest("legal advise", forms()) == "legal_advice"
    assert suggest("On-site expert", forms()) == "on_site_expert"
    assert suggest("xylophone", forms()) is None
    assert suggest("KEM", ["KHM", "KEN"]) == "KEN"  # tie broken by common prefix
    assert suggest("", ["a"]) is None


def test_loading_never_touches_the_network(monkeypatch):
    """Everything loads from packaged files even when hdx would otherwise go live."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)

    # Force a reload, with hdx's own default of going live unless told otherwise.
    monkeypatch.setattr(HDXCountry, "_countriesdata", None)
    monkeypatch.setattr(HDXCountry, "_use_live", True)
    _clear_caches()
    try:
        assert len(countries()) > 240
        assert articles() and chapters() and forms() and dac_members()
        assert suggest_iso3("Holland") == "NLD"
        assert iso2_to_iso3("ke") == "KEN"
    finally:
        _clear_caches()
    assert attempts == []
