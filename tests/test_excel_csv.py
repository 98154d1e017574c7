"""CSV files as French, Spanish and Russian Excel save them (issue 15): ``;`` between columns,
decimal commas, Windows code pages. The fixtures in ``tests/data/excel`` are written byte for byte
as those Excels write them (``make.py`` there says how); each loads with the values meant, writes
back out and loads again unchanged, by the command line and over HTTP alike; what would need a
guess is refused with the file named and how to save it."""

from __future__ import annotations

import csv
import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import pytest
from tacmap.graph.ingest import dialect
from tacmap.graph.ingest.bundle import read_bundle, write_bundle
from tacmap.graph.store import EmbeddedStore

from tests.test_api_support import make_api
from tests.test_bundle_validation import folder, problems_of

EXCEL = Path(__file__).parent / "data" / "excel"
TACMAP = str(Path(sys.executable).parent / "tacmap")
SAVE_AS = "save it from Excel as CSV UTF-8 (File › Save As › CSV UTF-8)"


def test_the_fixtures_are_what_make_py_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_excel_csv", EXCEL / "make.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    make.write(tmp_path)
    for name in make.FILES:
        assert (tmp_path / name).read_bytes() == (EXCEL / name).read_bytes(), name


def test_french_excel_windows_1252() -> None:
    bundle = read_bundle(EXCEL / "fr-cp1252")
    names = {p.id: p.name for p in bundle.providers}
    assert names["afd"] == "Agence française de développement"
    assert names["hcc"] == "Haute Autorité pour la transparence — coopération"
    civ = next(p for p in bundle.projects if p.id == "p-civ")
    assert civ.title == "Renforcement de l'Autorité de lutte contre la corruption (Côte d'Ivoire)"
    assert civ.funders == ["afd", "hcc"] and civ.articles == [6, 36]
    assert civ.budget_usd == 1234567.5  # 1 234 567,5 with no-break spaces
    assert civ.sector_share == 12.5
    assert dict(civ.shares) == {"CIV": 60.5, "SEN": 39.5}
    assert next(p for p in bundle.projects if p.id == "p-sen").budget_usd == 98765


def test_spanish_excel_csv_utf8() -> None:
    bundle = read_bundle(EXCEL / "es-utf8")
    per = next(p for p in bundle.projects if p.id == "p-per")
    assert per.title == "Fortalecimiento de la Fiscalía Anticorrupción; fase II"  # a quoted ;
    assert per.budget_usd == 1234567.25  # 1.234.567,25
    assert bundle.providers[0].name == "Agencia Española de Cooperación"


def test_russian_excel_windows_1251() -> None:
    bundle = read_bundle(EXCEL / "ru-cp1251")
    assert {p.name for p in bundle.providers} == {
        "Генеральная прокуратура Российской Федерации",
        "Фонд «Прозрачность»",
    }
    [expert] = bundle.experts
    assert (expert.name, expert.languages, expert.years_experience) == (
        "Иванова Мария Сергеевна",
        ["en", "ru"],
        12,
    )


@pytest.mark.parametrize("name", ["fr-cp1252", "es-utf8", "ru-cp1251"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    """Read as Excel wrote it, written as tacmap writes (UTF-8, commas), read again: the same."""
    bundle = read_bundle(EXCEL / name)
    again = read_bundle(write_bundle(bundle, tmp_path / "out", "dir"))
    assert again == bundle


def test_english_excel_in_western_europe_writes_windows_1252_with_commas(tmp_path: Path) -> None:
    path = folder(
        tmp_path, {"providers.csv": "id,name,kind\r\nsocgen,Société Générale,private\r\n".encode("cp1252")}
    )
    assert read_bundle(path).providers[0].name == "Société Générale"


def test_the_command_line_loads_them(tmp_path: Path) -> None:
    done = subprocess.run(
        [TACMAP, "--data-dir", str(tmp_path), "load", str(EXCEL / "fr-cp1252")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    store = EmbeddedStore(tmp_path)
    try:
        assert {p.id: p.budget_usd for p in store.export().projects} == {"p-civ": 1234567.5, "p-sen": 98765}
    finally:
        store.close()


def test_an_upload_reads_them_the_same(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "data")
    try:
        api = make_api(store, tmp_path / "api")
        data = (EXCEL / "ru-cp1251" / "providers.csv").read_bytes()
        answer = api.post("/imports", files={"file": ("providers.csv", data)})
        assert answer.status_code == 200, answer.text
        names = {p["id"]: p["name"] for p in api.get("/providers").json()["items"]}
        assert names["fond"] == "Фонд «Прозрачность»"
        refused = api.post("/imports", files={"file": ("providers.csv", b"id;name,kind\r\nx;y;ngo\r\n")})
        assert refused.status_code == 422
        assert SAVE_AS in refused.text and "providers.csv" in refused.text
    finally:
        store.close()


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("1234,5", "1234.5"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234\u00a0567,25", "1234567.25"),
        ("1\u202f234,5", "1234.5"),
        ("1.234.567,5", "1234567.5"),
        ("1.234.567", "1234567"),
        ("250000", "250000"),
        ("1234.5", "1234.5"),
        ("0.125", "0.125"),
        ("lots", "lots"),
    ],
)
def test_decimal_commas(written: str, read: str) -> None:
    assert dialect.decimal_point(written) == read


def one_project(tmp_path: Path, sep: str, budget: str, name: str = "bundle") -> Path:
    """A provider and a project with ``budget``, columns separated by ``sep`` (cells quoted as Excel
    quotes them)."""
    rows = (
        [
            ["id", "name", "kind"],
            ["afd", "AFD", "bilateral"],
        ],
        [
            ["id", "title", "funders", "beneficiaries", "articles", "start", "end", "budget_usd", "status"],
            ["p1", "Audit", "afd", "SEN", "6", "2008-01-01", "2009-01-01", budget, "ongoing"],
        ],
    )
    files: dict[str, str | bytes] = {}
    for file, table in zip(("providers.csv", "projects.csv"), rows, strict=True):
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(table)
        files[file] = out.getvalue()
    return folder(tmp_path, files, name)


def test_a_number_that_could_be_thousands_or_decimals_is_refused(tmp_path: Path) -> None:
    assert problems_of(one_project(tmp_path, ";", "1.234")) == [
        (
            "projects.csv",
            2,
            "budget_usd",
            "1.234",
            f"'1.234' could be 1234 or 1.234 in a file with ; between columns: write 1234 or 1,234, or {SAVE_AS}",
        )
    ]


def test_a_comma_file_keeps_its_decimal_rule(tmp_path: Path) -> None:
    """Only a ; file has decimal commas: in a , file "1,5" (quoted) is not read as 1.5."""
    [(file, row, column, value, _)] = problems_of(one_project(tmp_path, ",", "1,5"))
    assert (file, row, column, value) == ("projects.csv", 2, "budget_usd", "1,5")
    assert read_bundle(one_project(tmp_path, ";", "1,5", "ok")).projects[0].budget_usd == 1.5


def test_the_encoding_is_found_from_a_bounded_sample_and_checked_throughout(tmp_path: Path) -> None:
    """A 50 MB file costs what a small one does: the detector sees at most 64 KB of lines beyond
    ASCII; the whole file must then decode in the code page found."""
    row = "p;Société;ngo\r\n".encode("cp1252")
    data = b"id;name;kind\r\n" + row * 100_000
    assert len(dialect._sample(data)) <= dialect.SAMPLE_BYTES + len(row)
    assert dialect.decode(data).count("Société") == 100_000
    broken = data + b"q;\x81;ngo\r\n"  # 0x81 means nothing in Windows-1252
    with pytest.raises(dialect.Unreadable) as caught:
        dialect.decode(broken)
    assert str(caught.value) == (
        f"not UTF-8 text (byte 0xE9 at position 20); it reads as Windows-1252 (Western European) but for "
        f"byte 0x81 at position {len(data) + 2}: {SAVE_AS}"
    )
