"""The IATI importer on real publisher files (tests/data/iati/real, sources in its README).

Each habit of real publishers gets a test on a real activity that fails if the habit is
mishandled. Where a habit is named in the shared README but no file here shows it (``ref="#"``,
``ref=";"``), the test takes a real activity and changes only that attribute, and says so.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from tacmap.graph.ingest.bundle import read_bundle, write_bundle
from tacmap.graph.ingest.iati import IatiError, Upload, import_iati
from tacmap.graph.ingest.iati.activity import Money
from tacmap.graph.ingest.iati.money import to_usd
from tacmap.graph.ingest.load import import_bundle
from tacmap.graph.schema.models import Project, Provider
from tacmap.graph.store import EmbeddedStore, Store
from typer.testing import CliRunner

REAL = Path(__file__).parent / "data" / "iati" / "real"
BROKEN = Path(__file__).parent / "data" / "iati" / "broken"


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "data")
    yield store
    store.close()


def projects(store: Store) -> dict[str, Project]:
    return {p.id: p for p in store.export().projects}


def project_of(store: Store, activity: str) -> Project:
    """The project an activity became: its own, or the one it was merged into (``sources``)."""
    found = [p for p in store.export().projects if p.id == activity or activity in p.sources]
    assert len(found) == 1, f"{activity} is in {len(found)} projects"
    return found[0]


def providers(store: Store) -> dict[str, Provider]:
    return {p.id: p for p in store.export().providers}


def one_file(tmp_path: Path, *names: str) -> Path:
    """A folder holding only the named real files."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(REAL / name, folder / Path(name).name)
    return folder


def activity_xml(path: Path, ident: str) -> etree._Element:
    for _, el in etree.iterparse(str(path), tag="iati-activity"):
        if (el.findtext("iati-identifier") or "").strip() == ident:
            return el
    raise AssertionError(f"{ident} not in {path}")


# -- versions -------------------------------------------------------------------------------------


def test_datastore_download_with_the_version_on_each_activity(
    embedded: EmbeddedStore, tmp_path: Path
) -> None:
    """D-Portal's Datastore download: no version on the root, 2.01-2.03 and 1.03/1.04 per activity."""
    report = import_iati(
        embedded, one_file(tmp_path, "v2/dportal_dflat_activities_4e93a72.xml"), sectors=["121"], articles=[9]
    )
    [read] = report.files
    assert read.skipped is None and read.activities == 100
    assert set(read.versions) >= {"2.01", "2.02", "2.03", "1.03", "1.04"}
    held = projects(embedded)
    assert "GB-CHC-220949-D464" in held  # British Red Cross, 2.01 on the activity only


def test_version_in_an_iati_extra_attribute(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """codeforiati's flattened files put it in ``iati-extra:version`` (another namespace)."""
    report = import_iati(
        embedded, one_file(tmp_path, "flat/flattener_ifad.xml"), sectors=["430"], keywords=False, articles=[9]
    )
    assert report.files[0].versions == ["2.03"]
    ifad = projects(embedded)["XM-DAC-41108-1100001761"]
    assert ifad.funders == ["XM-DAC-41108"] and ifad.beneficiaries == ["LBR"]


def test_version_1_files_are_read_directly(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """DFID's 1.01 file: text content instead of narratives, role and date-type words, letters
    for transaction types; its one 15113 activity becomes a project, field by field."""
    report = import_iati(embedded, one_file(tmp_path, "v1/datastore_CD_dfid_101.xml"))
    assert any("1.01" in c for c in report.conversions)
    p = projects(embedded)["GB-1-113493-102"]
    assert p.title == "Support for DRC Military Identity Cards to Prevent Impersonation"
    assert (p.start, p.end) == (date(2008, 9, 1), date(2009, 6, 30))  # start-actual / end-actual
    assert p.beneficiaries == ["COD"] and p.status == "completed"
    assert p.funders == ["gov-GBR"]  # participating-org ref="GB" role="Funding": the UK government
    assert p.sector_share == 20  # 15113 is 20 % of the activity (15110 the other 80 %)
    expected = to_usd(Money(150535, "GBP", date(2008, 4, 1))).usd
    assert p.budget_usd == pytest.approx(expected, abs=0.01)  # revised budget, ECB rate of its value-date
    assert "GBP 150,535.00" in (p.budget_source or "")


def test_datastore_api_answer_wrapped_in_result(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """A 2014 Datastore API answer: ``<result><iati-activities>`` with 1.0x activities inside."""
    report = import_iati(embedded, one_file(tmp_path, "other/dportal_ctrack_test_activities3.xml"))
    assert report.files[0].skipped is None and report.files[0].activities == 50
    held = projects(embedded)
    assert {"GB-1-201630-101", "GB-1-201630-102"} <= set(held)


# -- languages ------------------------------------------------------------------------------------


def test_language_codes_in_capitals(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """Global Affairs Canada writes ``xml:lang="FR"``/``"EN"``: the English title is chosen."""
    import_iati(embedded, one_file(tmp_path, "flat/flattener_canada.xml"), sectors=["151"])
    p = projects(embedded)["CA-3-D002451001"]
    assert p.title == "Partnerships for Municipal Innovation in Local Economic Development"


# -- organisations --------------------------------------------------------------------------------


def test_ref_n_a_is_a_placeholder_and_a_recipient_government_is_the_state(
    embedded: EmbeddedStore, tmp_path: Path
) -> None:
    """The EC's ``ref="N/A"`` implementer named "Burkina Faso" (type 10) in Burkina Faso is that
    State's government; no provider "N/A" is made."""
    report = import_iati(
        embedded, one_file(tmp_path, "v2/dportal_dflat_activities_4e93a72.xml"), sectors=["121"], articles=[9]
    )
    held, orgs = projects(embedded), providers(embedded)
    assert "N/A" not in orgs and not any(pid.lower().startswith("n-a") for pid in orgs)
    p = held["XI-IATI-EC_DEVCO-2015/354-153"]
    assert p.implementer == "gov-BFA" and orgs["gov-BFA"].kind == "state" and orgs["gov-BFA"].country == "BFA"
    assert p.funders == ["XI-IATI-EC_DEVCO"]
    [entry] = [e for e in report.projects if e.id == p.id]
    assert any("'N/A' is a placeholder" in note for note in entry.notes)


def test_category_implementer_gives_way_to_the_accountable_partner(
    embedded: EmbeddedStore, tmp_path: Path
) -> None:
    """Sida: role 4 holds the CRS category 22000 "Donor country-based NGO", the real partner is in
    role 2 (Accountable); the category never becomes a provider; ``ref="SE"`` funding is Sweden."""
    import_iati(embedded, one_file(tmp_path, "v1/datastore_sida_100.xml"), sectors=["15150"])
    p = project_of(embedded, "SE-6-5403001501-189ANO-15150")
    orgs = providers(embedded)
    assert "22000" not in orgs and "XM-DAC-22000" not in orgs
    assert p.implementer is not None and orgs[p.implementer].name == "Olof Palmes Internationella Ce"
    assert p.funders == ["gov-SWE"] and orgs["gov-SWE"].kind == "bilateral"
    assert orgs["gov-SWE"].name == "Government of Sweden"


def test_channel_code_resolves_to_one_provider_with_aliases(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """DFID's 1.01 file names UNDP by its CRS channel code ``41114``: it is ``XM-DAC-41114``,
    a UN entity, with the code kept as an alias."""
    import_iati(embedded, one_file(tmp_path, "v1/datastore_CD_dfid_101.xml"), sectors=["15110"])
    orgs = providers(embedded)
    assert "41114" not in orgs
    undp = orgs["XM-DAC-41114"]
    assert undp.name == "United Nations Development Programme" and undp.kind == "un_entity"
    assert "41114" in undp.aliases
    implemented = [p for p in projects(embedded).values() if p.implementer == "XM-DAC-41114"]
    assert implemented


@pytest.mark.parametrize("placeholder", ["#", ";", "-", ""])
def test_placeholder_refs_never_become_providers(
    embedded: EmbeddedStore, placeholder: str, tmp_path: Path
) -> None:
    """The habit ``ref="#"``/``";"``: a real activity (EC DEVCO in Burkina Faso) with only its
    implementer's ``ref`` changed from ``N/A``. The export loads back (no ``;`` id)."""
    raw = (REAL / "v2/dportal_dflat_activities_4e93a72.xml").read_bytes()
    changed = raw.replace(b'ref="N/A" role="4"', f'ref="{placeholder}" role="4"'.encode())
    assert changed != raw
    import_iati(embedded, Upload(changed, "ec.xml"), sectors=["121"], articles=[9])
    orgs = providers(embedded)
    assert placeholder not in orgs and ";" not in "".join(orgs)
    assert projects(embedded)["XI-IATI-EC_DEVCO-2015/354-153"].implementer == "gov-BFA"
    out = write_bundle(embedded.export(), tmp_path / "export.zip", "zip")
    assert read_bundle(out).size() == embedded.export().size()


# -- dates, values, money -------------------------------------------------------------------------


def test_empty_activity_date_is_a_warning_not_a_stop(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """World Bank activities in a 2014 Datastore answer carry ``<activity-date type="end-planned"/>``
    with no date: the activity imports with a warning naming file, line and activity."""
    report = import_iati(
        embedded,
        one_file(tmp_path, "other/dportal_ctrack_test_activities.xml"),
        sectors=["15112"],
        articles=[9],
    )
    empty = [w for w in report.warnings if w.kind == "empty date" and w.activity == "44000-P100620"]
    assert empty and empty[0].line and empty[0].file.endswith("dportal_ctrack_test_activities.xml")
    assert "44000-P100620" in projects(embedded)


def test_zero_budget_gives_way_to_commitments(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """British Red Cross: budgets of 0 GBP beside commitment transactions: the commitments count."""
    import_iati(
        embedded, one_file(tmp_path, "v2/dportal_dflat_activities_4e93a72.xml"), sectors=["121"], articles=[9]
    )
    p = projects(embedded)["GB-CHC-220949-D464"]
    el = activity_xml(REAL / "v2/dportal_dflat_activities_4e93a72.xml", "GB-CHC-220949-D464")
    assert sum(float(v.text) for v in el.iterfind("budget/value")) == 0
    commitments = [
        t.find("value") for t in el.iterfind("transaction") if t.find("transaction-type").get("code") == "2"
    ]
    expected = sum(
        to_usd(Money(float(v.text), "GBP", date.fromisoformat(v.get("value-date")))).usd or 0
        for v in commitments
    )
    assert p.budget_usd == pytest.approx(expected, abs=0.05) and p.budget_usd > 0
    assert (p.budget_source or "").startswith("IATI commitments")


def test_no_budget_and_no_commitment_is_unknown_never_zero(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """Sida's 1.00 activity for PMU Interlife gives only disbursements: the budget is unknown (None), not 0."""
    import_iati(embedded, one_file(tmp_path, "v1/datastore_sida_100.xml"), sectors=["15150"])
    p = project_of(embedded, "SE-6-5403007501-189ANO-15150")
    el = activity_xml(REAL / "v1/datastore_sida_100.xml", "SE-6-5403007501-189ANO-15150")
    assert el.find("budget") is None and {
        t.get("code") for t in el.iterfind("transaction/transaction-type")
    } == {"D"}
    assert p.budget_usd is None and (p.budget_source or "").startswith("unknown")


def test_sector_and_country_percentages_are_kept(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """Canada: seven countries of ~14.29 % each; 15112 (48.48 %) and 15150 (5 %) in the selection."""
    import_iati(embedded, one_file(tmp_path, "flat/flattener_canada.xml"), sectors=["151"])
    p = projects(embedded)["CA-3-D002451001"]
    assert len(p.beneficiaries) == 7
    assert p.shares["BFA"] == pytest.approx(14.29) and p.shares["KHM"] == pytest.approx(14.28)
    assert p.sector_share == pytest.approx(53.48)


def test_values_converted_at_their_own_value_dates(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """Spain (EUR) and Canada (CAD): each budget value at the ECB rate of its value-date; the
    report keeps the amounts as published."""
    report = import_iati(embedded, one_file(tmp_path, "flat/flattener_canada.xml"), sectors=["151"])
    [entry] = [e for e in report.projects if e.id == "CA-3-D002451001"]
    el = activity_xml(REAL / "flat/flattener_canada.xml", "CA-3-D002451001")
    values = [v for v in el.iterfind("budget/value")]
    expected = sum(
        to_usd(Money(float(v.text), "CAD", date.fromisoformat(v.get("value-date")))).usd or 0 for v in values
    )
    assert entry.budget_usd == pytest.approx(expected, abs=0.05)
    assert {o["currency"] for o in entry.budget_original} == {"CAD"}
    assert len(entry.budget_original) == len(values)
    # a fixed --rates table overrides the ECB
    again = import_iati(
        embedded,
        one_file(tmp_path, "flat/flattener_canada.xml"),
        sectors=["151"],
        rates={"CAD": 0.5, "USD": 1.0},
        dry_run=True,
    )
    total = sum(float(v.text) for v in values)
    assert again.projects[0].budget_usd == pytest.approx(total * 0.5, abs=0.05)


def test_sek_amounts_in_a_sida_file(embedded: EmbeddedStore) -> None:
    amount = to_usd(Money(1_000_000, "SEK", date(2010, 1, 4)))
    later = to_usd(Money(1_000_000, "SEK", date(2012, 1, 2)))
    assert amount.usd and later.usd and amount.usd != later.usd  # the rate of each day
    assert "ECB rate of 2010-01-04" in amount.how


# -- vocabularies and selection --------------------------------------------------------------------


def test_sdg_target_sector_vocabulary_8(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """GDI Hub codes its clusters with SDG target 10.2 (sector vocabulary 8): ``sdg:10.2`` selects them."""
    report = import_iati(
        embedded,
        one_file(tmp_path, "flat/flattener_gdihub.xml"),
        sectors=["sdg:10.2"],
        keywords=False,
        articles=[9],
    )
    assert {p.id for p in report.projects} >= {"GB-COH-11126312-Cluster1"}
    assert projects(embedded)["GB-COH-11126312-Cluster1"].selected_by == ["SDG target 10.2"]


def test_dac_3_digit_vocabulary_2(embedded: EmbeddedStore, tmp_path: Path) -> None:
    report = import_iati(
        embedded, one_file(tmp_path, "flat/flattener_ifad.xml"), sectors=["430"], keywords=False, articles=[9]
    )
    assert projects(embedded)["XM-DAC-41108-1100001761"].selected_by == ["DAC category 430"]
    assert report.outside_selection == 0


def test_reporting_organisation_vocabularies_do_not_select(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """CAFOD's own sector codes (vocabulary RO) are not DAC codes: only DAC codes and keywords count."""
    report = import_iati(embedded, one_file(tmp_path, "v1/datastore_cafod_drc_100.xml"))
    assert report.outside_selection == 56  # every activity coded only with CAFOD's own or DAC non-15113 codes
    [left_out] = report.left_out  # the one keyword hit names no article: left out, and says why
    assert left_out.activity == "GB-CHC-285776-ZAI158" and "keyword 'corrupt*'" in left_out.message


def test_keywords_select_in_donor_languages() -> None:
    from tacmap.graph.ingest.iati.select import Selection

    keywords_only = Selection.parse([], keywords=True)
    for text in [
        "Stöd till korruptionsbekämpning",
        "Bekämpfung der Korruption",
        "Lutte contre la corruption",
        "Programa anticorrupción",
        "腐败预防",
        "汚職防止",
        "Антикоррупционная реформа",
        "مكافحة الفساد",
        "Anti-corruptie programma",
        "Tiltak mot korrupsjon",
    ]:
        assert keywords_only.reasons([], [], [text]), text
    assert keywords_only.reasons([], [], ["Rural roads maintenance"]) == []


# -- regions --------------------------------------------------------------------------------------


def test_regional_activity_with_no_recipient_country(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """Sida's support through PMU Interlife: recipient-region 189 (North of Sahara) only:
    imported as a regional project, not dropped."""
    report = import_iati(embedded, one_file(tmp_path, "v1/datastore_sida_100.xml"), sectors=["15150"])
    p = project_of(embedded, "SE-6-5403007501-189ANO-15150")
    assert p.beneficiaries == [] and p.regions == ["dac-189"]
    assert not report.left_out


# -- files that are not IATI, strict mode, the whole corpus ----------------------------------------


def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(REAL, folder, ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(BROKEN, folder / "broken")
    truncated = (REAL / "v2/iaticloud_MAEC_IATI_INDONESIA.xml").read_bytes()
    (folder / "broken" / "truncated_download.xml").write_bytes(truncated[: len(truncated) // 2])
    return folder


def test_everything_at_once_exits_0_and_names_each_skipped_file(tmp_path: Path) -> None:
    from tacmap.api.cli import app

    folder = corpus(tmp_path)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path / "data"), "load-iati", str(folder), "--report", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    skipped = {f["name"]: f["skipped"] for f in report["files"] if f["skipped"]}
    assert set(skipped) == {
        "broken/datastore_error.xml",
        "broken/portal_page.xml",
        "broken/truncated_download.xml",
    }
    assert "JSON" in skipped["broken/datastore_error.xml"]["message"]
    assert "HTML" in skipped["broken/portal_page.xml"]["message"]
    assert "truncated" in skipped["broken/truncated_download.xml"]["message"]
    assert report["counts"]["files"] == 27 and report["counts"]["projects"] > 0
    for kind in report["warnings_by_kind"]:
        assert f"warning: {kind} (" in result.output
    assert result.output.splitlines()[0].startswith("read ")  # the summary comes first


def test_strict_refuses_everything(embedded: EmbeddedStore, tmp_path: Path) -> None:
    with pytest.raises(IatiError) as caught:
        import_iati(embedded, corpus(tmp_path), strict=True)
    assert {p.file for p in caught.value.problems} >= {"broken/datastore_error.xml", "broken/portal_page.xml"}
    assert embedded.export().size() == 0


def test_reimport_writes_nothing_and_export_round_trips(store: Store, tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    first = import_iati(store, folder, sectors=["151", "15113", "sdg:16.5"])
    assert first.summary is not None and first.summary.written > 0
    again = import_iati(store, folder, sectors=["151", "15113", "sdg:16.5"])
    assert again.summary is not None and again.summary.written == 0
    before = store.export()
    path = write_bundle(before, tmp_path / "export.zip", "zip")
    summary = import_bundle(store, read_bundle(path, existing=before))
    assert summary.written == 0
    assert store.export() == before


def test_zip_of_files_reads_like_the_folder(embedded: EmbeddedStore, tmp_path: Path) -> None:
    archive = shutil.make_archive(
        str(tmp_path / "real"),
        "zip",
        one_file(tmp_path, "v1/datastore_CD_dfid_101.xml", "flat/flattener_canada.xml"),
    )
    report = import_iati(embedded, archive, sectors=["151"])
    assert {f.name for f in report.files} == {
        "real.zip/datastore_CD_dfid_101.xml",
        "real.zip/flattener_canada.xml",
    }
    assert "CA-3-D002451001" in projects(embedded)


# -- over HTTP ------------------------------------------------------------------------------------


def test_post_imports_iati_dry_run_then_import_and_the_state_page(store: Store, tmp_path: Path) -> None:
    """``POST /imports/iati`` (editor key): the report as the body; a dry run writes nothing and
    is not audited as a write; the import is on the audit trail with counts by kind; a State in the
    region then lists the regional programme that includes it."""
    from tests.test_api_support import make_api

    api = make_api(store, tmp_path / "api", max_upload_bytes=2 * 1024 * 1024)
    data = (REAL / "v1/datastore_sida_100.xml").read_bytes()
    files = {"file": ("sida.xml", data, "application/xml")}
    assert api.post("/imports/iati", role="viewer", files=files).status_code == 403
    dry = api.post("/imports/iati", files=files, data={"sectors": "15150", "dry_run": "true"})
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["import_id"] is None and body["report"]["dry_run"] is True
    assert body["report"]["counts"]["activities"] == 54
    assert "SE-6-5403007501-189ANO-15150" not in {p.id for p in store.export().projects}
    done = api.post("/imports/iati", files=files, data={"sectors": "15150"})
    assert done.status_code == 200, done.text
    assert done.json()["import_id"] and done.json()["report"]["summary"]["created"]["projects"] == 6
    [entry] = [e for e in api.get("/audit", role="admin").json()["items"] if e["action"] == "import.iati"]
    assert entry["outcome"] == "ok" and entry["counts"]["iati"]["activities"] == 54
    egypt = api.get("/states/EGY").json()  # Egypt is in DAC 189 "North of Sahara, regional"
    assert "SE-6-5403007501-189ANO-15150" in {p["id"] for p in egypt["regional_programmes"]}
    assert api.get("/states/KEN").json()["regional_programmes"] == []
    bad = api.post("/imports/iati", files=files, data={"sectors": "15199"})
    assert bad.status_code == 422 and "15199" in bad.text


def test_load_iati_is_on_the_audit_trail(tmp_path: Path) -> None:
    from tacmap.api.audit import AuditLog
    from tacmap.api.auth import AuthDB
    from tacmap.api.cli import app

    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data"), "load-iati"]
    ok = runner.invoke(app, [*base, str(one_file(tmp_path, "v1/datastore_CD_dfid_101.xml"))])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(app, [*base, str(tmp_path / "in"), "--sectors", "99999"])
    assert isinstance(
        refused.exception, IatiError.__mro__[1]
    )  # a BundleError: `tacmap` exits 2 with the problems
    assert refused.exception.exit_code == 2 and "99999" in str(refused.exception)
    _, entries = AuditLog(AuthDB(tmp_path / "data")).entries()
    actions = [(e.action, e.outcome) for e in entries]
    assert ("import.iati", "ok") in actions and ("import.iati", "rejected") in actions


def test_an_empty_value_is_a_warning_and_the_rest_counts(embedded: EmbeddedStore, tmp_path: Path) -> None:
    """The habit of empty ``<value/>`` elements (seen in Czech transactions; none of the files here
    has one): Canada's real activity with its first budget value emptied imports with a warning
    naming the line, and its budget is the other five periods."""
    raw = (REAL / "flat/flattener_canada.xml").read_bytes()
    el = activity_xml(REAL / "flat/flattener_canada.xml", "CA-3-D002451001")
    first = el.find("budget/value")
    published = first.text
    start = raw.index(f">{published}</value>".encode())
    changed = raw[:start] + b"></value>" + raw[start + len(f">{published}</value>") :]
    report = import_iati(embedded, Upload(changed, "canada.xml"), sectors=["151"])
    [warning] = [w for w in report.warnings if w.kind == "empty value"]
    assert warning.activity == "CA-3-D002451001" and warning.element == "budget/value" and warning.line
    values = list(el.iterfind("budget/value"))[1:]
    expected = sum(
        to_usd(Money(float(v.text), "CAD", date.fromisoformat(v.get("value-date")))).usd or 0 for v in values
    )
    assert projects(embedded)["CA-3-D002451001"].budget_usd == pytest.approx(expected, abs=0.05)
