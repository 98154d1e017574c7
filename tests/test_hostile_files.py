"""Hostile and damaged bundles (issue 16): every one is a :class:`BundleError` naming the file,
part, row and column, found before the expensive parsing starts; never a traceback, a 500, a
silently dropped row or a read of a device. Ends with a fuzz test of the reader."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from tacmap.graph.ingest.bundle import BundleError, Limits, read_bundle, read_bundle_bytes
from tacmap.graph.schema.models import Bundle
from tacmap.graph.store import EmbeddedStore

from tests.test_api_support import make_api

TACMAP = str(Path(sys.executable).parent / "tacmap")
PROVIDERS = [["id", "name", "kind"], ["p1", "One", "ngo"]]


def shared_strings_workbook(extra: int) -> bytes:
    """A providers sheet written with shared strings, whose string table then gets ``extra`` empty
    entries: a few hundred KB that unpack to many MB (the attack of issue 16 at a small scale)."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet("providers")
    for r, row in enumerate(PROVIDERS):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    wb.close()

    def bomb(name: str, body: bytes) -> bytes:
        if name == "xl/sharedStrings.xml":
            return body.replace(b"</sst>", b"<si><t/></si>" * extra + b"</sst>")
        return body

    return rezip(buffer.getvalue(), bomb)


def rezip(data: bytes, change: object, add: dict[str, bytes] | None = None) -> bytes:
    """``data`` (a zip) with each member passed through ``change(name, body)`` and ``add`` added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            zf.writestr(info.filename, change(info.filename, source.read(info)))  # type: ignore[operator]
        for name, body in (add or {}).items():
            zf.writestr(name, body)
    return out.getvalue()


def plain_workbook(rows: list[list[object]], title: str = "providers") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def problems(data: bytes, name: str, limits: Limits | None = None) -> list[str]:
    with pytest.raises(BundleError) as caught:
        read_bundle_bytes(data, name, limits=limits or Limits())
    return [str(p) for p in caught.value.problems]


def test_a_shared_strings_bomb_is_refused_before_parsing() -> None:
    data = shared_strings_workbook(1_200_000)
    assert len(data) < 200_000  # small upload, ~16 MB of XML, 1.2 million Python strings once parsed
    started = time.perf_counter()
    assert problems(data, "bomb.xlsx") == [
        (
            "bomb.xlsx: the part xl/sharedStrings.xml: more than 1,000,000 shared "
            "strings, the limit: split the workbook into smaller ones"
        )
    ]
    assert time.perf_counter() - started < 5


def test_a_workbook_with_a_few_shared_strings_reads() -> None:
    bundle = read_bundle_bytes(shared_strings_workbook(10), "fine.xlsx")
    assert [p.id for p in bundle.providers] == ["p1"]


def test_a_part_larger_than_the_part_limit_is_refused() -> None:
    data = shared_strings_workbook(200)
    assert problems(data, "w.xlsx", Limits(max_part_bytes=2_000)) == [
        (
            "w.xlsx: the part xl/sharedStrings.xml: it unpacks to more than the limit "
            "of 2,000 bytes for one part: refused"
        )
    ]


def truncated_workbook() -> bytes:
    return rezip(
        plain_workbook(PROVIDERS),
        lambda name, body: body[: len(body) // 2] if name.startswith("xl/worksheets/") else body,
    )


def test_a_truncated_worksheet_is_a_problem_naming_the_part() -> None:
    [message] = problems(truncated_workbook(), "cut.xlsx")
    assert message.startswith("cut.xlsx: the part xl/worksheets/sheet1.xml: damaged XML")
    assert message.endswith("open the workbook in Excel and save it again")


def test_a_truncated_worksheet_exits_2_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "cut.xlsx").write_bytes(truncated_workbook())
    done = subprocess.run(
        [TACMAP, "--data-dir", str(tmp_path / "data"), "load", str(tmp_path / "cut.xlsx")],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "damaged XML" in done.stderr


def test_a_truncated_worksheet_is_a_422_over_the_api(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "data")
    try:
        api = make_api(store, tmp_path / "api", raise_server_exceptions=False)
        answer = api.post("/imports", files={"file": ("cut.xlsx", truncated_workbook())})
        assert answer.status_code == 422
        [problem] = answer.json()["problems"]
        assert problem["value"] == "xl/worksheets/sheet1.xml"
        assert "damaged XML" in problem["message"]
    finally:
        store.close()


def test_a_dtd_in_a_part_is_refused() -> None:
    def doctype(name: str, body: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + body
        return body

    [message] = problems(rezip(plain_workbook(PROVIDERS), doctype), "dtd.xlsx")
    assert "declares a DTD or entities" in message


def big_cell_zip(length: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("providers.csv", f"id,name,kind\np1,{'x' * length},ngo\n")
    return buffer.getvalue()


def test_a_20_mb_cell_in_a_20_kb_zip_is_refused() -> None:
    data = big_cell_zip(20 * 1024 * 1024)
    assert len(data) < 30_000
    assert problems(data, "cell.zip") == [
        (
            "providers.csv row 2, column name: cell too long: 20,971,520 characters, the limit is 32,767 — Excel's "
            "own: shorten the text or keep it in a document and give its reference"
        )
    ]


def test_a_cell_at_excels_limit_is_accepted() -> None:
    bundle = read_bundle_bytes(big_cell_zip(32_767), "cell.zip")
    assert len(bundle.providers[0].name) == 32_767


def test_an_xlsx_cell_past_excels_limit_is_refused() -> None:
    # written by hand: openpyxl and XlsxWriter both clip a longer text to Excel's limit
    data = rezip(
        plain_workbook([["id", "name", "kind"], ["p1", "LONG", "ngo"]]),
        lambda name, body: body.replace(b">LONG<", b">" + b"y" * 40_000 + b"<"),
    )
    assert problems(data, "w.xlsx") == [
        (
            "w.xlsx › providers row 2, column name: cell too long: 40,000 characters, the limit is 32,767 — "
            "Excel's own: shorten the text or keep it in a document and give its reference"
        )
    ]


def test_an_xlsx_row_past_the_row_limit_is_an_error_not_dropped() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "providers"
    for row in PROVIDERS:
        ws.append(row)
    for col, value in enumerate(["p2", "Two", "ngo"], start=1):
        ws.cell(250_000, col, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    assert problems(buffer.getvalue(), "far.xlsx") == [
        (
            "far.xlsx › providers row 250000: more than 200,000 rows: split the table into smaller files or "
            "raise the row limit"
        )
    ]


def test_an_xlsx_row_below_a_wrong_dimension_is_read() -> None:
    """openpyxl believes the sheet's <dimension>; a row below it must still be read."""

    def shrink(name: str, body: bytes) -> bytes:
        return body.replace(b'<dimension ref="A1:C3"/>', b'<dimension ref="A1:C2"/>')

    data = rezip(plain_workbook([*PROVIDERS, ["p2", "Two", "ngo"]]), shrink)
    assert b'ref="A1:C2"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert [p.id for p in read_bundle_bytes(data, "w.xlsx").providers] == ["p1", "p2"]


def test_macro_workbooks_are_refused_by_name_and_by_content() -> None:
    data = plain_workbook(PROVIDERS)
    assert problems(data, "macro.xlsm") == [
        "macro.xlsm: .xlsm workbooks are not read: save it as .xlsx (Excel Workbook)"
    ]
    renamed = rezip(data, lambda name, body: body, add={"xl/vbaProject.bin": b"\x00" * 64})
    assert problems(renamed, "renamed.xlsx") == [
        (
            "renamed.xlsx: the workbook holds macros (an .xlsm workbook): save it as an Excel Workbook (.xlsx), "
            "without macros"
        )
    ]


def test_a_bundle_folder_refuses_links_and_devices(tmp_path: Path) -> None:
    root = tmp_path / "bundle"
    root.mkdir()
    (root / "providers.csv").write_text("id,name,kind\np1,One,ngo\n")
    os.symlink("/dev/zero", root / "needs.csv")
    os.mkfifo(root / "projects.csv")
    started = time.perf_counter()
    with pytest.raises(BundleError) as caught:
        read_bundle(root)
    assert time.perf_counter() - started < 5
    assert [str(p) for p in caught.value.problems] == [
        (
            "needs.csv: a symbolic link: a bundle folder holds only regular files; copy the file itself into the "
            "folder"
        ),
        (
            "projects.csv: not a regular file (a device, pipe or socket): a bundle folder holds only regular "
            "files; copy the file itself into the folder"
        ),
    ]


def test_a_device_named_on_the_command_line_is_refused() -> None:
    with pytest.raises(BundleError) as caught:
        read_bundle(Path("/dev/zero"))
    assert [str(p) for p in caught.value.problems] == [
        (
            "zero: not a regular file (a device, pipe or socket): a bundle folder holds only regular files; "
            "copy the file itself into the folder"
        )
    ]


# -- fuzz: whatever the bytes, a Bundle or a BundleError --------------------------------------------


def _seeds() -> list[bytes]:
    csv_zip = io.BytesIO()
    with zipfile.ZipFile(csv_zip, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("providers.csv", "id,name,kind\np1,One,ngo\n")
    return [plain_workbook(PROVIDERS), shared_strings_workbook(3), csv_zip.getvalue()]


SEEDS = _seeds()


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A valid workbook or zip with a few bytes changed, a piece cut out, or cut short."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        start = draw(st.integers(0, len(data)))
        del data[start : start + draw(st.integers(0, 200))]
    return bytes(data[: draw(st.integers(0, len(data)))])


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.one_of(st.binary(max_size=2_000), damaged()),
    name=st.sampled_from(["b.xlsx", "b.zip", "providers.csv", "b"]),
)
def test_any_bytes_give_a_bundle_or_a_bundle_error(data: bytes, name: str) -> None:
    try:
        result = read_bundle_bytes(data, name)
    except BundleError as exc:
        assert exc.problems
    else:
        assert isinstance(result, Bundle)
