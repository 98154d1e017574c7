"""Reading over HTTP on both stores, with the illustrative seed: resources, pagination, filters,
downloads, provenance, and personal data (experts' emails) never shown to viewers or anonymous.

The question endpoints and maps are read here too: the personal-data sweep walks every GET
operation in the app's own OpenAPI document, so an endpoint added later is covered without a
change here.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from tacmap.graph.store import Store

from tests.test_api_support import (
    Api,
    assert_no_email,
    make_api,
    public_need_count,
    seed_bundle,
    seed_emails,
    seeded_store,
)

__all__ = ["seeded_store"]

LISTS = ["/states", "/providers", "/networks", "/needs", "/projects", "/experts"]


def expected_total(path: str) -> int:
    if path == "/states":
        return 249  # every State in reference data
    if path == "/needs":
        return public_need_count()
    return len(getattr(seed_bundle(), path.strip("/")))


# Values for path parameters when sweeping every endpoint.
PATH_VALUES = {"iso3": "KEN", "provider_id": "unodc", "kind": "coordination"}
AS_OF = "2009-09-01"  # "today" of the illustrative world: most of its projects are live then


@pytest.fixture(scope="module")
def api(seeded_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Api:
    return make_api(seeded_store, tmp_path_factory.mktemp("api"), store_cache_seconds=3600)


@pytest.fixture(scope="module")
def anonymous(seeded_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Api:
    return make_api(
        seeded_store, tmp_path_factory.mktemp("anon"), store_cache_seconds=3600, anonymous_read=True
    )


def rows_of_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("path", LISTS)
def test_lists_page_with_totals(api: Api, path: str) -> None:
    total = expected_total(path)
    first = api.get(path, params={"limit": 5}).json()
    assert first["total"] == total
    assert (first["limit"], first["offset"], len(first["items"])) == (5, 0, min(5, total))
    second = api.get(path, params={"limit": 5, "offset": 5}).json()
    assert second["total"] == first["total"]
    assert not {repr(i) for i in first["items"]} & {repr(i) for i in second["items"]}
    tail = api.get(path, params={"offset": total}).json()
    assert tail["items"] == [] and tail["total"] == total


def test_page_size_is_limited_by_settings(api: Api) -> None:
    too_many = api.services.settings.max_page_size + 1
    response = api.get("/needs", params={"limit": too_many})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["query", "limit"] and str(too_many - 1) in detail["msg"]
    assert api.get("/needs", params={"limit": 0}).status_code == 422
    default = api.get("/needs").json()
    assert default["limit"] == api.services.settings.default_page_size


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_lists_download_every_row(api: Api, path: str, fmt: str) -> None:
    response = api.get(path, params={"format": fmt, "limit": 1})
    assert response.status_code == 200
    name = path.strip("/")
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="{name}-{date.today().isoformat()}.{fmt}"'
    if fmt == "csv":
        assert response.headers["content-type"].startswith("text/csv")
        rows = rows_of_csv(response.text)
    else:
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        values = list(sheet.iter_rows(values_only=True))
        rows = [dict(zip(values[0], r)) for r in values[1:]]
    assert len(rows) == expected_total(path)  # every row, not one page


def test_filters(api: Api) -> None:
    needs = api.get("/needs", params={"state": "ken", "limit": 500}).json()
    assert needs["total"] == sum(1 for n in seed_bundle().needs if n.state == "KEN") > 0
    assert {n["state"] for n in needs["items"]} == {"KEN"}

    ongoing = api.get("/projects", params={"status": "ongoing", "provider": "unodc", "limit": 500}).json()
    expected = [
        p
        for p in seed_bundle().projects
        if p.status == "ongoing" and ("unodc" in p.funders or p.implementer == "unodc")
    ]
    assert ongoing["total"] == len(expected)

    day = date(2008, 6, 30)
    active = api.get("/projects", params={"active_on": day.isoformat(), "limit": 500}).json()
    assert active["total"] == sum(1 for p in seed_bundle().projects if p.start <= day <= p.end)

    french = api.get("/experts", params={"language": "fr", "limit": 500}).json()
    assert french["total"] == sum(1 for e in seed_bundle().experts if "fr" in e.languages) > 0

    parties = api.get("/states", params={"party": True, "limit": 500}).json()
    assert parties["total"] == sum(1 for s in seed_bundle().states if s.party_since)

    member = api.get("/networks", params={"member": seed_bundle().networks[0].members[0]}).json()
    assert seed_bundle().networks[0].id in {n["id"] for n in member["items"]}

    bilateral = api.get("/providers", params={"kind": "bilateral", "limit": 500}).json()
    assert {p["kind"] for p in bilateral["items"]} == {"bilateral"}

    assert api.get("/needs", params={"priority": "urgent"}).status_code == 422


def test_state_detail(api: Api) -> None:
    body = api.get("/states/ken").json()
    assert body["iso3"] == "KEN" and body["name"] == "Kenya"
    assert {n["id"] for n in body["needs"]} == {n.id for n in seed_bundle().needs if n.state == "KEN"}
    assert {p["id"] for p in body["projects"]} == {
        p.id for p in seed_bundle().projects if "KEN" in p.beneficiaries
    }
    assert body["need_count"] == len(body["needs"]) and body["project_count"] == len(body["projects"])
    funders = {f for p in body["projects"] for f in p["funders"]}
    assert funders <= {p["id"] for p in body["providers"]}
    assert {n["id"] for n in body["networks"]} == {n.id for n in seed_bundle().networks if "KEN" in n.members}


def test_provider_detail_and_provenance(api: Api) -> None:
    body = api.get("/providers/unodc").json()
    assert body["id"] == "unodc" and body["import_id"] == "imp_seed"
    assert {p["id"] for p in body["funds"]} == {p.id for p in seed_bundle().projects if "unodc" in p.funders}
    assert {p["id"] for p in body["implements"]} == {
        p.id for p in seed_bundle().projects if p.implementer == "unodc"
    }
    assert all(p["import_id"] == "imp_seed" for p in api.get("/projects").json()["items"])


@pytest.mark.parametrize("path", ["/states/XXX", "/providers/nobody"])
def test_unknown_things_are_404_with_a_message(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"detail", "request_id"} and "GET /" in body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]


def test_editors_see_expert_emails(api: Api) -> None:
    emails = {e["email"] for e in api.get("/experts", role="editor", params={"limit": 500}).json()["items"]}
    assert emails - {None} == seed_emails()
    text = api.get("/experts", role="admin", params={"format": "csv"}).text
    assert all(e in text for e in seed_emails())


def _get_operations(api: Api) -> list[tuple[str, bool]]:
    """Every GET path of the app (path parameters filled in), and whether it downloads."""
    schema = api.client.get("/openapi.json").json()
    out = []
    for path, item in schema["paths"].items():
        if "get" not in item:
            continue
        params = {p["name"] for p in item["get"].get("parameters", [])}
        concrete = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), m.group(1)), path)
        out.append((concrete, "format" in params))
    return out


def _all_text(response: Any) -> str:
    if response.content[:2] == b"PK":  # xlsx or zip: search every part
        with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
            return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    return response.text


@pytest.mark.parametrize("who", ["viewer", "anonymous"])
def test_no_personal_data_for_viewers_or_anonymous(api: Api, anonymous: Api, who: str) -> None:
    client, role = (api, "viewer") if who == "viewer" else (anonymous, None)
    emails = seed_emails()
    operations = _get_operations(api)
    assert len(operations) >= 8
    seen = 0
    for path, downloads in operations:
        for params in [{"limit": 500}, {"format": "csv"}, {"format": "xlsx"}] if downloads else [{}]:
            response = client.get(path, role=role, params=params)
            if response.status_code in (403, 401):  # audit, keys, export: not for viewers at all
                continue
            assert response.status_code < 500, (path, response.text[:300])
            assert_no_email(_all_text(response), emails)
            seen += 1
    assert seen >= 20


def test_anonymous_reads_but_never_writes(anonymous: Api) -> None:
    assert anonymous.get("/needs", role=None).status_code == 200
    assert anonymous.get("/export", role=None).status_code == 401
    assert anonymous.get("/audit", role=None).status_code == 401
    assert anonymous.post("/imports", role=None, files={"file": ("b.zip", b"x")}).status_code == 401


# -- questions: the API gives what the functions give -------------------------------------------------


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value.to_dict() if hasattr(value, "to_dict") else value, default=str))


def all_items(api: Api, path: str, params: dict[str, Any], role: str = "viewer") -> tuple[int, list[Any]]:
    items: list[Any] = []
    while True:
        body = api.get(path, role=role, params={**params, "limit": 500, "offset": len(items)}).json()
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            return body["total"], items


def _need_with_shortlist(store: Store) -> str:
    from tacmap.graph.queries.experts import shortlist

    return next(n.id for n in seed_bundle().needs if n.state == "KEN" and shortlist(store, n.id))


QUESTIONS = [
    ("/overlaps", "overlaps", "overlaps", {}),
    ("/overlaps", "overlaps", "overlaps", {"group": "african", "start": "2008-01-01", "end": "2009-12-31"}),
    ("/gaps", "gaps", "gaps", {"as_of": AS_OF}),
    ("/gaps", "gaps", "gaps", {"as_of": AS_OF, "state": "KEN", "form": "legal_advice"}),
    ("/orphans", "orphans", "orphans", {"as_of": AS_OF}),
    ("/fragmentation", "fragmentation", "fragmentation", {"as_of": AS_OF}),
    (
        "/fragmentation",
        "fragmentation",
        "fragmentation",
        {"as_of": AS_OF, "by_chapter": True, "group": "grulac"},
    ),
    ("/fragmentation", "fragmentation", "darlings", {"as_of": AS_OF, "darlings": 5}),
    ("/pairings", "pairings", "pairings", {"state": "KEN", "limit_per_need": 2}),
    ("/pairings", "pairings", "pairings", {"group": "african", "gaps_only": True, "as_of": AS_OF}),
    ("/experts/shortlist", "experts", "shortlist", {"need": None, "k": 3}),
]


@pytest.mark.parametrize(("path", "module", "function", "params"), QUESTIONS)
def test_questions_answer_as_the_functions_do(
    api: Api, seeded_store: Store, path: str, module: str, function: str, params: dict[str, Any]
) -> None:
    import importlib

    params = dict(params)
    if "need" in params:
        params["need"] = _need_with_shortlist(seeded_store)
    call = {("k" if k == "darlings" else k): v for k, v in params.items()}
    expected = getattr(importlib.import_module(f"tacmap.graph.queries.{module}"), function)(
        seeded_store, **call
    )
    # as an editor: viewers do not see restricted needs (tests/test_visibility.py)
    total, items = all_items(api, path, params, role="editor")
    assert total == len(expected)
    assert items == [_plain(e) for e in expected]
    download = rows_of_csv(api.get(path, role="editor", params={**params, "format": "csv"}).text)
    assert len(download) == total


def test_matrix(api: Api, seeded_store: Store) -> None:
    from tacmap.graph.queries.matrix import matrix, to_records

    expected = matrix(seeded_store, "form", "level", as_of=AS_OF)
    body = api.get("/matrix", params={"rows": "form", "cols": "level", "as_of": AS_OF, "limit": 500}).json()
    assert (body["rows"], body["cols"], body["as_of"]) == ("form", "level", AS_OF)
    assert body["totals"] == _plain(expected.attrs["totals"])
    assert body["items"] == _plain(to_records(expected)) and body["total"] == len(expected)
    workbook = load_workbook(io.BytesIO(api.get("/matrix", params={"format": "xlsx"}).content))
    assert {"cells", "coverage", "totals"} <= set(workbook.sheetnames)
    assert api.get("/matrix", params={"rows": "form", "cols": "form"}).status_code == 400


def test_network_metrics(api: Api, seeded_store: Store) -> None:
    from tacmap.graph.queries.networks import broker_metrics

    assert api.get("/networks/metrics").json() == _plain(broker_metrics(seeded_store))
    providers = rows_of_csv(api.get("/networks/metrics", params={"format": "csv"}).text)
    assert len(providers) == len(broker_metrics(seeded_store).providers)
    workbook = load_workbook(io.BytesIO(api.get("/networks/metrics", params={"format": "xlsx"}).content))
    assert set(workbook.sheetnames) == {"providers", "networks", "communities"}


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/experts/shortlist", {"need": "no-such-need"}, 404),
        ("/experts/shortlist", {}, 422),
        ("/experts/shortlist", {"state": "KEN"}, 422),
        ("/fragmentation", {"darlings": 3, "state": "KEN"}, 422),
        ("/gaps", {"group": "martian"}, 422),
        ("/gaps", {"as_of": "yesterday"}, 422),
        ("/matrix", {"rows": "colour"}, 422),
        ("/pairings", {"limit_per_need": 0}, 422),
        ("/maps/nowhere", {}, 422),
        ("/maps/ego", {"node": "State:XXX"}, 404),
        ("/maps/coordination", {"state": "XXX"}, 400),
    ],
)
def test_question_errors_are_plain(api: Api, path: str, params: dict[str, Any], status: int) -> None:
    response = api.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.json()["detail"] and response.json()["request_id"]


def test_maps_and_home_page(api: Api) -> None:
    from tacmap.viz.filters import KINDS

    paths = ["/", *(f"/maps/{kind}" for kind in KINDS if kind != "ego"), "/maps/ego?node=State:KEN"]
    for path in [*paths, "/maps/gaps?group=african", "/maps/ego?node=Provider:unodc"]:
        response = api.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        assert "<html" in response.text.lower()
        assert_no_email(response.text, seed_emails())
