"""Import, export, import again: the data survives every format on both stores, exports are
deterministic, and a re-import writes only what changed."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tacmap.graph.ingest.bundle import ImportSummary, import_bundle, read_bundle, write_bundle
from tacmap.graph.schema.models import TABLES, Bundle
from tacmap.graph.store import EmbeddedStore, Store

SAMPLE = {
    "providers.csv": (
        "id,name,kind,country\n"
        "giz,Deutsche Gesellschaft für Internationale Zusammenarbeit,bilateral,DEU\n"
        "undp,UNDP,un_entity,\n"
        "unodc,UNODC,un_entity,AUT\n"
        'ti,"Transparency International, e.V.",ngo,DEU\n'
        'odd,=HYPERLINK("http://example.org"),other,\n'
    ),
    "networks.csv": "id,name,members\nearn,East African Association of Anti-Corruption Authorities,KEN;UGA;TZA\n"
    "globe,GlobE Network,\n",
    "needs.csv": (
        "id,state,article,form,priority,identified_on,source\n"
        "n1,KEN,51,legal_advice,high,2023-04-01,Country review 2023\n"
        "n2,UGA,5,capacity_building,,,\n"
        'n3,TZA,46,model_agreements,low,2022-11-30,"Self-assessment, line 2\nsecond line"\n'
    ),
    "projects.csv": (
        "id,title,funders,implementer,beneficiaries,articles,forms,start,end,budget_usd,status,network\n"
        "p1,Asset recovery in East Africa,giz;undp,unodc,KEN;UGA,51;54;57,legal_advice;capacity_building,"
        "2021-01-01,2023-12-31,1250000.5,ongoing,earn\n"
        "p2,Whistle-blower protection,ti,,TZA,33,,2019-06-01,2020-05-31,,completed,\n"
        "p3,Évaluation des besoins — المساعدة,undp,undp,KEN,5;6,,2024-01-01,2024-01-01,0,planned,globe\n"
    ),
    "experts.csv": (
        "id,name,nationality,articles,forms,languages,gender,email,recommended_by\n"
        "e1,Ana Souza,BRA,46;51,legal_advice,pt;en;es,female,ana@example.org,BRA\n"
        "e2,Ole Nordmann,NOR,5,,no,,,\n"
    ),
    "implementation.csv": "state,article,status\nKEN,5,partial\nKEN,6,compliant\nUGA,51,not_compliant\n",
    "states.csv": "iso3,party_since,self_assessment_on\nKEN,2003-12-09,2021-06-30\nUGA,2004-09-09,\n",
}


def write_files(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def sample(tmp_path: Path) -> Bundle:
    return read_bundle(write_files(tmp_path / "sample", SAMPLE))


@pytest.fixture
def fresh(store: Store, tmp_path: Path) -> Iterator[object]:
    """A factory for an empty store of the same kind (embedded: a new folder; neo4j: cleared)."""
    opened: list[Store] = []

    def make() -> Store:
        if isinstance(store, EmbeddedStore):
            other = EmbeddedStore(tmp_path / f"fresh{len(opened)}")
            opened.append(other)
            return other
        store.clear()
        return store

    yield make
    for other in opened:
        other.close()


def xlsx_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def files_of(path: Path, fmt: str) -> dict[str, bytes]:
    if fmt == "dir":
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


def target(root: Path, fmt: str) -> Path:
    return root / {"dir": "export", "zip": "export.zip", "xlsx": "export.xlsx"}[fmt]


@pytest.mark.parametrize("fmt", ["dir", "zip", "xlsx"])
def test_round_trip(store: Store, fresh, sample: Bundle, tmp_path: Path, fmt: str) -> None:
    summary = import_bundle(store, sample)
    assert summary.created == {t: len(getattr(sample, t)) for t in TABLES}
    first = store.export()
    assert first == sample
    written = write_bundle(first, target(tmp_path / "one", fmt), fmt)

    other = fresh()  # for neo4j this empties the same database; the first export is on disk
    assert other.export() == Bundle()
    import_bundle(other, read_bundle(written, existing=other.export()))
    second = other.export()
    assert second == first
    again = write_bundle(second, target(tmp_path / "two", fmt), fmt)

    assert files_of(again, fmt) == files_of(written, fmt)  # byte-identical
    if fmt == "xlsx":
        values = xlsx_values(again)
        assert values == xlsx_values(written)
        assert values["providers"][0] == ("id", "name", "kind", "country", "aliases")
        assert list(values) == list(TABLES)


def test_exports_are_deterministic(sample: Bundle, tmp_path: Path) -> None:
    for fmt in ("dir", "zip", "xlsx"):
        one = write_bundle(sample, target(tmp_path / "a", fmt), fmt)
        two = write_bundle(sample.model_copy(deep=True), target(tmp_path / "b", fmt), fmt)
        assert files_of(one, fmt) == files_of(two, fmt), fmt
    csv = (tmp_path / "a" / "export" / "providers.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbfid,name,kind,country,aliases\r\ngiz,")
    assert (tmp_path / "a" / "export" / "states.csv").read_text(encoding="utf-8-sig").splitlines()[1] == (
        "KEN,2003-12-09,2021-06-30"
    )
    projects = (tmp_path / "a" / "export" / "projects.csv").read_text(encoding="utf-8-sig")
    assert (
        "p1,Asset recovery in East Africa,giz;undp,unodc,KEN;UGA,,,51;54;57,capacity_building;legal_advice,"
        in projects
    )
    assert "1250000.5,,,ongoing,earn" in projects and ",0,,,planned,globe" in projects


def test_xlsx_export_never_writes_a_formula(sample: Bundle, tmp_path: Path) -> None:
    path = write_bundle(sample, tmp_path / "w.xlsx", "xlsx")
    ws = load_workbook(io.BytesIO(path.read_bytes()))["providers"]
    cell = next(row[1] for row in ws.iter_rows(min_row=2) if row[0].value == "odd")
    assert cell.value == '=HYPERLINK("http://example.org")'
    assert cell.data_type == "s"
    assert read_bundle(path).providers == sample.providers


def test_write_bundle_refuses_a_folder_with_other_files(sample: Bundle, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.docx").write_text("mine")
    with pytest.raises(FileExistsError):
        write_bundle(sample, tmp_path / "busy", "dir")
    with pytest.raises(ValueError, match="unknown export format"):
        write_bundle(sample, tmp_path / "x", "parquet")
    write_bundle(sample, tmp_path / "again", "dir")
    write_bundle(sample, tmp_path / "again", "dir")  # its own files may be replaced


def test_reimport_changes_nothing(store: Store, sample: Bundle, tmp_path: Path) -> None:
    import_bundle(store, sample)
    first = store.export()
    calls: list[tuple[int, int]] = []
    summary = import_bundle(store, sample, progress=lambda done, total: calls.append((done, total)))
    assert summary.written == 0
    assert summary.unchanged == {t: len(getattr(sample, t)) for t in TABLES}
    assert sum(summary.created.values()) == sum(summary.updated.values()) == 0
    lines = summary.text().splitlines()
    assert lines[-1 - len(summary.warnings)] == "total: 0 created, 0 updated, 20 unchanged (nothing changed)"
    assert calls[0] == (0, 21) and calls[-1] == (21, 21)
    assert store.export() == first
    one = write_bundle(first, tmp_path / "one.zip", "zip").read_bytes()
    assert write_bundle(store.export(), tmp_path / "two.zip", "zip").read_bytes() == one


def test_update_drops_a_funder_and_adds_a_project(store: Store, sample: Bundle, tmp_path: Path) -> None:
    import_bundle(store, sample)
    update = write_files(
        tmp_path / "update",
        {
            "projects.csv": (
                "id,title,funders,implementer,beneficiaries,articles,forms,start,end,budget_usd,status,network\n"
                "p1,Asset recovery in East Africa,giz,unodc,KEN;UGA,51;54;57,legal_advice;capacity_building,"
                "2021-01-01,2023-12-31,1250000.5,ongoing,earn\n"
                "p2,Whistle-blower protection,ti,,TZA,33,,2019-06-01,2020-05-31,,completed,\n"
                "p4,Beneficial ownership,giz,,UGA,52,,2025-01-01,2026-12-31,300000,planned,\n"
            )
        },
    )
    summary = import_bundle(store, read_bundle(update, existing=store.export()), stamp={"source": "update"})
    assert summary.to_dict() == {
        "created": {**dict.fromkeys(TABLES, 0), "projects": 1},
        "updated": {**dict.fromkeys(TABLES, 0), "projects": 1},
        "unchanged": {**dict.fromkeys(TABLES, 0), "projects": 1},
        "written": 2,
        "warnings": [],
    }
    assert (
        str(summary)
        == "projects: 1 created, 1 updated, 1 unchanged\ntotal: 1 created, 1 updated, 1 unchanged"
    )
    nodes, edges = store.read_all()
    funds = sorted((e.src[1], e.dst[1]) for e in edges if e.type == "FUNDS")
    assert ("undp", "p1") not in funds
    assert ("giz", "p1") in funds and ("giz", "p4") in funds and ("undp", "p3") in funds
    assert nodes[("Project", "p4")]["source"] == "update"
    assert "source" not in nodes[("Project", "p2")]  # unchanged records are not rewritten
    after = store.export()
    assert [p.funders for p in after.projects if p.id == "p1"] == [["giz"]]
    assert len(after.projects) == 4 and after.providers == sample.providers


def test_a_states_row_without_dates_is_unchanged(store: Store, tmp_path: Path) -> None:
    bundle = read_bundle(write_files(tmp_path / "b", {"states.csv": "iso3,party_since\nFRA,\n"}))
    assert import_bundle(store, bundle).unchanged["states"] == 1
    assert store.export() == Bundle()


def test_summary_of_an_empty_bundle(store: Store) -> None:
    summary = import_bundle(store, Bundle())
    assert isinstance(summary, ImportSummary)
    assert summary.text() == "nothing imported: the bundle is empty"
