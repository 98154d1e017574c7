"""Writes over HTTP on both stores: bundle uploads (200 with a summary, or 422 listing every
problem with nothing written, or 413), exports, the audit trail and provenance."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tacmap.api.auth import split_key
from tacmap.graph.schema.models import Bundle, Expert
from tacmap.graph.store import Store

from tests.test_api_support import Api, make_api
from tests.worlds import bundle, need, project


@pytest.fixture
def api(store: Store, tmp_path: Path) -> Api:
    return make_api(store, tmp_path / "api", max_upload_bytes=64 * 1024)


def small_world() -> Bundle:
    return bundle(
        projects=[project("X1", funders=["P1"], states=["KEN"], articles=[5]), project("X2", funders=["P2"])],
        needs=[need("N1", "KEN", 5), need("N2", "GHA", 6)],
        networks={"NET": ["KEN", "GHA"]},
        experts=[Expert(id="E1", name="Ada", nationality="GHA", articles=[5], email="ada@example.org")],
    )


def as_bytes(data: Bundle, fmt: str, tmp_path: Path) -> bytes:
    from tacmap.graph.ingest.bundle import write_bundle

    return write_bundle(data, tmp_path / f"bundle.{fmt}", fmt).read_bytes()


def bad_zip() -> bytes:
    """Two bad cells in needs.csv: an unknown State and an article that does not exist."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(
            "needs.csv",
            "id,state,article,form,priority\r\nN1,XXK,5,legal_advice,high\r\nN2,KEN,99,legal_advice,high\r\n",
        )
    return buffer.getvalue()


def upload(api: Api, data: bytes, name: str = "bundle.zip", role: str = "editor"):
    return api.post("/imports", role=role, files={"file": (name, data)})


@pytest.mark.parametrize("fmt", ["zip", "xlsx"])
def test_import_then_reimport(api: Api, tmp_path: Path, fmt: str) -> None:
    data = as_bytes(small_world(), fmt, tmp_path)
    response = upload(api, data, f"kenya.{fmt}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest() and body["bytes"] == len(data)
    assert body["summary"]["created"]["projects"] == 2 and body["summary"]["created"]["needs"] == 2
    assert {p["id"] for p in api.get("/projects").json()["items"]} == {"X1", "X2"}

    # provenance: every record this import wrote says so
    for path in ("/projects", "/needs", "/networks", "/providers", "/experts"):
        assert {r["import_id"] for r in api.get(path).json()["items"]} == {body["import_id"]}, path

    again = upload(api, data, f"kenya.{fmt}").json()
    assert again["summary"]["written"] == 0
    assert {r["import_id"] for r in api.get("/projects").json()["items"]} == {body["import_id"]}

    entries = api.get("/audit", role="admin", params={"action": "import"}).json()
    assert entries["total"] == 2
    first = entries["items"][-1]
    assert first["actor"] == split_key(api.keys["editor"])[0]  # type: ignore[index]
    assert (
        first["outcome"] == "ok"
        and first["sha256"] == body["sha256"]
        and first["import_id"] == body["import_id"]
    )
    assert first["counts"]["created"]["projects"] == 2 and first["client"] == "testclient"
    assert first["filename"] == f"kenya.{fmt}" and first["request_id"]


def test_bad_bundle_is_422_with_every_problem_and_nothing_written(api: Api) -> None:
    before = api.store.export()
    data = bad_zip()
    response = upload(api, data)
    assert response.status_code == 422
    body = response.json()
    assert "nothing was imported" in body["detail"] and body["request_id"]
    problems = body["problems"]
    assert len(problems) >= 2
    assert all(set(p) == {"file", "row", "column", "value", "message"} for p in problems)
    assert {(p["row"], p["column"]) for p in problems} >= {(2, "state"), (3, "article")}
    assert api.store.export() == before
    trail = api.get("/audit", role="admin").json()["items"]
    assert trail[0]["outcome"] == "rejected" and trail[0]["sha256"] == hashlib.sha256(data).hexdigest()


def test_not_a_bundle_is_422(api: Api) -> None:
    response = upload(api, b"hello, this is not a spreadsheet", "notes.txt")
    assert response.status_code == 422 and response.json()["problems"]


def test_upload_over_the_limit_is_413(api: Api) -> None:
    big = b"x" * (api.services.settings.max_upload_bytes + 1)
    response = upload(api, big)
    assert response.status_code == 413
    assert (
        "limit" in response.json()["detail"]
        and response.json()["request_id"] == response.headers["x-request-id"]
    )
    assert api.store.export().size() == 0


def test_streamed_upload_over_the_limit_is_413(api: Api) -> None:
    """No Content-Length (chunked): the limit is enforced while the body arrives."""

    def body() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="b.zip"\r\n\r\n'
        for _ in range(100):
            yield b"x" * 1024
        yield b"\r\n--b--\r\n"

    response = api.client.post(
        "/imports",
        headers={**api.headers("editor"), "Content-Type": "multipart/form-data; boundary=b"},
        content=body(),
    )
    assert response.status_code == 413


def test_missing_file_field_is_422(api: Api) -> None:
    assert api.post("/imports", data={"other": "x"}).status_code == 422


@pytest.mark.parametrize("fmt", ["zip", "xlsx"])
def test_export_round_trips_and_is_audited(api: Api, tmp_path: Path, fmt: str) -> None:
    from tacmap.graph.ingest.bundle import read_bundle_bytes

    assert upload(api, as_bytes(small_world(), "zip", tmp_path)).status_code == 200
    response = api.get("/export", role="editor", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="tacmap-export-')
    assert read_bundle_bytes(response.content, f"export.{fmt}") == api.store.export()
    assert api.get("/export", role="viewer").status_code == 403
    trail = api.get("/audit", role="admin", params={"action": "export"}).json()["items"]
    assert trail[0]["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert trail[0]["counts"]["projects"] == 2
