"""HXL (issue 15): ``?hxl=1`` and ``--hxl`` put a hashtag row under the header of every CSV and xlsx
table tacmap writes, from one mapping (:mod:`tacmap.graph.export.hxl`). The sweep walks every
download endpoint in the app's own OpenAPI document, so a column added later without a hashtag
fails here; libhxl (HXL's reference library) reads each download and checks dates and numbers
against its default schema."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hxl
import pytest
from openpyxl import load_workbook
from tacmap.graph.export.hxl import TAGS, hashtag
from tacmap.graph.queries.spec import MetricsTable
from tacmap.graph.store import EmbeddedStore, Store

from tests.test_api_read import _need_with_shortlist
from tests.test_api_support import Api, load_seed, make_api

TACMAP = str(Path(sys.executable).parent / "tacmap")
PATH_VALUES = {"iso3": "KEN", "provider_id": "unodc", "kind": "coordination"}
# Parameters that change a table's columns, each tried.
VARIANTS: dict[str, list[dict[str, Any]]] = {"/fragmentation": [{}, {"by_chapter": True}, {"darlings": 5}]}
HASHTAG = re.compile(r"#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*")


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    store: Store = EmbeddedStore(tmp_path_factory.mktemp("seeded"))
    load_seed(store)
    api = make_api(store, tmp_path_factory.mktemp("api"), store_cache_seconds=3600)
    api.services.audit.record(
        actor="cli",
        action="import",
        import_id="imp_1",
        filename="kenya.xlsx",
        counts={"created": {"needs": 2}},
    )
    yield api
    store.close()


def downloads(api: Api) -> list[tuple[str, dict[str, Any]]]:
    """Every table download of the app: its path and parameters, once per metrics table."""
    schema = api.client.get("/openapi.json").json()
    out = []
    for path, item in schema["paths"].items():
        params = {p["name"]: p for p in item.get("get", {}).get("parameters", [])}
        if "hxl" not in params:
            continue
        concrete = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)
        base = {"as_of": "2009-09-01"} if "as_of" in params else {}
        if path == "/experts/shortlist":
            base["need"] = _need_with_shortlist(api.store)
        tables = [{"table": t.value} for t in MetricsTable] if "table" in params else [{}]
        out += [(concrete, base | t | v) for t in tables for v in VARIANTS.get(path, [{}])]
    return out


def test_every_download_has_a_hashtag_for_every_column(api: Api) -> None:
    seen = 0
    for path, params in downloads(api):
        answer = api.get(path, role="admin", params={**params, "format": "csv", "hxl": 1})
        assert answer.status_code == 200, (path, answer.text)
        text = answer.content.decode("utf-8-sig")
        header, tags, *rows = list(csv.reader(io.StringIO(text)))
        assert rows, f"{path} {params}: no rows to check"
        untagged = [h for h, t in zip(header, tags, strict=True) if not t]
        assert untagged == [], f"{path} {params}: columns without a hashtag {untagged}"
        dataset = hxl.data(io.BytesIO(text.encode()))
        assert [c.header for c in dataset.columns] == header
        assert [c.display_tag for c in dataset.columns] == tags
        assert len(list(dataset)) == len(rows)
        seen += len(header)
    assert seen > 150  # every list and question table: the sweep really walked them


def test_dates_and_numbers_are_what_their_hashtags_say(api: Api) -> None:
    """libhxl's default schema: a ``#date`` cell is a date, a ``#value`` or ``#indicator+num`` cell a
    number (its errors); its warnings and notes (rare values, outliers) are about the data, not the
    tags, and are left out."""
    for path, params in downloads(api):
        text = api.get(path, role="admin", params={**params, "format": "csv", "hxl": 1}).content
        assert schema_errors(text) == [], f"{path} {params}"


def schema_errors(text: bytes) -> list[tuple[str, str, str]]:
    errors: list[Any] = []
    hxl.schema(callback=errors.append).validate(hxl.data(io.BytesIO(text.removeprefix(b"\xef\xbb\xbf"))))
    return [(e.column.display_tag, e.value, e.message) for e in errors if e.rule.severity == "error"]


def test_the_schema_check_catches_a_wrong_hashtag() -> None:
    text = b"title,start,budget\r\n#activity+name,#date+start,#value+usd\r\nAudit,2008-01-01,12\r\n"
    assert schema_errors(text) == []
    wrong = text.replace(b"#activity+name", b"#date+end").replace(b"Audit", b"soon")
    assert [(tag, value) for tag, value, _ in schema_errors(wrong)] == [("#date+end", "soon")]


def test_without_hxl_the_download_has_no_hashtag_row(api: Api) -> None:
    plain = api.get("/projects", params={"format": "csv"}).content.decode("utf-8-sig")
    second = plain.splitlines()[1]
    assert not second.startswith("#")
    tagged = api.get("/projects", params={"format": "csv", "hxl": 1}).content.decode("utf-8-sig")
    assert tagged.splitlines()[1].startswith("#activity+code,#activity+name,#description,#org+funder")
    assert tagged.splitlines()[2:] == plain.splitlines()[1:]


def test_the_same_name_gets_the_hashtag_its_table_means() -> None:
    assert hashtag("states", "name") == "#country+name"
    assert hashtag("providers", "name") == "#org+name"
    assert hashtag("experts", "name") == "#contact+name"
    assert hashtag("fragmentation", "shares.unodc") == "#indicator+share+pct"
    assert hashtag("somewhere", "name") is None


def test_every_hashtag_is_well_formed() -> None:
    assert [t for t in TAGS.values() if not HASHTAG.fullmatch(t)] == []


def test_xlsx_downloads_carry_the_row_too(api: Api) -> None:
    answer = api.get("/projects", params={"format": "xlsx", "hxl": 1})
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    header, tags = (list(r) for r in sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert header[:2] == ["id", "title"]
    assert tags[:2] == ["#activity+code", "#activity+name"]
    metrics = api.get("/networks/metrics", params={"format": "xlsx", "hxl": 1})
    book = load_workbook(io.BytesIO(metrics.content))
    assert [next(ws.iter_rows(min_row=2, max_row=2, values_only=True))[0] for ws in book.worksheets] == [
        "#org+code",
        "#org+network+code",
        "#group+community+code",
    ]


def test_the_command_line_writes_the_row(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = EmbeddedStore(data)
    load_seed(store)
    store.close()
    done = subprocess.run(
        [
            TACMAP,
            "--data-dir",
            str(data),
            "query",
            "gaps",
            "--as-of",
            "2009-09-01",
            "--format",
            "csv",
            "--hxl",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    dataset = hxl.data(io.BytesIO(done.stdout.encode()))
    assert [c.display_tag for c in dataset.columns][:3] == [
        "#activity+need+code",
        "#country+code+v_iso3",
        "#country+name",
    ]
    assert len(list(dataset)) > 0
