"""Spreadsheet templates (issue 8, part 1): header comments, drop-down lists on a hidden ``lists``
sheet, the experts' CV template, and "a template filled in and handed back imports with no change"
(filled by a script with openpyxl, loaded by ``tacmap load`` as a real process)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from tacmap.graph.ingest.bundle import BundleError, import_bundle, read_bundle
from tacmap.graph.ingest.columns import COLUMNS, format_cell
from tacmap.graph.ingest.templates import KINDS, template_workbook
from tacmap.graph.queries.experts import ranking, shortlist
from tacmap.graph.schema.models import TABLES, Bundle, Expert, Need, Provider
from tacmap.graph.store import EmbeddedStore, Store

from tests.test_api_support import make_api

TACMAP = str(Path(sys.executable).parent / "tacmap")
# ``tacmap template``, run as a process; the module is imported explicitly so this works whether or
# not api/cli/__init__.py already imports api.commands.templates.
TEMPLATE = [
    sys.executable,
    "-c",
    "import tacmap.api.cli.templates; from tacmap.api.cli import main; main()",
]


def run(cmd: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.run(
        [*cmd, *args], check=False, capture_output=True, text=True, env=environ, timeout=600
    )


def workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def header(ws: Any) -> list[str]:
    return [c.value for c in ws[1]]


def validations(ws: Any) -> dict[str, Any]:
    """Column name -> its data validation (one per column)."""
    names = header(ws)
    out = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            out[names[cell_range.min_col - 1]] = dv
            assert cell_range.min_row == 2 and cell_range.max_row == 1_048_576
    return out


def choices(wb: Any, dv: Any) -> list[Any]:
    """The values a list validation offers: the range it references on the lists sheet."""
    sheet, cells = dv.formula1.split("!")
    assert sheet == "lists"
    return [row[0].value for row in wb[sheet][cells.replace("$", "")]]


def fill(ws: Any, records: list[Any], table: str) -> None:
    """Type records under the header as an officer would: dates as dates, single numbers as numbers,
    yes / no, and lists joined by ';'."""
    columns = {c.value: i for i, c in enumerate(ws[1], start=1)}
    for row, record in enumerate(records, start=2):
        for column in COLUMNS[table]:
            value = getattr(record, column.name)
            if value is None or value == []:
                continue
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, list) or not isinstance(value, (int, float, date)):
                value = format_cell(value)
            ws.cell(row, columns[column.name], value)


# -- the workbooks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_has_commented_headers_drop_downs_and_no_rows(kind: str) -> None:
    wb = workbook(template_workbook(kind))
    tables = list(TABLES) if kind == "bundle" else ["experts" if kind == "cv" else kind]
    assert wb.sheetnames == [*tables, "lists"]
    assert wb["lists"].sheet_state == "hidden"
    for table in tables:
        ws = wb[table]
        assert header(ws) == [c.name for c in COLUMNS[table]]
        assert ws.max_row == 1  # no data rows: the example is in each header comment
        for cell, column in zip(ws[1], COLUMNS[table], strict=True):
            text = cell.comment.text
            assert ("required" if column.required else "optional") in text
            assert "Example: " in text, column.name
        found = validations(ws)
        assert set(found) == {c.name for c in COLUMNS[table]}  # every column has an input message
        for column in COLUMNS[table]:
            dv = found[column.name]
            assert dv.showInputMessage and dv.prompt and len(dv.prompt) <= 255
            if column.many:
                assert dv.type is None  # a list column cannot use a strict drop-down
    assert template_workbook(kind) == template_workbook(kind)  # deterministic


def test_drop_downs_hold_the_codes_and_the_store_providers(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "data")
    try:
        import_bundle(store, Bundle(providers=[Provider(id="giz-test", name="GIZ", kind="bilateral")]))
        wb = workbook(template_workbook("bundle", store))
    finally:
        store.close()
    needs = validations(wb["needs"])
    assert "KEN" in choices(wb, needs["state"])
    assert len(choices(wb, needs["state"])) > 190
    assert 46 in choices(wb, needs["article"]) and len(choices(wb, needs["article"])) == 71
    assert "legal_advice" in choices(wb, needs["form"])
    assert choices(wb, needs["priority"]) == ["high", "medium", "low"]
    assert choices(wb, needs["visibility"]) == ["public", "restricted"]
    projects = validations(wb["projects"])
    assert choices(wb, projects["implementer"]) == ["giz-test"]
    assert projects["implementer"].errorStyle == "warning"  # a provider of the same bundle may be typed
    assert choices(wb, projects["status"]) == ["planned", "ongoing", "completed", "cancelled"]
    assert projects["funders"].type is None and "';'" in projects["funders"].prompt
    assert "bilateral" in choices(wb, validations(wb["providers"])["kind"])
    assert choices(wb, validations(wb["implementation"])["status"]) == [
        "compliant",
        "partial",
        "not_compliant",
    ]
    experts = validations(wb["experts"])
    assert choices(wb, experts["availability"]) == ["available", "limited", "unavailable"]
    assert choices(wb, experts["consent"]) == ["yes", "no"]
    assert experts["consent"].type == "list" and experts["consent"].errorStyle == "stop"
    # names and titles sit beside the codes
    lists = wb["lists"]
    rows = {row[0].value: row[1].value for row in lists.iter_rows(min_row=2, max_col=2)}
    assert rows["KEN"] == "Kenya"
    article_col = needs["article"].formula1.split("!$")[1].split("$")[0]
    titles = {r[0].value: r[1].value for r in lists[f"{article_col}2:{chr(ord(article_col) + 1)}72"]}
    assert "legal assistance" in titles[46].lower()


def test_without_a_store_no_provider_list_is_offered() -> None:
    wb = workbook(template_workbook("projects"))
    assert validations(wb["projects"])["implementer"].type is None


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="choose one of"):
        template_workbook("donors")


# -- filled in and handed back ---------------------------------------------------------------------


def small_world() -> Bundle:
    """A few records of the seed in every table, plus experts with and without roster fields."""
    from tacmap.seed.generate import generate

    seed = generate()
    projects = seed.projects[:8]
    providers = {p for x in projects for p in [*x.funders, x.implementer] if p}
    networks = {x.network for x in projects if x.network}
    return Bundle(
        states=seed.states[:5],
        providers=[p for p in seed.providers if p.id in providers],
        networks=[n for n in seed.networks if n.id in networks],
        needs=seed.needs[:10],
        projects=projects,
        experts=[
            *seed.experts[:6],
            Expert(id="cv-bare", name="Bare Minimum", nationality="GHA", articles=[46]),
            Expert(
                id="cv-full",
                name="Amina Diallo",
                nationality="SEN",
                articles=[46, 48],
                forms=["legal_advice"],
                languages=["en", "fr"],
                language_levels=["en:C1", "fr:native"],
                years_experience=17,
                assignments="2015-2017: legal adviser, Benin; 2019: MLA training, Niger",
                availability="limited",
                consent=False,
            ),
        ],
        implementation=seed.implementation[:10],
    ).sorted()


def test_filled_bundle_template_loads_with_no_change(tmp_path: Path) -> None:
    data = tmp_path / "data"
    empty = tmp_path / "bundle-template.xlsx"
    made = run(TEMPLATE, "--data-dir", str(data), "template", "bundle", "-o", str(empty))
    assert made.returncode == 0, made.stderr
    world = small_world()
    wb = openpyxl.load_workbook(empty)
    for table in TABLES:
        fill(wb[table], getattr(world, table), table)
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    loaded = run([TACMAP], "--data-dir", str(data), "load", str(filled), "--format", "json")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["created"] == {t: len(getattr(world, t)) for t in TABLES}
    store = EmbeddedStore(data)
    try:
        assert store.export() == world  # what was typed is what is stored, roster fields included
    finally:
        store.close()
    again = json.loads(run([TACMAP], "--data-dir", str(data), "load", str(filled), "--format", "json").stdout)
    assert sum(again["created"].values()) == sum(again["updated"].values()) == 0


@pytest.mark.parametrize("kind", ["needs", "experts", "implementation"])
def test_a_filled_table_template_loads(kind: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    world = small_world()
    wb = workbook(template_workbook(kind))
    fill(wb[kind], getattr(world, kind), kind)
    wb.save(tmp_path / "filled.xlsx")
    loaded = run([TACMAP], "--data-dir", str(data), "load", str(tmp_path / "filled.xlsx"), "--format", "json")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["created"][kind] == len(getattr(world, kind))


def test_cv_template_imports_into_the_roster_and_consent_gates_the_shortlist(
    store: Store, tmp_path: Path
) -> None:
    wb = workbook(template_workbook("cv", store))
    ws = wb["experts"]
    columns = {c.value: i for i, c in enumerate(ws[1], start=1)}
    rows = [
        {
            "id": "cv-yes",
            "name": "Listed Expert",
            "nationality": "NGA",
            "articles": 46,  # picked from the drop-down: a number
            "forms": "legal_advice",
            "languages": "en;fr",
            "years_experience": 12,
            "language_levels": "en:C2;fr:b2",
            "assignments": "2018: asset recovery mentor, Ghana",
            "availability": "available",
            "consent": "yes",
        },
        {"id": "cv-no", "name": "Unlisted Expert", "nationality": "GHA", "articles": "46", "consent": "no"},
        {"id": "cv-none", "name": "Silent Expert", "nationality": "UGA", "articles": "46"},
    ]
    for row, values in enumerate(rows, start=2):
        for name, value in values.items():
            ws.cell(row, columns[name], value)
    path = tmp_path / "cv.xlsx"
    wb.save(path)

    bundle = read_bundle(path, existing=store.export())
    bundle = Bundle(
        experts=bundle.experts, needs=[Need(id="N1", state="KEN", article=46, form="legal_advice")]
    )
    import_bundle(store, bundle)
    roster = {e.id: e for e in store.export().experts}
    assert set(roster) == {"cv-yes", "cv-no", "cv-none"}  # kept on the roster, consent or not
    listed = roster["cv-yes"]
    assert listed.years_experience == 12
    assert listed.language_levels == ["en:C2", "fr:B2"]
    assert listed.assignments == "2018: asset recovery mentor, Ghana"
    assert listed.availability == "available"
    assert (listed.consent, roster["cv-no"].consent, roster["cv-none"].consent) == (True, False, None)
    assert [e.expert for e in shortlist(store, "N1")] == ["cv-yes"]
    assert [e.expert for e in ranking(store, "N1")] == ["cv-yes"]


def test_roster_fields_are_checked_with_clear_messages(tmp_path: Path) -> None:
    (tmp_path / "experts.csv").write_text(
        "id,name,nationality,articles,years_experience,language_levels,availability,consent\n"
        "e1,A,KEN,5,many,fr,soon,maybe\n"
        "e2,B,KEN,5,-3,fr:D1;xq:C1,Available,YES\n",
        encoding="utf-8",
    )
    with pytest.raises(BundleError) as caught:
        read_bundle(tmp_path / "experts.csv")
    messages = [str(p) for p in caught.value.problems]
    assert any("'many' is not a whole number" in m for m in messages)
    assert any("'fr' is not a language with a level: write code:level, e.g. fr:C1" in m for m in messages)
    assert any("unknown availability 'soon'" in m for m in messages)
    assert any("'maybe' is neither yes nor no" in m for m in messages)
    assert any("'-3'" in m for m in messages)
    assert any("unknown language level 'D1'" in m for m in messages)
    assert any("unknown language 'xq'" in m for m in messages)
    assert not any("Available" in m or "YES" in m for m in messages)  # case is normalised


# -- over HTTP ---------------------------------------------------------------------------------------


def test_template_endpoint_for_a_viewer_and_401_without_key(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "data")
    try:
        api = make_api(store, tmp_path / "data")
        response = api.get("/templates/cv.xlsx", role="viewer")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert "tacmap-cv-template.xlsx" in response.headers["content-disposition"]
        assert workbook(response.content).sheetnames == ["experts", "lists"]
        assert api.get("/templates/bundle.xlsx").status_code == 200
        assert api.get("/templates/cv.xlsx", role=None).status_code == 401
        assert api.get("/templates/donors.xlsx").status_code == 422
    finally:
        store.close()
