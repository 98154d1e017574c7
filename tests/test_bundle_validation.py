"""Reading and checking bundles: every kind of mistake is reported exactly, all at once, and a
broken bundle never changes the store."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from tacmap.graph.ingest.bundle import (
    BundleError,
    Limits,
    Problem,
    import_bundle,
    read_bundle,
    read_bundle_bytes,
)
from tacmap.graph.schema.models import Bundle, Project, Provider
from tacmap.graph.store import Store

PROVIDERS = "id,name,kind,country\ngiz,GIZ,bilateral,DEU\nundp,UNDP,un_entity,\n"
NETWORKS = "id,name,members\nearn,East Africa Network,KEN;UGA;TZA\n"
PROJECT_HEADER = (
    "id,title,funders,implementer,beneficiaries,articles,forms,start,end,budget_usd,status,network\n"
)
PROJECT_OK = "p1,Asset recovery,giz,undp,KEN,51,legal_advice,2020-01-01,2021-12-31,150000,ongoing,earn\n"


def folder(tmp_path: Path, files: dict[str, str | bytes], name: str = "bundle") -> Path:
    root = tmp_path / name
    root.mkdir()
    for file, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (root / file).write_bytes(data)
    return root


def problems_of(path: Path, **kwargs: object) -> list[tuple[object, ...]]:
    with pytest.raises(BundleError) as caught:
        read_bundle(path, **kwargs)  # type: ignore[arg-type]
    return [(p.file, p.row, p.column, p.value, p.message) for p in caught.value.problems]


def projects(tmp_path: Path, *rows: str, header: str = PROJECT_HEADER) -> Path:
    return folder(
        tmp_path,
        {"providers.csv": PROVIDERS, "networks.csv": NETWORKS, "projects.csv": header + "".join(rows)},
    )


# -- cell by cell ---------------------------------------------------------------------------------


def test_a_valid_bundle_is_read_and_normalised(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        {
            "providers.csv": "\ufeffid,name,kind,country\n giz , GIZ ,Bilateral,deu\n,,,\nundp,UNDP,un_entity,\n",
            "networks.csv": "ID,Name,Members\nearn,East Africa,uga; KEN;;ken\n",
            "projects.csv": PROJECT_HEADER
            + "p1,Asset recovery,undp;giz;giz,,ken,51;5;46.0,Legal_Advice;capacity_building,"
            "2020-01-01,2021-12-31,,Ongoing,\n",
            "experts.csv": "id,name,nationality,articles\ne1,Ana,bra,46\n",
            "implementation.csv": "state,article,status\nKEN,5,partial\n",
            "states.csv": "iso3,party_since\nken,2003-12-09\n",
        },
    )
    bundle = read_bundle(path)
    assert bundle.providers == [
        Provider(id="giz", name="GIZ", kind="bilateral", country="DEU"),
        Provider(id="undp", name="UNDP", kind="un_entity"),
    ]
    assert bundle.networks[0].members == ["KEN", "UGA"]
    assert bundle.projects == [
        Project(
            id="p1",
            title="Asset recovery",
            funders=["giz", "undp"],
            beneficiaries=["KEN"],
            articles=[5, 46, 51],
            forms=["capacity_building", "legal_advice"],
            start=date(2020, 1, 1),
            end=date(2021, 12, 31),
            status="ongoing",
        )
    ]
    assert bundle.experts[0].nationality == "BRA" and bundle.experts[0].languages == []
    assert bundle.states[0].iso3 == "KEN" and bundle.states[0].party_since == date(2003, 12, 9)
    assert bundle.implementation[0].status == "partial"


def test_unknown_country_code(tmp_path: Path) -> None:
    path = projects(tmp_path, PROJECT_OK.replace(",KEN,", ",KEM;UGA,"))
    assert problems_of(path) == [
        ("projects.csv", 2, "beneficiaries", "KEM", "unknown country code 'KEM' — did you mean KEN?")
    ]


def test_unknown_country_code_without_suggestion(tmp_path: Path) -> None:
    path = folder(tmp_path, {"states.csv": "iso3,party_since\nQQQ9,\n"})
    assert problems_of(path) == [
        (
            "states.csv",
            2,
            "iso3",
            "QQQ9",
            "unknown country code 'QQQ9': use an ISO 3166-1 alpha-3 code such as KEN",
        )
    ]


def test_end_before_start(tmp_path: Path) -> None:
    path = projects(tmp_path, PROJECT_OK.replace("2020-01-01,2021-12-31", "2011-06-01,2010-05-31"))
    assert problems_of(path) == [
        ("projects.csv", 2, "end", "2010-05-31", "end 2010-05-31 is before start 2011-06-01")
    ]


def test_unknown_provider_suggests_from_bundle_and_store(tmp_path: Path) -> None:
    path = projects(
        tmp_path,
        PROJECT_OK.replace(",giz,undp,", ",gizz,undp,"),
        PROJECT_OK.replace("p1,", "p2,").replace(",giz,undp,", ",giz,sidaa,"),
        PROJECT_OK.replace("p1,", "p3,").replace(",giz,undp,", ",giz,nobody-at-all,"),
    )
    existing = Bundle(providers=[Provider(id="sida", name="Sida", kind="bilateral")])
    assert problems_of(path, existing=existing) == [
        ("projects.csv", 2, "funders", "gizz", "unknown provider 'gizz' — did you mean giz?"),
        ("projects.csv", 3, "implementer", "sidaa", "unknown provider 'sidaa' — did you mean sida?"),
        (
            "projects.csv",
            4,
            "implementer",
            "nobody-at-all",
            "unknown provider 'nobody-at-all': add it to providers.csv or import it first",
        ),
    ]


def test_unknown_network(tmp_path: Path) -> None:
    path = projects(tmp_path, PROJECT_OK.replace(",earn\n", ",earnn\n"))
    assert problems_of(path) == [
        ("projects.csv", 2, "network", "earnn", "unknown network 'earnn' — did you mean earn?")
    ]


def test_duplicate_ids(tmp_path: Path) -> None:
    needs = (
        "id,state,article,form\n"
        "q01,KEN,5,legal_advice\nq02,KEN,6,legal_advice\nq03,UGA,5,legal_advice\nq03,UGA,6,legal_advice\n"
    )
    implementation = "state,article,status\nKEN,5,partial\nken,05,compliant\nKEN,5,compliant\n"
    path = folder(tmp_path, {"needs.csv": needs, "implementation.csv": implementation})
    assert problems_of(path) == [
        ("needs.csv", 5, "id", "q03", "id 'q03' appears twice (rows 4 and 5)"),
        (
            "implementation.csv",
            3,
            "article",
            "5",
            "state KEN and article 5 appear together 3 times (rows 2, 3 and 4)",
        ),
    ]


def test_articles_out_of_range_or_not_numbers(tmp_path: Path) -> None:
    needs = "id,state,article,form\nq1,KEN,72,legal_advice\nq2,KEN,five,legal_advice\nq3,KEN,0,legal_advice\n"
    path = folder(tmp_path, {"needs.csv": needs})
    assert problems_of(path) == [
        ("needs.csv", 2, "article", "72", "article 72 is outside 1–71"),
        (
            "needs.csv",
            3,
            "article",
            "five",
            "'five' is not an article number: use a whole number from 1 to 71",
        ),
        ("needs.csv", 4, "article", "0", "article 0 is outside 1–71"),
    ]


def test_unknown_forms(tmp_path: Path) -> None:
    needs = "id,state,article,form\nq1,KEN,5,legal advise\nq2,KEN,5,training\n"
    path = folder(tmp_path, {"needs.csv": needs})
    assert problems_of(path) == [
        ("needs.csv", 2, "form", "legal advise", "unknown form 'legal advise' — did you mean legal_advice?"),
        (
            "needs.csv",
            3,
            "form",
            "training",
            (
                "unknown form 'training': use one of legal_advice, legislative_drafting, model_legislation, "
                "good_practices, model_agreements, action_plan, on_site_expert, capacity_building, technology, other"
            ),
        ),
    ]


def test_numbers_and_dates(tmp_path: Path) -> None:
    path = projects(
        tmp_path,
        PROJECT_OK.replace(",150000,", ",lots,"),
        PROJECT_OK.replace("p1,", "p2,").replace(",150000,", ",-5,"),
        PROJECT_OK.replace("p1,", "p3,").replace(",150000,", ',"1,500",'),
        PROJECT_OK.replace("p1,", "p4,").replace("2020-01-01", "2020-13-01"),
        PROJECT_OK.replace("p1,", "p5,").replace("2020-01-01", "01/02/2020"),
    )
    assert problems_of(path) == [
        ("projects.csv", 2, "budget_usd", "lots", "'lots' is not a number"),
        ("projects.csv", 3, "budget_usd", "-5", "'-5' is negative: give an amount of zero or more"),
        (
            "projects.csv",
            4,
            "budget_usd",
            "1,500",
            "'1,500' is not a number (write digits only, with a dot for decimals, e.g. 1500000.50)",
        ),
        ("projects.csv", 5, "start", "2020-13-01", "'2020-13-01' is not a date (use YYYY-MM-DD)"),
        ("projects.csv", 6, "start", "01/02/2020", "'01/02/2020' is not a date (use YYYY-MM-DD)"),
    ]


def test_required_values(tmp_path: Path) -> None:
    path = projects(tmp_path, "p1,Untitled,,,,,,2020-01-01,2020-02-01,,,\n")
    assert problems_of(path) == [
        ("projects.csv", 2, "funders", None, "funders is required: list at least one provider id"),
        (
            "projects.csv",
            2,
            "beneficiaries",
            None,
            "list at least one ISO3 country code in beneficiaries, or a region in regions",
        ),
        ("projects.csv", 2, "articles", None, "articles is required: list at least one article (1–71)"),
        (
            "projects.csv",
            2,
            "status",
            None,
            "status is required: choose one of planned, ongoing, completed, cancelled",
        ),
    ]


def test_enums_languages_and_emails(tmp_path: Path) -> None:
    experts = (
        "id,name,nationality,articles,languages,email\n"
        "e1,Ana,BRA,46,pt;English,ana@example.org\n"
        "e2,Bo,SWE,46,sv;xx,bo-at-example.org\n"
    )
    providers = "id,name,kind\nx,X,bilaterl\ny,Y,donor\n"
    path = folder(tmp_path, {"experts.csv": experts, "providers.csv": providers})
    assert problems_of(path) == [
        ("providers.csv", 2, "kind", "bilaterl", "unknown kind 'bilaterl' — did you mean bilateral?"),
        (
            "providers.csv",
            3,
            "kind",
            "donor",
            "unknown kind 'donor': use one of bilateral, multilateral, un_entity, ngo, state, private, other",
        ),
        ("experts.csv", 2, "languages", "English", "unknown language 'English' — did you mean en?"),
        (
            "experts.csv",
            3,
            "languages",
            "xx",
            "unknown language 'xx': use a two-letter ISO 639-1 code such as en, fr or es",
        ),
        ("experts.csv", 3, "email", "bo-at-example.org", "'bo-at-example.org' is not an email address"),
    ]


def test_commas_inside_a_list(tmp_path: Path) -> None:
    path = projects(tmp_path, PROJECT_OK.replace(",KEN,", ',"KEN, UGA",'))
    assert problems_of(path) == [
        (
            "projects.csv",
            2,
            "beneficiaries",
            "KEN, UGA",
            "'KEN, UGA' looks like several items: separate them with ';', not ','",
        )
    ]


# -- files and columns ----------------------------------------------------------------------------


def test_unknown_file_unknown_and_missing_columns(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        {
            "projets.csv": PROJECT_HEADER,
            "notes.txt": "hello",
            "providers.csv": "id,name,knd,country,website\ngiz,GIZ,bilateral,DEU,giz.de\n",
        },
    )
    assert problems_of(path) == [
        (
            "notes.txt",
            None,
            None,
            None,
            (
                "unknown file 'notes.txt': a bundle holds only states.csv, providers.csv, "
                "networks.csv, needs.csv, projects.csv, experts.csv and implementation.csv (each one optional)"
            ),
        ),
        ("projets.csv", None, None, None, "unknown file 'projets.csv' — did you mean projects.csv?"),
        ("providers.csv", 1, "knd", "knd", "unknown column 'knd' — did you mean kind?"),
        (
            "providers.csv",
            1,
            "website",
            "website",
            "unknown column 'website': providers.csv has the columns id, name, kind, country, aliases",
        ),
        ("providers.csv", 1, "kind", None, "the required column 'kind' is missing"),
    ]


def test_optional_columns_may_be_absent(tmp_path: Path) -> None:
    path = folder(tmp_path, {"providers.csv": "name,id,kind\nGIZ,giz,bilateral\n"})
    assert read_bundle(path).providers == [Provider(id="giz", name="GIZ", kind="bilateral")]


def test_header_problems(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        {
            "providers.csv": "id;name,kind;country\ngiz;GIZ;bilateral;DEU\n",
            "networks.csv": "earn,East Africa,KEN\n",
            "needs.csv": "id,state,article,form,form\nq1,KEN,5,legal_advice,legal_advice\nq2,KEN,5,other,,extra\n",
        },
    )
    assert problems_of(path) == [
        (
            "providers.csv",
            None,
            None,
            None,
            (
                "the header row holds both , and ; so the columns cannot be told apart: "
                "save it from Excel as CSV UTF-8 (File › Save As › CSV UTF-8)"
            ),
        ),
        (
            "networks.csv",
            1,
            None,
            None,
            "the first row must be the header naming the columns: id, name, members",
        ),
        ("needs.csv", 1, "form", "form", "column 'form' appears twice in the header"),
        ("needs.csv", 3, None, None, "the row has 6 cells but the header names 5 columns"),
    ]


def test_every_error_is_reported_at_once(tmp_path: Path) -> None:
    path = projects(
        tmp_path,
        "p1,Asset recovery,gizz,undp,KEM,72,training,2011-06-01,2010-05-31,lots,ongoing,earn\n",
        "p1,Second,giz,,KEN,5,,2020-13-01,2021-01-01,,planned,\n",
    )
    found = problems_of(path)
    assert [(row, column) for _, row, column, _, _ in found] == [
        (2, "funders"),
        (2, "beneficiaries"),
        (2, "articles"),
        (2, "forms"),
        (2, "end"),
        (2, "budget_usd"),
        (3, "id"),
        (3, "start"),
    ]


def test_six_different_errors_give_six_problems(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        {
            "providers.csv": PROVIDERS + "sida,Sida,bilatteral,SWE\n",
            "needs.csv": "id,state,article,form,identified_on\nq1,KEM,5,legal_advice,\nq2,KEN,99,legal_advice,2020-02-30\n",
            "projects.csv": PROJECT_HEADER
            + "p1,A,gizz,,KEN,5,,2020-01-01,2021-01-01,,ongoing,\n"
            + "p2,B,giz,,KEN,5,,2020-01-01,2019-01-01,,ongoing,\n",
        },
    )
    found = problems_of(path)
    assert len(found) == 6
    assert [message for *_, message in found] == [
        "unknown kind 'bilatteral' — did you mean bilateral?",
        "unknown country code 'KEM' — did you mean KEN?",
        "article 99 is outside 1–71",
        "'2020-02-30' is not a date (use YYYY-MM-DD)",
        "unknown provider 'gizz' — did you mean giz?",
        "end 2019-01-01 is before start 2020-01-01",
    ]


def test_bundle_error_prints_one_problem_per_line(tmp_path: Path) -> None:
    path = projects(
        tmp_path,
        PROJECT_OK,
        PROJECT_OK.replace("p1,", "p2,").replace("2020-01-01,2021-12-31", "2011-06-01,2010-05-31"),
        header="\ufeff" + PROJECT_HEADER,
    )
    (path / "projets.csv").write_text("id\n")
    with pytest.raises(BundleError) as caught:
        read_bundle(path)
    assert str(caught.value) == (
        "projets.csv: unknown file 'projets.csv' — did you mean projects.csv?\n"
        "projects.csv row 3, column end: end 2010-05-31 is before start 2011-06-01"
    )
    assert str(Problem("f.csv", 1, None, None, "m")) == "f.csv row 1: m"


def test_a_missing_path(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.zip") == [
        ("nope.zip", None, None, None, f"no such file or folder: {tmp_path / 'nope.zip'}")
    ]


# -- hostile and odd files ------------------------------------------------------------------------


def test_a_csv_whose_encoding_needs_a_guess_is_refused(tmp_path: Path) -> None:
    """A lone ``é`` (byte E9) is ``й`` in Windows-1251: nothing in the file tells which was meant."""
    path = folder(tmp_path, {"providers.csv": "id,name,kind\nx,\xe9,other\n".encode("latin-1")})
    [(file, row, column, value, message)] = problems_of(path)
    assert (file, row, column, value) == ("providers.csv", None, None, None)
    assert message.startswith("not UTF-8 text (byte 0xE9 at position 15), and it reads as ")
    assert "Windows-1251 (Cyrillic)" in message
    assert message.endswith("alike: save it from Excel as CSV UTF-8 (File › Save As › CSV UTF-8)")


def test_a_leading_equals_sign_in_csv_is_text(tmp_path: Path) -> None:
    path = folder(tmp_path, {"providers.csv": "id,name,kind\nx,=1+1,other\n"})
    assert read_bundle(path).providers[0].name == "=1+1"


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = folder(tmp_path, {"providers.csv": PROVIDERS, "networks.csv": NETWORKS})
    assert problems_of(path, limits=Limits(max_file_bytes=60)) == [
        (
            "providers.csv",
            None,
            None,
            None,
            "the file is 64 bytes, more than the limit of 60 bytes: split it or raise the limit",
        )
    ]
    assert problems_of(path, limits=Limits(max_total_bytes=100)) == [
        (
            "providers.csv",
            None,
            None,
            None,
            (
                "the bundle's files together are more than the limit of 100 bytes: "
                "split it into several imports or raise the limit"
            ),
        )
    ]


def test_too_many_rows(tmp_path: Path) -> None:
    rows = "".join(f"p{i},P{i},ngo\n" for i in range(6))
    path = folder(tmp_path, {"providers.csv": "id,name,kind\n" + rows})
    assert problems_of(path, limits=Limits(max_rows=5)) == [
        (
            "providers.csv",
            7,
            None,
            None,
            "more than 5 rows: split the table into smaller files or raise the row limit",
        )
    ]
    assert len(read_bundle(path, limits=Limits(max_rows=6)).providers) == 6


def zip_of(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_zip_with_path_traversal_is_refused(tmp_path: Path) -> None:
    data = zip_of({"providers.csv": PROVIDERS, "../evil.csv": "x", "/etc/passwd.csv": "x"})
    (tmp_path / "b.zip").write_bytes(data)
    assert problems_of(tmp_path / "b.zip") == [
        ("b.zip", None, None, "../evil.csv", "unsafe path '../evil.csv' in the zip: the zip is refused"),
        (
            "b.zip",
            None,
            None,
            "/etc/passwd.csv",
            "unsafe path '/etc/passwd.csv' in the zip: the zip is refused",
        ),
    ]
    assert not (tmp_path.parent / "evil.csv").exists()


def test_zip_bomb_and_too_many_files(tmp_path: Path) -> None:
    bomb = zip_of({"providers.csv": "id,name,kind\n" + "a" * 5_000_000})
    assert len(bomb) < 20_000
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(bomb, "bomb.zip", limits=Limits(max_total_bytes=1_000_000))
    assert [str(p) for p in caught.value.problems] == [
        "bomb.zip: the zip unpacks to more than the limit of 1,000,000 bytes: refused"
    ]
    many = zip_of({f"x{i}.csv": "" for i in range(5)})
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(many, "many.zip", limits=Limits(max_files=4))
    assert [str(p) for p in caught.value.problems] == [
        "many.zip: the zip holds 5 entries, more than the limit of 4"
    ]


def test_zip_member_that_lies_about_its_size(tmp_path: Path) -> None:
    data = bytearray(zip_of({"providers.csv": "id,name,kind\n" + "a" * 50_000}))
    # Rewrite the declared uncompressed size (local header and central directory) to 10 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        data[at + offset : at + offset + 4] = (10).to_bytes(4, "little")
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(bytes(data), "liar.zip", limits=Limits(max_file_bytes=20_000))
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 1
    assert messages[0].startswith(("the file unpacks to more than the limit", "cannot unpack this file"))


def test_zip_with_one_top_level_folder(tmp_path: Path) -> None:
    data = zip_of(
        {
            "export/providers.csv": PROVIDERS,
            "export/networks.csv": NETWORKS,
            "__MACOSX/export/._providers.csv": "junk",
            "export/.DS_Store": "junk",
        }
    )
    bundle = read_bundle_bytes(data, "export.zip")
    assert [p.id for p in bundle.providers] == ["giz", "undp"]
    assert bundle.networks[0].members == ["KEN", "TZA", "UGA"]


def test_not_a_bundle(tmp_path: Path) -> None:
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(b"hello", "notes.txt")
    assert str(caught.value) == (
        "notes.txt: 'notes.txt' is not a bundle: give a folder of CSV files, a .zip of one, or an .xlsx workbook"
    )
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(b"PK\x03\x04 broken", "b.zip")
    assert str(caught.value) == "b.zip: not a zip file, or a damaged one"


# -- workbooks ------------------------------------------------------------------------------------


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_xlsx_cells_of_every_type_are_accepted() -> None:
    data = workbook(
        {
            "Sheet1": [],
            "providers": [
                ["id", "name", "kind", "country"],
                ["giz", "GIZ", "bilateral", "DEU"],
                [123, "Num", "ngo"],
            ],
            "needs": [
                ["id", "state", "article", "form", "identified_on"],
                ["q1", "KEN", 46.0, "legal_advice", datetime(2020, 5, 1)],
                [None, None, None, None, None],
            ],
            "projects": [
                PROJECT_HEADER.strip().split(","),
                [
                    "p1",
                    "T",
                    "giz",
                    None,
                    "KEN",
                    5,
                    None,
                    date(2020, 1, 1),
                    "2021-01-01",
                    1500.5,
                    "planned",
                    None,
                ],
            ],
        }
    )
    bundle = read_bundle_bytes(data, "workbook.xlsx")
    assert [p.id for p in bundle.providers] == ["123", "giz"]
    assert bundle.needs[0].article == 46 and bundle.needs[0].identified_on == date(2020, 5, 1)
    project = bundle.projects[0]
    assert (project.articles, project.start, project.end, project.budget_usd) == (
        [5],
        date(2020, 1, 1),
        date(2021, 1, 1),
        1500.5,
    )


def test_xlsx_formulas_and_unknown_sheets_are_reported(tmp_path: Path) -> None:
    data = workbook(
        {
            "providers": [["id", "name", "kind"], ["giz", "=UPPER(A2)", "bilateral"], ["x", "X", "=A1"]],
            "projets": [["id"], ["p1"]],
            "Sheet2": [],
        }
    )
    (tmp_path / "workbook.xlsx").write_bytes(data)
    assert problems_of(tmp_path / "workbook.xlsx") == [
        ("workbook.xlsx", None, None, "projets", "unknown sheet 'projets' — did you mean projects?"),
        (
            "workbook.xlsx › providers",
            2,
            "name",
            "=UPPER(A2)",
            "formulas are not accepted: type the value itself",
        ),
        ("workbook.xlsx › providers", 3, "kind", "=A1", "formulas are not accepted: type the value itself"),
    ]


def test_xlsx_too_many_rows_and_too_large(tmp_path: Path) -> None:
    data = workbook({"providers": [["id", "name", "kind"]] + [[f"p{i}", "P", "ngo"] for i in range(4)]})
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(data, "w.xlsx", limits=Limits(max_rows=3))
    assert str(caught.value) == (
        "w.xlsx › providers row 5: more than 3 rows: split the table into smaller files or raise the row limit"
    )
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(data, "w.xlsx", limits=Limits(max_unpacked_bytes=2_000))
    assert str(caught.value) == "w.xlsx: the workbook unpacks to more than the limit of 2,000 bytes: refused"


# -- nothing reaches the store --------------------------------------------------------------------


def test_a_broken_bundle_leaves_the_store_unchanged(store: Store, tmp_path: Path) -> None:
    import_bundle(store, read_bundle(folder(tmp_path, {"providers.csv": PROVIDERS}, "first")))
    before = store.export()
    broken = projects(tmp_path, PROJECT_OK.replace("2020-01-01", "2020-13-01"))
    with pytest.raises(BundleError):
        import_bundle(store, read_bundle(broken, existing=store.export()))
    assert store.export() == before


def test_a_reference_that_resolves_to_nothing_is_refused(store: Store, tmp_path: Path) -> None:
    """Every row is well formed, but the funder is neither in the bundle nor in the store."""
    import_bundle(store, read_bundle(folder(tmp_path, {"providers.csv": PROVIDERS}, "first")))
    before = store.export()
    path = folder(
        tmp_path,
        {
            "projects.csv": PROJECT_HEADER
            + "p1,Asset recovery,ghost,,KEN,51,,2020-01-01,2021-12-31,,ongoing,\n"
        },
        "second",
    )
    assert problems_of(path, existing=before) == [
        (
            "projects.csv",
            2,
            "funders",
            "ghost",
            "unknown provider 'ghost': add it to providers.csv or import it first",
        )
    ]
    # A bundle built in code skips read_bundle: import_bundle checks it against the store itself.
    project = Project(
        id="p1",
        title="Asset recovery",
        funders=["ghost"],
        beneficiaries=["KEN"],
        articles=[51],
        start=date(2020, 1, 1),
        end=date(2021, 12, 31),
        status="ongoing",
    )
    with pytest.raises(BundleError) as caught:
        import_bundle(store, Bundle(projects=[project]))
    assert str(caught.value) == (
        "projects.csv column funders: unknown provider 'ghost': add it to providers.csv or import it first"
    )
    assert store.export() == before


def test_a_reference_to_the_store_resolves(store: Store, tmp_path: Path) -> None:
    """A project may name a provider that only the store holds."""
    import_bundle(store, read_bundle(folder(tmp_path, {"providers.csv": PROVIDERS}, "first")))
    path = folder(tmp_path, {"projects.csv": PROJECT_HEADER + PROJECT_OK.replace(",earn\n", ",\n")}, "second")
    bundle = read_bundle(path, existing=store.export())
    summary = import_bundle(store, bundle)
    assert summary.created["projects"] == 1
    assert store.export().projects == bundle.projects


def test_records_built_in_code_are_normalised(store: Store) -> None:
    giz = Provider(id="giz", name="GIZ", kind="bilateral", country="deu")
    undp = Provider(id="undp", name="UNDP", kind="un_entity")
    project = Project(
        id="p1",
        title="T",
        funders=["undp", "giz", "giz"],
        beneficiaries=["uga", "KEN"],
        articles=[51, 5],
        forms=["Legal_Advice"],
        start=date(2020, 1, 1),
        end=date(2020, 1, 1),
        status="planned",
    )
    assert import_bundle(store, Bundle(providers=[undp, giz], projects=[project])).written == 3
    exported = store.export()
    assert exported.providers[0].country == "DEU"
    p1 = exported.projects[0]
    assert (p1.funders, p1.beneficiaries, p1.articles, p1.forms) == (
        ["giz", "undp"],
        ["KEN", "UGA"],
        [5, 51],
        ["legal_advice"],
    )
    again = import_bundle(store, Bundle(providers=[undp, giz], projects=[project]))
    assert again.written == 0 and again.unchanged["projects"] == 1


def test_records_built_in_code_are_checked(store: Store) -> None:
    before = store.export()
    giz = Provider(id="giz", name="GIZ", kind="bilateral")
    project = Project(
        id="p1",
        title="T",
        funders=["giz"],
        beneficiaries=["XXX"],
        articles=[80],
        start=date(2021, 1, 1),
        end=date(2020, 1, 1),
        budget_usd=-1.0,
        status="planned",
    )
    with pytest.raises(BundleError) as caught:
        import_bundle(store, Bundle(providers=[giz, giz], projects=[project]))
    assert str(caught.value).splitlines() == [
        "providers.csv column id: id 'giz' appears twice",
        "projects.csv column beneficiaries: unknown country code 'XXX': use an ISO 3166-1 alpha-3 code such as KEN",
        "projects.csv column articles: article 80 is outside 1–71",
        "projects.csv column budget_usd: '-1' is negative: give an amount of zero or more",
        "projects.csv column end: end 2020-01-01 is before start 2021-01-01",
    ]
    assert store.export() == before


def test_read_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    read_bundle(projects(tmp_path, PROJECT_OK), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 4), (4, 4)]


def test_file_names_ignore_case_but_a_table_comes_once(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        {
            "Providers.CSV": "id,name,kind,\ngiz,GIZ,bilateral,\n",
            ".DS_Store": "junk",
            "Networks.csv": "id,name,,members\nearn,EARN,x,KEN\n",
            "networks.csv": NETWORKS,
        },
    )
    assert problems_of(path) == [
        (
            "networks.csv",
            None,
            None,
            None,
            "two files hold the networks table (Networks.csv and networks.csv): keep one",
        ),
        ("Networks.csv", 1, None, None, "column C has values but no name in the header row"),
    ]
    (path / "networks.csv").unlink()
    (path / "Networks.csv").unlink()
    assert [p.id for p in read_bundle(path).providers] == ["giz"]


def test_a_blank_first_line_is_not_a_header(tmp_path: Path) -> None:
    path = folder(tmp_path, {"providers.csv": "\ngiz,GIZ,bilateral\n", "networks.csv": ""})
    assert problems_of(path) == [
        (
            "providers.csv",
            1,
            None,
            None,
            "the first row must be the header naming the columns: id, name, kind, country, aliases",
        )
    ]
    (path / "providers.csv").write_text("id,name,kind\n")
    assert read_bundle(path) == Bundle()


# -- regions, shares and provenance (the columns real IATI data needs) -----------------------------

EVIDENCE_HEADER = (
    "id,title,funders,beneficiaries,shares,regions,articles,start,end,budget_usd,budget_source,"
    "sector_share,status,sources,selected_by\n"
)


def test_a_regional_programme_needs_no_beneficiary_and_keeps_its_evidence(tmp_path: Path) -> None:
    row = (
        "r1,Sahel integrity,giz,,,dac-289;m49-014,5,2020-01-01,2021-12-31,300000,"
        '"IATI budget, 2 period(s): EUR 250,000.00",20,ongoing,GB-1-1-101,DAC 15113\n'
    )
    [p] = read_bundle(projects(tmp_path, row, header=EVIDENCE_HEADER)).projects
    assert p.beneficiaries == [] and p.regions == ["dac-289", "m49-014"]
    assert p.sector_share == 20 and p.sources == ["GB-1-1-101"] and p.selected_by == ["DAC 15113"]
    assert p.budget_source == "IATI budget, 2 period(s): EUR 250,000.00"


def test_shares_regions_and_sector_share_are_checked(tmp_path: Path) -> None:
    rows = [
        "s1,A,giz,KEN;UGA,KEN:60;UGA:50,,5,2020-01-01,2021-12-31,,,,ongoing,,\n",  # over 100
        "s2,B,giz,KEN,TZA:40,,5,2020-01-01,2021-12-31,,,,ongoing,,\n",  # not a beneficiary
        "s3,C,giz,KEN,KEN60,dac-28,5,2020-01-01,2021-12-31,,,150,ongoing,,\n",  # bad share, region, percent
        "s4,D,giz,,,,5,2020-01-01,2021-12-31,,,,ongoing,,\n",  # neither State nor region
    ]
    found = problems_of(projects(tmp_path, *rows, header=EVIDENCE_HEADER))
    assert [(row, column) for _, row, column, _, _ in found] == [
        (2, "shares"),
        (3, "shares"),
        (4, "shares"),
        (4, "regions"),
        (4, "sector_share"),
        (5, "beneficiaries"),
    ]
    messages = [m for *_, m in found]
    assert "the shares add up to 110 %, over 100" in messages[0]
    assert "a share for TZA, which is not among the beneficiaries" in messages[1]
    assert "write ISO3:percent, e.g. KEN:60" in messages[2]
    assert "unknown region 'dac-28'" in messages[3] and "did you mean dac-289" in messages[3]
    assert "'150' is not a percentage" in messages[4]
    assert "or a region in regions" in messages[5]
