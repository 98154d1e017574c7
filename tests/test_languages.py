"""The six UN languages: names from reference data, page words from the catalogs, the language chosen by
``?lang=``, ``Accept-Language`` or ``--lang``, and catalogs that stay complete as the code changes."""

from __future__ import annotations

import json
import re
import string
from html import unescape
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from tacmap import i18n
from tacmap.graph.schema.reference import UN_GROUPS, UN_LANGUAGES, country, region_name, state_name
from tacmap.graph.store import EmbeddedStore, Store
from tacmap.i18n import GROUP_NAMES, UnknownLanguage, check, extract, negotiate, plurals, use
from tacmap.viz.filters import KINDS
from tacmap.viz.home import home_page
from tacmap.viz.maps import build_map, map_spec
from tacmap.viz.render import graph_data
from tacmap.viz.style import EDGE_STYLES, NODE_STYLES
from typer.testing import CliRunner

from tests import map_world
from tests.map_world import AS_OF, EGO_NODE, world
from tests.test_api_support import Api, make_api

__all__ = ["world"]  # the module-scoped fixture, imported

OTHERS = [lang for lang in UN_LANGUAGES if lang != "en"]
KENYA = {"ar": "كينيا", "zh": "肯尼亚", "en": "Kenya", "fr": "Kenya", "ru": "Кения", "es": "Kenya"}
GERMANY = {
    "ar": "ألمانيا",
    "zh": "德国",
    "en": "Germany",
    "fr": "Allemagne",
    "ru": "Германия",
    "es": "Alemania",
}
AFRICAN_GROUP = {
    "ar": "مجموعة الدول الأفريقية",
    "zh": "非洲国家组",
    "en": "African Group",
    "fr": "Groupe des États d'Afrique",
    "ru": "Группа государств Африки",
    "es": "Grupo de Estados de África",
}


def options_for(kind: str) -> dict[str, object]:
    return {"node": EGO_NODE} if kind == "ego" else {"as_of": AS_OF}


def nodes_of(html: str) -> dict[str, dict]:
    found = re.search(r'<script type="application/json" id="map-nodes">(.*?)</script>', html, re.DOTALL)
    assert found
    return {n["id"]: n for n in json.loads(found.group(1))}


def legend_of(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r"<li><svg[^>]*>.*?</svg><span>([^<]*)</span></li>", html)]


# -- reference data ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_state_names_come_from_reference_data(lang: str) -> None:
    assert state_name("KEN", lang) == KENYA[lang]
    assert state_name("DEU", lang) == GERMANY[lang]
    assert country("KEN").names[lang] == KENYA[lang]


def test_region_names_come_from_cldr() -> None:
    assert region_name("Eastern Africa", "en") == "Eastern Africa"  # English keeps M49's wording
    assert region_name("Eastern Africa", "fr") == Locale.parse("fr").territories["014"] == "Afrique orientale"
    assert region_name("Africa", "ar") == Locale.parse("ar").territories["002"] == "أفريقيا"
    assert region_name("Sub-Saharan Africa", "zh") == Locale.parse("zh").territories["202"]
    assert region_name("Channel Islands", "ru") == "Channel Islands"  # CLDR has no name: English stays
    assert region_name(None, "fr") is None


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_group_names_come_from_the_catalogs(lang: str) -> None:
    assert GROUP_NAMES == UN_GROUPS  # worded as reference data words them
    with use(lang):
        assert i18n.group_name("african") == AFRICAN_GROUP[lang]
        names = [i18n.group_name(code) for code in UN_GROUPS]
    assert len(set(names)) == len(UN_GROUPS)
    assert (names == list(UN_GROUPS.values())) == (lang == "en")


# -- choosing the language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("fr", "fr"),
        ("fr-CA", "fr"),
        ("FR-ca", "fr"),
        ("zh-CN", "zh"),
        ("zh-Hans", "zh"),
        ("zh-Hans-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("de-DE,de;q=0.9,ar;q=0.8,fr;q=0.7", "ar"),  # German is not a UN language: the next best is
        ("en;q=0.3, ru", "ru"),  # quality, not order, decides
        ("ru;q=0.5, es;q=0.5", "ru"),  # equal quality: the header's order
        ("fr;q=0, es;q=0.1", "es"),  # q=0 refuses French
        ("*", "en"),
        ("de, it", "en"),
        ("fr;q=high, ar;q=0.4", "ar"),  # a broken entry is skipped, not fatal
        ("!!!, es-419", "es"),
    ],
)
def test_accept_language_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_language_codes_are_checked() -> None:
    assert check("FR") == "fr" and check(None) == "en"
    with pytest.raises(UnknownLanguage) as caught:
        check("de")
    message = str(caught.value)
    assert all(f"{code} (" in message for code in UN_LANGUAGES) and "'de'" in message


def test_arabic_plural_forms_follow_cldr() -> None:
    with use("ar"):
        forms = plurals("{count} found", "{count} found")
    assert set(forms) == set(Locale.parse("ar").plural_form.tags) | {"other"}
    assert forms["two"] == "نتيجتان" and forms["few"] == "{count} نتائج"
    with use("ru"), use("ar"), use("zh"):
        assert i18n.current() == "zh"
    assert i18n.current() == "en"  # the language does not leak out of a block


# -- the catalogs ------------------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _catalog(lang: str):
    with i18n.po_path(lang).open("rb") as source:
        return read_po(source, locale=lang)


def test_template_matches_the_code() -> None:
    """``tacmap.pot`` lists exactly what the code marks (run ``python -m tacmap.i18n`` after changing it)."""
    with (i18n.LOCALE_DIR / "tacmap.pot").open("rb") as source:
        template = read_po(source)
    assert {m.id for m in template if m.id} == {m.id for m in extract() if m.id}


@pytest.mark.parametrize("lang", OTHERS)
def test_catalog_is_complete_and_has_nothing_stale(lang: str) -> None:
    """Every message in the code has a translation, in every plural form; none is left from old code;
    each translation uses only the placeholders of its message (or ``.format`` would fail)."""
    code = {m.id for m in extract() if m.id}
    catalog = _catalog(lang)
    entries = {m.id: m for m in catalog if m.id}
    missing = sorted(str(i) for i in code - set(entries))
    stale = sorted(str(i) for i in set(entries) - code)
    assert missing == [], f"untranslated in {lang}: run `python -m tacmap.i18n`, then translate {missing}"
    assert stale == [], f"stale in {lang}: run `python -m tacmap.i18n` to drop {stale}"
    for msgid, entry in entries.items():
        assert not entry.fuzzy, (lang, msgid)
        texts = [entry.string] if isinstance(msgid, str) else list(entry.string)
        if not isinstance(msgid, str):
            assert len(texts) == catalog.num_plurals, (lang, msgid)
        allowed = _fields(msgid) if isinstance(msgid, str) else _fields(msgid[0]) | _fields(msgid[1])
        for text in texts:
            assert text.strip(), f"empty translation in {lang}: {msgid!r}"
            assert _fields(text) <= allowed, (lang, msgid, text)


def test_every_legend_label_is_translated() -> None:
    labels = [s.label for s in NODE_STYLES.values()] + [s.label for s in EDGE_STYLES.values()]
    for lang in OTHERS:
        with use(lang):
            assert all(i18n._(label) != label for label in labels), lang


# -- maps and the home page --------------------------------------------------------------------


@pytest.mark.parametrize("lang", UN_LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_map_in_every_language(world: Store, kind: str, lang: str) -> None:
    html = build_map(world, kind, lang=lang, **options_for(kind))
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    spec = map_spec(world, kind, lang=lang, **options_for(kind))
    with use(lang):
        expected = [i18n._(e) for e in _english_legend(world, kind)]
    assert legend_of(html) == [e.label for e in spec.legend] == expected
    nodes = nodes_of(html)
    if "State:KEN" in nodes:
        kenya = nodes["State:KEN"]
        assert KENYA[lang] in (kenya.get("label"), kenya.get("fullLabel"))
        assert kenya["title"].startswith(f"{KENYA[lang]} (KEN)\n{AFRICAN_GROUP[lang]}")
        assert all(KENYA[other] in kenya["also"] for other in UN_LANGUAGES)  # found by any of its names


def _english_legend(world: Store, kind: str) -> list[str]:
    return [e.label for e in map_spec(world, kind, **options_for(kind)).legend]


def test_french_map_words(world: Store) -> None:
    html = build_map(world, "gaps", lang="fr", as_of=AS_OF)
    nodes = nodes_of(html)
    assert nodes["State:NGA"]["title"].startswith(
        "Nigéria (NGA)\nGroupe des États d'Afrique\u00a0; Afrique occidentale"
    )
    assert "Carte des lacunes" in html and "Légende" in html and "3\u00a0besoins au total" not in html
    assert "6 nœuds, 3 traits" in html
    need = nodes["Need:n-ken-5"]["title"]
    assert need.startswith("Kenya a besoin de\u00a0: rédaction législative, article 5")
    assert "2 projets proches" in need


def test_arabic_map_is_right_to_left(world: Store) -> None:
    html = build_map(world, "coordination", lang="ar", as_of=AS_OF)
    assert '<html lang="ar" dir="rtl">' in html
    assert "border-inline-start" in html and "border-left" not in html.split("</style>")[0]
    with use("ar"):
        assert (
            legend_of(html)[0]
            == i18n._("State (placed at its centroid)")
            == "دولة (موضوعة في مركزها الجغرافي)"
        )
        assert f">{i18n._('Legend')}</h2>" in html
    assert "في \u20662024-06-01\u2069" in html  # a date stays 2024-06-01, not 01-06-2024, in Arabic text
    labels = {n["id"]: n.get("label") for n in graph_data(map_spec(world, "coordination", lang="ar"))[0]}
    assert labels["State:KEN"] == "كينيا" and labels["State:GHA"] == "غانا"


def test_empty_map_in_russian(world: Store) -> None:
    html = build_map(world, "overlaps", state="NGA", lang="ru")
    assert "По этим фильтрам показать нечего." in html and "0 узлов, 0 линий" in html


def test_home_page_in_french_with_a_language_switch(world: Store) -> None:
    html = home_page(world, lang="fr", link_lang="fr", as_of=AS_OF)
    assert '<html lang="fr" dir="ltr">' in html
    assert "Groupe des États d&#39;Afrique" in html and ">Nigéria (NGA)</option>" in html
    assert "États ayant des besoins" in html and "Effacer les filtres" in html
    assert 'href="/maps/gaps?as_of=2024-06-01&amp;lang=fr"' in html  # a chosen language is kept
    assert 'href="/states?lang=fr"' in html and 'href="/docs"' in html
    assert '<a href="/?as_of=2024-06-01&amp;lang=ar" lang="ar" hreflang="ar">العربية</a>' in html
    assert '<strong lang="fr">Français</strong>' in html
    numbers = dict(re.findall(r'<li id="([a-z-]+)"><span class="value">([^<]+)</span>', html))
    assert numbers["coverage"] == "33\u00a0%"


def test_home_page_in_arabic(world: Store) -> None:
    html = home_page(world, lang="ar", as_of=AS_OF)
    assert '<html lang="ar" dir="rtl">' in html and "padding-inline-start" in html
    assert ">كينيا (KEN)</option>" in html and AFRICAN_GROUP["ar"] in html
    assert "lang=ar" not in html.split('id="languages"')[1].split("</nav>")[1]  # header, not explicit


# -- the API -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(world: Store, tmp_path_factory: pytest.TempPathFactory) -> Api:
    return make_api(world, tmp_path_factory.mktemp("api"), store_cache_seconds=3600)


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_api_state_names(api: Api, lang: str) -> None:
    kenya = api.get("/states/KEN", params={"lang": lang})
    assert kenya.status_code == 200
    assert kenya.headers["content-language"] == lang and "Accept-Language" in kenya.headers["vary"]
    body = kenya.json()
    assert body["name"] == KENYA[lang]
    assert body["region"] == region_name("Africa", lang)
    assert body["subregion"] == region_name("Eastern Africa", lang)
    assert (body["un_group"], body["un_group_name"]) == ("african", AFRICAN_GROUP[lang])
    listed = api.get("/states", params={"lang": lang, "q": GERMANY[lang]}).json()
    assert [s["iso3"] for s in listed["items"]] == ["DEU"] and listed["items"][0]["name"] == GERMANY[lang]


def test_api_accept_language(api: Api) -> None:
    germany = api.get("/states/DEU", headers={"Accept-Language": "de-DE,fr-CA;q=0.8,en;q=0.5"})
    assert germany.json()["name"] == "Allemagne" and germany.headers["content-language"] == "fr"
    assert api.get("/states/DEU", headers={"Accept-Language": "zh-Hans-CN"}).json()["name"] == "德国"
    assert api.get("/states/DEU").json()["name"] == "Germany"
    winner = api.get("/states/DEU", params={"lang": "es"}, headers={"Accept-Language": "fr"})
    assert winner.json()["name"] == "Alemania" and winner.headers["content-language"] == "es"


def test_api_filters_take_either_wording(api: Api) -> None:
    english = api.get("/states", params={"region": "Africa", "limit": 1}).json()["total"]
    french = api.get("/states", params={"region": "Afrique", "lang": "fr", "limit": 1}).json()["total"]
    both = api.get("/states", params={"region": "Africa", "lang": "fr", "limit": 1}).json()["total"]
    assert english == french == both > 50


def test_api_downloads_are_localized(api: Api) -> None:
    csv = api.get("/states", params={"lang": "ru", "format": "csv"})
    assert csv.headers["content-language"] == "ru" and ",Кения," in csv.text


def test_api_unknown_language_is_422(api: Api) -> None:
    for path in ("/states", "/states/KEN", "/maps/gaps", "/"):
        response = api.get(path, params={"lang": "xx"})
        assert response.status_code == 422, path
        message = response.json()["detail"][0]["msg"]
        assert "'xx'" in message and all(f"{code} (" in message for code in UN_LANGUAGES)


def test_api_maps_and_home_in_the_asked_language(api: Api) -> None:
    arabic = api.get(
        "/maps/gaps", params={"lang": "ar", "as_of": "2024-06-01"}, headers={"Accept-Language": "fr"}
    )
    assert arabic.status_code == 200 and arabic.headers["content-language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in arabic.text
    assert nodes_of(arabic.text)["State:KEN"]["label"] == "كينيا"
    french = api.get(
        "/maps/gaps", params={"as_of": "2024-06-01"}, headers={"Accept-Language": "fr-CH, en;q=0.2"}
    )
    assert french.headers["content-language"] == "fr" and '<html lang="fr"' in french.text
    english = api.get("/maps/gaps", params={"as_of": "2024-06-01"})  # the cache keeps languages apart
    assert '<html lang="en"' in english.text and "Légende" not in english.text
    home = api.get("/", headers={"Accept-Language": "ru"})
    assert home.headers["content-language"] == "ru" and '<html lang="ru"' in home.text
    assert 'href="/maps/gaps"' in home.text  # the browser's preference needs no ?lang= in links
    chosen = api.get("/", params={"lang": "zh"}, headers={"Accept-Language": "ru"})
    assert '<html lang="zh"' in chosen.text and 'href="/maps/gaps?lang=zh"' in chosen.text


# -- the command line --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "data"
    with EmbeddedStore(folder) as store:
        map_world.build(store)
    return folder


def _run(data_dir: Path, *args: str, env: dict[str, str] | None = None):
    import tacmap.api.cli.maps  # noqa: F401 - registers `tacmap map` (and `query` with it)
    from tacmap.api.cli import app

    return CliRunner().invoke(app, ["--data-dir", str(data_dir), *args], env=env)


def test_cli_arabic_map(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "gaps-ar.html"
    result = _run(data_dir, "map", "gaps", "--as-of", "2024-06-01", "--lang", "ar", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    with use("ar"):
        assert legend_of(html) == [i18n._(label) for label in _english_legend_of_gaps()]
    assert nodes_of(html)["State:KEN"]["label"] == "كينيا"


def _english_legend_of_gaps() -> list[str]:
    return [
        NODE_STYLES["State"].label,
        NODE_STYLES["Need:covered"].label,
        NODE_STYLES["Need:near_miss"].label,
        NODE_STYLES["Need:gap"].label,
        EDGE_STYLES["has_need"].label,
    ]


def test_cli_language_from_the_environment(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "ego.html"
    result = _run(data_dir, "map", "ego", "--node", "State:KEN", "-o", str(out), env={"TACMAP_LANG": "zh"})
    assert result.exit_code == 0, result.output
    assert '<html lang="zh" dir="ltr">' in out.read_text(encoding="utf-8")


def test_cli_unknown_language_is_a_usage_error(data_dir: Path, tmp_path: Path) -> None:
    result = _run(data_dir, "map", "gaps", "--lang", "klingon", "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "no language 'klingon'" in result.output and "ar (Arabic)" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.html").exists()


def test_cli_query_names_states_in_the_language(data_dir: Path) -> None:
    result = _run(data_dir, "query", "gaps", "--as-of", "2024-06-01", "--format", "json", "--lang", "fr")
    assert result.exit_code == 0, result.output
    names = {row["state"]: row["state_name"] for row in json.loads(result.stdout)}
    assert names == {"KEN": "Kenya", "NGA": "Nigéria"}
    result = _run(data_dir, "query", "orphans", "--as-of", "2024-06-01", "--format", "json", "--lang", "ru")
    assert {row["state"]: row["name"] for row in json.loads(result.stdout)} == {"NGA": "Нигерия"}
    result = _run(data_dir, "query", "pairings", "--format", "json", "--lang", "ar")
    rows = json.loads(result.stdout)
    assert rows and all(r["state_name"] == state_name(r["state"], "ar") for r in rows)
    assert all(r["peer_name"] == state_name(r["peer"], "ar") for r in rows)


def test_api_questions_name_states_in_the_language(api: Api) -> None:
    gaps = api.get("/gaps", params={"as_of": "2024-06-01", "lang": "fr"})
    assert gaps.headers["content-language"] == "fr"
    assert {r["state"]: r["state_name"] for r in gaps.json()["items"]} == {"KEN": "Kenya", "NGA": "Nigéria"}
    orphans = api.get("/orphans", params={"as_of": "2024-06-01"}, headers={"Accept-Language": "ru"})
    assert {r["state"]: r["name"] for r in orphans.json()["items"]} == {"NGA": "Нигерия"}
    pairings = api.get("/pairings", params={"lang": "ar"}).json()["items"]
    assert pairings and all(r["peer_name"] == state_name(r["peer"], "ar") for r in pairings)
    assert all(r["state_name"] == state_name(r["state"], "ar") for r in pairings)
    download = api.get("/gaps", params={"as_of": "2024-06-01", "lang": "zh", "format": "csv"}).text
    assert state_name("NGA", "zh") in download and "Nigeria" not in download
    english = api.get("/gaps", params={"as_of": "2024-06-01"}).json()["items"]
    assert {r["state_name"] for r in english} == {"Kenya", "Nigeria"}
