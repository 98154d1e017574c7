"""Operations on both stores: health and readiness, request ids, JSON errors without tracebacks,
structured request logs, CORS closed by default, offline docs, and OpenAPI examples everywhere."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from tacmap.api.app import JsonFormatter, create_app
from tacmap.graph.errors import TacmapError
from tacmap.graph.settings import Settings
from tacmap.graph.store import Store

from tests.test_api_support import Api, TestClient, make_api


@pytest.fixture
def api(store: Store, tmp_path: Path) -> Api:
    return make_api(store, tmp_path / "api", raise_server_exceptions=False)


def test_health_and_ready(api: Api) -> None:
    assert api.client.get("/health").json() == {"status": "ok"}
    ready = api.client.get("/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "store": api.store.name}


def test_not_ready_when_the_store_fails(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = make_api(store, tmp_path / "api")

    def down() -> bool:
        raise OSError("connection refused")

    monkeypatch.setattr(store, "_reference_loaded", down)
    response = api.client.get("/ready")
    assert response.status_code == 503 and "cannot be reached" in response.json()["detail"]
    assert api.client.get("/health").status_code == 200


def test_request_id_is_echoed_or_generated(api: Api) -> None:
    given = api.get("/needs", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = api.get("/needs")
    assert re.fullmatch(r"[0-9a-f]{16}", made.headers["x-request-id"])
    hostile = api.get("/needs", headers={"X-Request-ID": "x" * 500})
    assert hostile.headers["x-request-id"] != "x" * 500


def test_errors_are_json_and_never_a_traceback(api: Api) -> None:
    app = api.client.app

    @app.get("/boom-unexpected")  # type: ignore[attr-defined]
    def unexpected() -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    @app.get("/boom-user")  # type: ignore[attr-defined]
    def user() -> None:
        raise TacmapError("the bundle names a State that does not exist")

    response = api.client.get("/boom-unexpected")
    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"detail", "request_id"} and body["request_id"] == response.headers["x-request-id"]
    assert "secret" not in response.text and "Traceback" not in response.text

    response = api.client.get("/boom-user")
    assert (
        response.status_code == 400
        and response.json()["detail"] == "the bundle names a State that does not exist"
    )

    for path in ("/nowhere", "/states/KEN?unknown=1"):
        response = api.get(path)
        assert response.headers["content-type"] == "application/json"
    invalid = api.get("/needs", params={"article": "six"})
    assert invalid.status_code == 422 and invalid.json()["detail"][0]["loc"] == ["query", "article"]


def test_request_log_is_one_json_line(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="tacmap.api.access"):
        api.get("/needs", headers={"X-Request-ID": "log-me"})
    record = next(r for r in caplog.records if getattr(r, "fields", {}).get("request_id") == "log-me")
    line = json.loads(JsonFormatter().format(record))
    assert line["method"] == "GET" and line["path"] == "/needs" and line["status"] == 200
    assert line["key_id"] == api.keys["viewer"].split("_")[1] and line["duration_ms"] >= 0
    assert api.keys["viewer"] not in json.dumps(line)


def test_cors_closed_by_default(api: Api) -> None:
    preflight = api.client.options(
        "/needs", headers={"Origin": "https://dashboard.example.org", "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert (
        "access-control-allow-origin"
        not in api.get("/needs", headers={"Origin": "https://x.example"}).headers
    )


def test_cors_when_configured(store: Store, tmp_path: Path) -> None:
    api = make_api(store, tmp_path / "api", cors_origins=("https://dashboard.example.org",))
    allowed = api.get("/needs", headers={"Origin": "https://dashboard.example.org"})
    assert allowed.headers["access-control-allow-origin"] == "https://dashboard.example.org"
    assert (
        "access-control-allow-origin"
        not in api.get("/needs", headers={"Origin": "https://evil.example"}).headers
    )


def test_docs_work_offline(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page.text, re.IGNORECASE), (
        "docs page links outside"
    )
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) >= 3 and all(a.startswith("/") for a in assets)
    for asset in assets:
        assert api.client.get(asset).status_code == 200, asset
    assert api.client.get("/openapi.json").status_code == 200


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def test_every_endpoint_documents_examples(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    operations = [(p, m, op) for p, item in schema["paths"].items() for m, op in item.items()]
    assert len(operations) >= 20
    for path, method, op in operations:
        where = f"{method.upper()} {path}"
        assert op.get("summary"), where
        for param in op.get("parameters", []):
            inner = param["schema"].get("anyOf", [param["schema"]])[0]
            has = (
                {"examples", "example"} & (set(param) | set(param["schema"]))
                or "enum" in _resolve(schema, inner)
                or "default" in param["schema"]
            )
            assert has, f"{where}: parameter {param['name']} has no example"
        ok = op["responses"].get("200") or op["responses"].get("201")
        for media, body in ok["content"].items():
            target = _resolve(schema, body.get("schema", {}))
            if media in ("application/json", "text/html"):
                assert {"example", "examples"} & (set(body) | set(target)), f"{where}: no example for {media}"


def test_page_size_maximum_is_in_the_schema(store: Store, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, store=store.name, max_page_size=77), store=store)
    schema = TestClient(app).get("/openapi.json").json()
    limit = next(p for p in schema["paths"]["/needs"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["anyOf"][0]["maximum"] == 77
