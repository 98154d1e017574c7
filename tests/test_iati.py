"""IATI import: the hand-written 2.03 files in tests/data/iati, hostile files, double counting.

The files under tests/data/iati are written by hand and validated here against the IATI 2.03 XSD
(tests/data/iati/schema-2.03, copied unchanged from pyIATI 0.4.1). What they hold:

- chain 1: Norad funds UNDP (norad.xml + undp.xml, linked by participating-org/@activity-id,
  receiver-activity-id and provider-activity-id) -> one project;
- chain 2: an FCDO programme, its component and the NGO implementing it (fcdo.xml + ngo.xml,
  linked by related-activity parent/child and provider-activity-id) -> one project;
- Sida and USAID in Kenya on asset declarations (an overlap); USAID and the EU in Ghana with no
  article keyword (articles inferred from DAC 15113; an overlap, flagged);
- a regional activity, an activity outside 15113, one in 15130 only, one with sectors per
  transaction, French-only and Spanish-only narratives, NOK/SEK/GBP/EUR budgets, and an
  aggregator's copy of a USAID activity (secondary reporter).
"""

from __future__ import annotations

import hashlib
import importlib.util
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from tacmap.graph.ingest.iati import (
    ORG_KIND,
    SECTOR_ARTICLES,
    STATUS,
    IatiError,
    IatiLimits,
    Selection,
    SelectionError,
    Upload,
    activity_articles,
    classify,
    codelist,
    codelist_dir,
    import_iati,
    keywords,
    kind_of,
    parse_rates,
    read_rates,
)
from tacmap.graph.ingest.iati.activity import Activity, Org
from tacmap.graph.ingest.iati.parse import bytes_sources, read_document
from tacmap.graph.ingest.iati.select import _terms_regex, fold, selection_terms
from tacmap.graph.ingest.load import import_bundle
from tacmap.graph.queries.overlaps import overlaps
from tacmap.graph.schema.models import Bundle, ProjectStatus, ProviderKind
from tacmap.graph.store import EmbeddedStore, Store
from typer.testing import CliRunner

DATA = Path(__file__).parent / "data" / "iati" / "hand"
XSD_DIR = DATA.parent / "schema-2.03"
FILES = sorted(p.name for p in DATA.glob("*.xml"))
MB = 1024 * 1024

CHAIN_1 = ("NO-BRC-971277882-QZA-19-0042", "XM-DAC-41114-PROJECT-00112233")
CHAIN_2 = ("GB-GOV-1-300456", "GB-GOV-1-300456-101", "GB-CHC-1105851-NG-ACP-01")
SIDA_KE = "SE-0-SE-6-5103004501"
USAID_KE = "US-GOV-1-72061521CA00007"
USAID_GH = "US-GOV-1-72064122CA00002"
EU_GH = "XI-IATI-EC_INTPA-2022-440123"
AECID_GT = "ES-DIR3-E04585801-2019-GT-0007"
NORAD_GH = "NO-BRC-971277882-QZA-22-0005"
NORAD_ZM = "NO-BRC-971277882-QZA-21-0011"
REGIONAL = "XM-DAC-41114-PROJECT-00099887"


@pytest.fixture(scope="module")
def rates() -> dict[str, float]:
    return read_rates(DATA / "rates.csv")


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "data")
    yield store
    store.close()


def projects(store: Store) -> dict[str, object]:
    return {p.id: p for p in store.export().projects}


def one_activity(body: str, *, status: str = "2", currency: str = "USD", lang: str = "en") -> bytes:
    """A minimal valid 2.03 file with one activity; ``body`` goes after the activity-dates."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
  <iati-activity xml:lang="{lang}" default-currency="{currency}">
    <iati-identifier>XX-TEST-1</iati-identifier>
    <reporting-org ref="XX-TEST" type="10"><narrative>Test donor</narrative></reporting-org>
    <title><narrative>Test activity</narrative></title>
    <description><narrative>Nothing to see.</narrative></description>
    <participating-org ref="XX-TEST" type="10" role="1"/>
    <activity-status code="{status}"/>
    <activity-date iso-date="2022-01-01" type="2"/>
    <activity-date iso-date="2024-12-31" type="3"/>
    {body}
  </iati-activity>
</iati-activities>
""".encode()


# -- the test files follow the standard -------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / "iati-activities-schema.xsd")))


@pytest.mark.parametrize("name", FILES)
def test_test_files_are_valid_iati_2_03(schema: etree.XMLSchema, name: str) -> None:
    doc = etree.parse(str(DATA / name), etree.XMLParser(resolve_entities=False, no_network=True))
    assert schema.validate(doc), f"{name}: {schema.error_log}"


def test_the_one_activity_template_is_valid(schema: etree.XMLSchema) -> None:
    body = '<recipient-country code="KE"/><sector vocabulary="1" code="15113"/>'
    assert schema.validate(etree.fromstring(one_activity(body))), schema.error_log


def test_schema_rejects_an_invalid_file(schema: etree.XMLSchema) -> None:
    bad = b'<iati-activities version="2.03"><iati-activity><title/></iati-activity></iati-activities>'
    assert not schema.validate(etree.fromstring(bad))


def _pyiati_dir() -> Path | None:
    spec = importlib.util.find_spec("iati")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "resources" / "standard" / "2-03"
    return folder if folder.is_dir() else None


def test_codelists_and_schemas_are_pyiati_copies() -> None:
    """The shipped copies are byte-identical to pyIATI 0.4.1's when pyIATI is installed."""
    source = _pyiati_dir()
    assert source is not None, "pyIATI is not installed: pip install --no-deps pyiati==0.4.1 (see README)"
    copies = [(p, source / "codelists" / p.name) for p in codelist_dir().glob("*.xml")]
    copies += [(p, source / "schemas" / p.name) for p in XSD_DIR.glob("*.xsd")]
    assert (
        len(copies) == 16
    )  # 13 codelists (CRSChannelCode and SectorCategory added for the importer) + 3 XSDs
    for copy, original in copies:
        assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest(), (
            copy
        )


# -- codelists and mapping tables -------------------------------------------------------------


def test_every_activity_status_code_is_mapped() -> None:
    assert set(codelist("ActivityStatus")) == set(STATUS) == {"1", "2", "3", "4", "5", "6"}


def test_every_organisation_type_is_mapped() -> None:
    assert set(codelist("OrganisationType")) == set(ORG_KIND)


def test_sector_defaults_and_keywords_name_real_codes() -> None:
    sectors = codelist("Sector")
    for code in SECTOR_ARTICLES:
        assert code in sectors and not sectors[code].withdrawn, code
    assert sectors["15113"].name == "Anti-corruption organisations and institutions"
    assert all(1 <= a <= 71 for kw in keywords() for a in kw.articles)
    assert len({kw.keyword for kw in keywords()}) == len(keywords())


def test_unknown_sector_code_is_refused() -> None:
    selection = Selection.parse(["15113", " 15130", "15113", "151", "SDG:16.5"])
    assert selection.dac5 == {"15113", "15130"} and selection.dac3 == {"151"} and selection.sdg == {"16.5"}
    with pytest.raises(SelectionError, match="'15199' is not a DAC 5-digit sector code"):
        Selection.parse(["15199"])
    with pytest.raises(SelectionError, match="'sdg:18.1' is not"):
        Selection.parse(["sdg:18.1"])


@pytest.mark.parametrize(
    ("type_code", "ref", "role", "kind"),
    [
        ("10", "NO-BRC-971277882", "1", ProviderKind.bilateral),
        ("10", "KE-GOV-EACC", "4", ProviderKind.state),  # based in a recipient country
        ("10", None, "4", ProviderKind.state),  # a government body implementing, no identifier
        ("15", "GB-GOV-1", "4", ProviderKind.bilateral),
        ("40", "XM-DAC-41114", "4", ProviderKind.un_entity),  # DAC channel 41xxx: a UN agency
        (None, "41114", "4", ProviderKind.un_entity),  # the bare channel code, no type
        ("40", "XI-IATI-EC_INTPA", "1", ProviderKind.multilateral),
        (None, "XI-IATI-EC_INTPA", "1", ProviderKind.multilateral),  # no type: from the identifier
        ("21", "GB-CHC-1105851", "4", ProviderKind.ngo),
        ("22", None, "4", ProviderKind.ngo),
        ("60", "US-EIN-13-1234567", "1", ProviderKind.ngo),
        ("70", "US-EIN-521366946", "4", ProviderKind.private),
        ("80", None, "4", ProviderKind.other),
        (None, "XX-1", "1", ProviderKind.other),
    ],
)
def test_organisation_type_to_provider_kind(
    type_code: str | None, ref: str | None, role: str, kind: str
) -> None:
    assert kind_of(Org(ref, type_code, role, []), classify(ref), ref or "org-x", {"KEN"}) == kind


# -- articles ---------------------------------------------------------------------------------


def read_bytes(data: bytes, selection: Selection | None = None) -> list[Activity]:
    """The selected activities of one file, read as an import reads them."""
    [source] = bytes_sources(data, "t.xml")
    return read_document(source, selection or Selection.parse(None), [0], IatiLimits()).activities


def _articles(body: str, title: str = "Test activity") -> tuple[dict[int, str], list[str]]:
    data = one_activity(f'<recipient-country code="KE"/><sector vocabulary="1" code="15113"/>{body}')
    data = data.replace(b"<narrative>Test activity</narrative>", f"<narrative>{title}</narrative>".encode())
    [act] = read_bytes(data)
    found, hits, _ = activity_articles(act, Selection.parse(["15113"]))
    return found, hits


def test_articles_from_keywords_in_several_languages() -> None:
    assert _articles("", "Whistle-blower protection")[0] == {33: "keywords"}
    assert _articles("", "Lanceurs d'alerte et protection des témoins")[0] == {33: "keywords", 32: "keywords"}
    assert _articles("", "Recuperación de activos")[0] == dict.fromkeys([51, 53, 54, 55, 57], "keywords")
    # the longer keyword wins its words: "foreign bribery" is article 16, not also 15
    assert set(_articles("", "Foreign bribery enforcement")[0]) == {16}


def test_articles_stated_by_tag_or_text() -> None:
    tag = '<tag vocabulary="99" code="UNCAC-9"><narrative>UNCAC article 9</narrative></tag>'
    found, _ = _articles(tag)
    assert found == {9: "stated"}
    found, _ = _articles("", "Implementing article 52 of UNCAC")
    assert found == {52: "stated"}


def test_articles_inferred_from_sector_only_when_nothing_else() -> None:
    found, hits = _articles("")
    assert found == {6: "sector", 36: "sector"}
    assert hits == ["DAC 15113 Anti-corruption organisations and institutions"]


# -- the import -------------------------------------------------------------------------------


def test_import_folder(store: Store, rates: dict[str, float]) -> None:
    report = import_iati(store, DATA, rates=rates)
    held = projects(store)
    # the regional activity is a project now (it reaches a region, no State)
    assert set(held) == {
        CHAIN_1[0],
        CHAIN_2[0],
        SIDA_KE,
        USAID_KE,
        USAID_GH,
        EU_GH,
        AECID_GT,
        NORAD_GH,
        REGIONAL,
    }
    assert report.summary is not None and report.summary.created["projects"] == 9
    assert report.activities_read == 15
    assert [f.name for f in report.files] == FILES

    norad = held[CHAIN_1[0]]
    assert norad.funders == ["NO-BRC-971277882"] and norad.implementer == "XM-DAC-41114"
    assert norad.beneficiaries == ["KEN", "TZA"]  # multiple recipient countries
    assert norad.start == date(2020, 3, 15)  # actual start wins over planned 2020-01-01
    assert norad.end == date(2023, 12, 31)  # planned end: no actual end yet
    assert norad.status == "ongoing"
    # NOK: 8.0 (revised 2020) + 7.5 + 7.5 + 7.0 million, at 0.095 USD per NOK
    assert norad.budget_usd == pytest.approx(30_000_000 * 0.095)
    assert norad.articles == [6, 33, 36]  # commission (Norad's text) + whistleblower (UNDP's title)

    aecid = held[AECID_GT]
    assert aecid.start == date(2019, 1, 1) and aecid.end == date(2022, 3, 31)  # actual end over planned
    assert aecid.status == "completed"
    assert aecid.title == "Fortalecimiento de la contratación pública transparente en Guatemala"
    assert aecid.articles == [7, 8, 9]  # contratación pública; conflictos de intereses

    planned = held[NORAD_GH]  # sectors given per transaction, planned dates only
    assert (planned.start, planned.end, planned.status) == (date(2022, 7, 1), date(2025, 6, 30), "planned")

    assert held[EU_GH].title == "Appui à la gouvernance et à l'intégrité publique au Ghana"
    assert held[USAID_KE].budget_usd == 12_000_000  # the publisher's copy, not the aggregator's 99 million

    providers = {p.id: p for p in store.export().providers}
    assert providers["XM-DAC-41114"].kind == "un_entity"
    assert providers["XI-IATI-EC_INTPA"].kind == "multilateral"
    assert providers["GB-CHC-1105851"].kind == "ngo" and providers["GB-CHC-1105851"].country == "GBR"
    assert (
        providers["NO-BRC-971277882"].kind == "bilateral" and providers["NO-BRC-971277882"].country == "NOR"
    )
    assert providers["GT-GOV-MINFIN"].kind == "state"  # a government of a recipient country
    eacc = held[SIDA_KE].implementer
    # no @ref: an id from its name, scoped by the publisher (Sida) so two organisations never merge
    assert (
        eacc == "org-ethics-and-anti-corruption-commission-kenya--se-0-se-6"
        and providers[eacc].kind == "state"
    )

    assert (
        report.outside_selection == 2
    )  # NORAD_ZM (15130) and a 12220 activity: no 15113, SDG 16.5 or keyword
    assert not report.left_out
    assert held[REGIONAL].regions == ["dac-298"] and held[REGIONAL].beneficiaries == []


def test_reimport_writes_nothing(embedded: EmbeddedStore, rates: dict[str, float]) -> None:
    import_iati(embedded, DATA, rates=rates)
    before = embedded.export()
    again = import_iati(embedded, DATA, rates=rates)
    assert again.summary is not None and again.summary.written == 0
    assert embedded.export() == before


def test_dry_run_writes_nothing(embedded: EmbeddedStore) -> None:
    report = import_iati(embedded, DATA, dry_run=True)
    assert report.summary is not None and report.summary.created["projects"] == 9
    assert embedded.export().size() == 0
    assert "dry run: nothing was written" in report.text()


def test_budgets_in_other_currencies_without_rates(embedded: EmbeddedStore) -> None:
    """Without --rates, SEK is converted at the ECB rate of the budget's value date."""
    from tacmap.graph.ingest.iati.activity import Money
    from tacmap.graph.ingest.iati.money import to_usd

    report = import_iati(embedded, DATA)
    held = projects(embedded)
    entry = next(p for p in report.projects if p.id == SIDA_KE)
    [original] = entry.budget_original
    assert (original["amount"], original["currency"]) == (20_000_000, "SEK")
    ecb = to_usd(Money(20_000_000, "SEK", date.fromisoformat(original["value_date"])))
    assert held[SIDA_KE].budget_usd == pytest.approx(ecb.usd, abs=0.01)
    assert "ECB rates of the value dates" in (held[SIDA_KE].budget_source or "")
    assert held[USAID_KE].budget_usd == 12_000_000  # USD needs none
    # a currency the ECB does not publish stays unknown, with the amount kept in the report
    body = '<recipient-country code="KE"/><sector vocabulary="1" code="15113"/><budget><period-start iso-date="2022-01-01"/><period-end iso-date="2022-12-31"/><value currency="KES" value-date="2022-01-01">1000</value></budget>'
    report = import_iati(embedded, Upload(one_activity(body), "kes.xml"))
    assert projects(embedded)["XX-TEST-1"].budget_usd is None
    assert any("cannot be converted (no ECB rate for KES)" in n for n in report.projects[0].notes)


def test_rate_table_is_checked(tmp_path: Path) -> None:
    assert parse_rates(b"currency,usd_per_unit\neur,1.08\n") == {"EUR": 1.08, "USD": 1.0}
    with pytest.raises(IatiError) as caught:
        parse_rates(b"currency,usd_per_unit\nEURO,1.08\nGBP,-1\n", "r.csv")
    assert [p.row for p in caught.value.problems] == [2, 3]
    with pytest.raises(IatiError, match="first row must be"):
        parse_rates(b"EUR,1.08\n")


def test_sectors_and_since(embedded: EmbeddedStore) -> None:
    report = import_iati(embedded, DATA / "norad.xml", sectors=["15113", "15130"], since=date(2024, 1, 1))
    held = projects(embedded)
    assert set(held) == {NORAD_ZM, NORAD_GH}  # chain 1 ended 2023-12-31; 12220 is not chosen
    zambia = held[NORAD_ZM]
    assert zambia.articles == [8, 11]  # "judicial integrity", "code of conduct"
    assert zambia.implementer == "org-judiciary-of-zambia--no-brc-971277882"
    assert report.skipped["ended before 2024-01-01"] == [CHAIN_1[0]]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("1", "planned"),
        ("2", "ongoing"),
        ("3", "completed"),
        ("4", "completed"),
        ("5", "cancelled"),
        ("6", "ongoing"),
    ],
)
def test_activity_status_codes(embedded: EmbeddedStore, code: str, status: str) -> None:
    body = '<recipient-country code="KE"/><sector vocabulary="1" code="15113"/>'
    report = import_iati(embedded, Upload(one_activity(body, status=code), "one.xml"))
    assert projects(embedded)["XX-TEST-1"].status == status
    assert any("suspended" in n for n in report.projects[0].notes) == (code == "6")
    assert ProjectStatus(status) is STATUS[code]


def test_activity_without_article_is_reported_not_stored(embedded: EmbeddedStore) -> None:
    body = '<recipient-country code="KE"/><sector vocabulary="1" code="15114"/>'  # no default articles
    report = import_iati(embedded, Upload(one_activity(body), "one.xml"), sectors=["15114"])
    assert projects(embedded) == {}
    assert "no UNCAC article found" in report.left_out[0].message


def test_officer_articles_survive_a_reimport(embedded: EmbeddedStore) -> None:
    import_iati(embedded, DATA / "eu.xml")
    project = projects(embedded)[EU_GH]
    assert project.articles == [6, 36]  # inferred from DAC 15113
    assert project.basis == {6: "sector:15113", 36: "sector:15113"}
    corrected = project.model_copy(update={"articles": [9, 10], "basis": {10: "keyword:media"}})
    import_bundle(embedded, Bundle(projects=[corrected]))
    report = import_iati(embedded, DATA / "eu.xml")
    assert projects(embedded)[EU_GH].articles == [9, 10]
    assert projects(embedded)[EU_GH].basis == {10: "keyword:media"}  # the store's basis, kept
    assert report.projects[0].articles_basis == "store"


# -- double counting --------------------------------------------------------------------------


def test_funder_implementer_chain_is_one_project_and_not_an_overlap(
    store: Store, rates: dict[str, float]
) -> None:
    report = import_iati(store, DATA, rates=rates)
    held = projects(store)
    assert CHAIN_1[0] in held and CHAIN_1[1] not in held
    assert not set(CHAIN_2[1:]) & set(held)
    entries = {p.id: p for p in report.projects}
    assert entries[CHAIN_1[0]].sources == [CHAIN_1[1]]
    assert entries[CHAIN_2[0]].sources == sorted(CHAIN_2[1:])
    # budgets counted once: the funder's, not funder's + implementer's
    assert held[CHAIN_1[0]].budget_usd == pytest.approx(30_000_000 * 0.095)
    assert held[CHAIN_2[0]].budget_usd == pytest.approx(5_000_000 * 1.27)
    assert held[CHAIN_2[0]].implementer == "GB-CHC-1105851"
    found = overlaps(store)
    chain_ids = set(CHAIN_1) | set(CHAIN_2)
    assert not [o for o in found if {o.project_a, o.project_b} <= chain_ids]


def _activity(ident: str, org: str, budget: int, extra: str = "", role: str = "1") -> str:
    return f"""
  <iati-activity default-currency="USD">
    <iati-identifier>{ident}</iati-identifier>
    <reporting-org ref="{org}" type="10"><narrative>{org}</narrative></reporting-org>
    <title><narrative>Asset recovery support {ident}</narrative></title>
    <description><narrative>Illustrative.</narrative></description>
    <participating-org ref="{org}" type="10" role="{role}"/>
    <activity-status code="2"/>
    <activity-date iso-date="2022-01-01" type="2"/>
    <activity-date iso-date="2024-12-31" type="3"/>
    <recipient-country code="UA"/>
    <sector vocabulary="1" code="15113"/>
    <budget>
      <period-start iso-date="2022-01-01"/>
      <period-end iso-date="2024-12-31"/>
      <value value-date="2022-01-01">{budget}</value>
    </budget>
    {extra}
  </iati-activity>"""


def test_two_donors_funding_one_implementer_activity(
    schema: etree.XMLSchema, embedded: EmbeddedStore
) -> None:
    """Co-funding: A1 and A2 both fund B -> one project, both funders, budget A1 + A2 (B's is money
    passed down, not added)."""
    incoming = """<transaction><transaction-type code="1"/><transaction-date iso-date="2022-02-01"/>
      <value value-date="2022-02-01">100</value>
      <provider-org ref="{ref}" provider-activity-id="{act}"/></transaction>"""
    implementer = _activity(
        "XM-IMPL-B",
        "XM-IMPL",
        700,
        incoming.format(ref="AA-1", act="AA-1-A1") + incoming.format(ref="BB-2", act="BB-2-A2"),
        role="4",
    )
    data = f"""<iati-activities version="2.03">{_activity("AA-1-A1", "AA-1", 400)}{_activity("BB-2-A2", "BB-2", 300)}
{implementer}</iati-activities>""".encode()
    assert schema.validate(etree.fromstring(data)), schema.error_log
    report = import_iati(embedded, Upload(data, "cofunded.xml"))
    [project] = embedded.export().projects
    assert project.id == "AA-1-A1" and project.funders == ["AA-1", "BB-2"]
    assert project.implementer == "XM-IMPL"
    assert project.budget_usd == 700  # 400 + 300, not + B's 700
    assert report.projects[0].sources == ["BB-2-A2", "XM-IMPL-B"]


def test_implementer_first_then_funder_merges_into_the_stored_project(embedded: EmbeddedStore) -> None:
    import_iati(embedded, DATA / "undp.xml")
    assert CHAIN_1[1] in projects(embedded)
    report = import_iati(embedded, DATA / "norad.xml")
    held = projects(embedded)
    assert CHAIN_1[0] not in held  # an import cannot delete: the stored project stays the one
    assert held[CHAIN_1[1]].articles == [6, 33, 36]
    entry = next(p for p in report.projects if p.id == CHAIN_1[1])
    assert entry.sources == [CHAIN_1[0]]
    assert overlaps(embedded, state="KEN") == []


def test_unrelated_donors_same_state_article_period_overlap(store: Store, rates: dict[str, float]) -> None:
    import_iati(store, DATA, rates=rates)
    pairs = {(o.project_a, o.project_b): o for o in overlaps(store, state="KEN", article=8)}
    pair = pairs[tuple(sorted((SIDA_KE, USAID_KE)))]
    assert pair.articles == [8, 52] and pair.states == ["KEN"]
    assert (pair.start, pair.end) == (date(2021, 10, 1), date(2024, 12, 31))


def test_inferred_articles_count_as_the_same_area_and_are_flagged(store: Store) -> None:
    """Decision: articles inferred from the DAC sector are stored like any others, so two
    activities in the same sector, State and period are an overlap; the import report flags
    them (articles_inferred) for an officer to confirm."""
    report = import_iati(store, DATA)
    ghana = overlaps(store, state="GHA")
    pair = next(o for o in ghana if {o.project_a, o.project_b} == {USAID_GH, EU_GH})
    assert pair.articles == [6, 36]
    flags = {p["id"]: p["articles_inferred"] for p in report.to_dict()["projects"]}
    assert flags[USAID_GH] and flags[EU_GH]
    assert not flags[SIDA_KE] and not flags[USAID_KE]
    assert set(report.to_dict()["needs_attention"]) >= {USAID_GH, EU_GH}


# -- hostile and malformed files --------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&lol9;</iati-identifier></iati-activity></iati-activities>
"""


def _external_entity(target: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE iati-activities [<!ENTITY secret SYSTEM "file://{target}">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&secret;</iati-identifier></iati-activity></iati-activities>
""".encode()


DTD = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities [<!ELEMENT iati-activities ANY>]>
<iati-activities version="2.03"/>
"""


def _refused(store: Store, path: Path, **kwargs: object) -> IatiError:
    before = store.export()
    with pytest.raises(IatiError) as caught:
        import_iati(store, path, **kwargs)  # type: ignore[arg-type]
    assert store.export() == before  # nothing imported
    return caught.value


def test_billion_laughs_is_refused(embedded: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_bytes(BILLION_LAUGHS)
    error = _refused(embedded, path)
    assert "declares an entity 'lol'" in str(error) and "billion laughs" in str(error)


def test_external_entity_to_a_local_file_is_refused(embedded: EmbeddedStore, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    path = tmp_path / "xxe.xml"
    path.write_bytes(_external_entity(secret))
    error = _refused(embedded, path)
    assert f"external entity 'secret' pointing at file://{secret}" in str(error)
    assert "TOP-SECRET-VALUE" not in str(error)


def test_dtd_is_refused(embedded: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "dtd.xml"
    path.write_bytes(DTD)
    assert "declares a DTD" in str(_refused(embedded, path))
    path.write_bytes(
        b'<!DOCTYPE iati-activities SYSTEM "http://example.org/iati.dtd"><iati-activities version="2.03"/>'
    )
    assert "external DTD (http://example.org/iati.dtd)" in str(_refused(embedded, path))


def test_200_mb_file_is_refused_before_parsing(embedded: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    block = (
        DATA.joinpath("usaid.xml")
        .read_bytes()
        .split(b"<iati-activity ", 1)[1]
        .rsplit(b"</iati-activities>", 1)[0]
    )
    block = b"<iati-activity " + block
    with path.open("wb") as f:
        f.write(b'<?xml version="1.0"?>\n<iati-activities version="2.03">\n')
        while f.tell() < 200 * MB:
            f.write(block * 100)
        f.write(b"</iati-activities>\n")
    assert path.stat().st_size >= 200 * MB
    started = time.perf_counter()
    error = _refused(embedded, path)
    assert time.perf_counter() - started < 5  # refused from its size, not parsed
    assert "the file is 200" in str(error) and "over the limit of 200 MB" in str(error)
    # an upload is checked the same way, before parsing
    with pytest.raises(IatiError, match="over the limit of 1 MB"):
        import_iati(embedded, Upload(b" " * (MB + 1), "upload.xml"), limits=IatiLimits(max_file_bytes=MB))


def test_truncated_file_is_skipped_with_activity_and_element(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """A truncated download is named in the report and skipped; the other files import. With
    ``strict`` it refuses everything, with the activity and element where it stops."""
    data = DATA.joinpath("undp.xml").read_bytes()
    cut = data.index(b"<narrative>", data.index(b"<provider-org")) + 14  # inside its narrative
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "truncated.xml").write_bytes(data[:cut])
    (folder / "usaid.xml").write_bytes(DATA.joinpath("usaid.xml").read_bytes())
    report = import_iati(embedded, folder)
    [skipped] = report.skipped_files
    assert skipped.name == "truncated.xml" and skipped.skipped is not None
    message = skipped.skipped.message
    assert "not well-formed XML" in message and "ends too early" in message
    assert f"activity {CHAIN_1[1]}, element transaction/provider-org/narrative" in message
    assert skipped.skipped.line == 43
    assert USAID_KE in projects(embedded)  # the rest imported
    error = _refused(embedded, folder, strict=True)
    assert [p.file for p in error.problems] == ["truncated.xml"]


def test_malformed_values_are_warnings_or_refuse_the_whole_import_when_strict(
    embedded: EmbeddedStore, tmp_path: Path
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    for name in ("usaid.xml", "eu.xml"):
        (folder / name).write_bytes(DATA.joinpath(name).read_bytes())
    bad = DATA.joinpath("sida.xml").read_bytes().replace(b'iso-date="2021-02-01"', b'iso-date="2021-02-30"')
    (folder / "sida.xml").write_bytes(bad.replace(b">20000000<", b">20,000,000<"))
    error = _refused(embedded, folder, strict=True)
    assert [(p.file, p.column, p.value) for p in error.problems] == [
        ("sida.xml", "activity-date/@iso-date", "2021-02-30"),
        ("sida.xml", "budget/value", "20,000,000"),
    ]
    assert all(p.message.startswith(f"activity {SIDA_KE}: ") for p in error.problems)
    assert error.problems[0].row == 27  # the line of the element
    assert embedded.export().size() == 0  # nothing from the good files either
    report = import_iati(embedded, folder)  # lenient: the activity imports with two warnings
    assert [(w.kind, w.line, w.activity) for w in report.warnings] == [
        ("bad date", 27, SIDA_KE),
        ("bad amount", report.warnings[1].line, SIDA_KE),
    ]
    sida = projects(embedded)[SIDA_KE]
    assert sida.budget_usd is None  # the only budget value could not be read


def test_not_an_activity_file(embedded: EmbeddedStore, tmp_path: Path) -> None:
    for data, name, message in [
        (b'<iati-organisations version="2.03"/>', "org.xml", "an IATI organisation file"),
        (b"", "empty.xml", "the file is empty"),
        (b'{"error": "not found"}', "json.xml", "looks like JSON"),
        (b"<html><body>Not found</body></html>", "page.xml", "an HTML page"),
    ]:
        report = import_iati(embedded, Upload(data, name))
        [read] = report.files
        assert read.skipped is not None and message in read.skipped.message, (name, read.skipped)
    with pytest.raises(IatiError, match="no such file"):
        import_iati(embedded, tmp_path / "missing.xml")


def test_versions_2_01_and_2_02_are_read() -> None:
    body = '<recipient-country code="KE"/><sector vocabulary="1" code="15113"/>'
    for version in ("2.01", "2.02"):
        data = one_activity(body).replace(b'version="2.03"', f'version="{version}"'.encode())
        assert [a.id for a in read_bytes(data)] == ["XX-TEST-1"]


# -- command line -----------------------------------------------------------------------------


def test_command_line(tmp_path: Path) -> None:
    import tacmap.api.cli.iati  # noqa: F401 - registers `tacmap load-iati`
    from tacmap.api.cli import app

    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data"), "load-iati"]
    result = runner.invoke(app, [*base, str(DATA), "--rates", str(DATA / "rates.csv"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "9 project(s), 3 activity(ies) merged" in result.output and "dry run" in result.output
    result = runner.invoke(
        app,
        [
            *base,
            str(DATA / "norad.xml"),
            "--sectors",
            "15113,15130",
            "--since",
            "2024-01-01",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"ended before 2024-01-01"' in result.output
    bad = runner.invoke(app, [*base, str(DATA), "--since", "last year"])
    assert bad.exit_code == 2 and "not a date" in bad.output
    laughs = tmp_path / "laughs.xml"
    laughs.write_bytes(BILLION_LAUGHS)
    refused = runner.invoke(app, [*base, str(laughs)])
    assert isinstance(refused.exception, IatiError) and refused.exception.exit_code == 2


# -- the keyword selection's fast path ------------------------------------------------------------

_WORDS = [t.term.replace("*", "") for t in selection_terms()] + [
    "Korruptionsbekämpfung",
    "corrupción",
    "anticorrupción",
    "CORRUPTION",
    "al-fasad",
    "الفساد",
    "反腐败",
    "rural",
    "roads",
    "anti",
    "corridor",
    "correct",
    "Ébola",
    "bribes,",
    "(UNCAC)",
    "-",
    "_",
    "'",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=8), st.sampled_from([" ", "-", "", "\n"]))
def test_keyword_prefilter_never_hides_a_match(words: list[str], glue: str) -> None:
    """The cheap substring test before the regular expression finds exactly what the expression
    alone finds over the folded text (the brute-force reference)."""
    text = glue.join(words)
    table = selection_terms()
    expected = {f"keyword '{table[int(m.lastgroup[1:])].term}'" for m in _terms_regex().finditer(fold(text))}  # type: ignore[index]
    assert set(Selection.parse([], keywords=True).reasons([], [], [text])) == expected
