"""Every list and question answer as a page for a browser (viz/pages/table.py, api/html.py): the same URL
still answers JSON to a client; tables sort on the server, page with links, filter with a form built
from the endpoint's parameters, and link every id to its page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from markupsafe import Markup
from tacmap.graph.queries.spec import GapsParams
from tacmap.graph.store import EmbeddedStore
from tacmap.viz.pages.table import Table, cell, inputs, sort_rows, table_page

from tests.test_api_support import Api, load_seed, make_api

HTML = {"accept": "text/html"}
AS_OF = "2009-09-01"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    store = EmbeddedStore(tmp_path_factory.mktemp("seeded"))
    load_seed(store)
    yield make_api(store, tmp_path_factory.mktemp("api"), store_cache_seconds=3600)
    store.close()


def rows_of(html: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>", 1)[1])


@pytest.mark.parametrize(
    "path",
    [
        "/states",
        "/providers",
        "/networks",
        "/needs",
        "/projects",
        "/experts",
        "/overlaps",
        "/gaps",
        "/orphans",
        "/fragmentation",
        "/pairings",
        "/presence",
        "/networks/metrics",
        "/networks/members",
    ],
)
def test_every_list_is_a_page_and_still_json(api: Api, path: str) -> None:
    page = api.get(path, params={"limit": 5}, headers=HTML)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "<form" in page.text and 'href="' + path + "?limit=5&amp;format=csv" in page.text
    data = api.get(path, params={"limit": 5})
    assert data.headers["content-type"].startswith("application/json")
    assert isinstance(data.json(), dict)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/projects/prj-0001", "prj-0001"),
        ("/networks/eaaaca", "eaaaca"),
        ("/needs/need-KEN-008-legal_advice", "KEN"),
        ("/experts/exp-0001", "exp-0001"),
    ],
)
def test_records_are_pages_and_json(api: Api, path: str, text: str) -> None:
    data = api.get(path)
    assert data.status_code == 200, data.text
    assert data.json()["id"] == path.rsplit("/", 1)[1]
    page = api.get(path, headers=HTML)
    assert page.headers["content-type"].startswith("text/html")
    assert text in page.text and '<table class="record">' in page.text


def test_unknown_record_is_404_naming_the_list(api: Api) -> None:
    answer = api.get("/projects/nope")
    assert answer.status_code == 404 and "GET /projects" in answer.text


def test_question_paths_are_not_taken_for_record_ids(api: Api) -> None:
    assert "providers" in api.get("/networks/metrics").json()
    assert api.get("/experts/shortlist", params={"need": "need-KEN-006-good_practices"}).status_code in (
        200,
        404,
    )


def test_sort_by_any_column_both_ways(api: Api) -> None:
    up = api.get("/projects", params={"sort": "budget_usd", "order": "asc", "limit": 500}, headers=HTML).text
    down = api.get(
        "/projects", params={"sort": "budget_usd", "order": "desc", "limit": 500}, headers=HTML
    ).text
    ids_up = re.findall(r'<td><a href="/projects/([^"]+)"', up)
    ids_down = re.findall(r'<td><a href="/projects/([^"]+)"', down)
    assert ids_up and ids_up != ids_down
    budgets = {p["id"]: p["budget_usd"] for p in api.get("/projects", params={"limit": 500}).json()["items"]}
    filled = [budgets[i] for i in ids_up if budgets[i] is not None]
    assert filled == sorted(filled)
    assert 'aria-sort="ascending"' in up and 'aria-sort="descending"' in down


def test_paging_links_walk_the_rows(api: Api) -> None:
    first = api.get("/states", params={"limit": 10}, headers=HTML).text
    assert len(rows_of(first)) == 10 and 'rel="next" href="/states?limit=10&amp;offset=10"' in first
    assert 'rel="prev"' not in first
    second = api.get("/states", params={"limit": 10, "offset": 10}, headers=HTML).text
    assert 'rel="prev"' in second and rows_of(first) != rows_of(second)


def test_filters_apply_and_fill_the_form(api: Api) -> None:
    html = api.get("/overlaps", params={"state": "BRB"}, headers=HTML).text
    assert '<input name="state" type="text" value="BRB">' in html
    json = api.get("/overlaps", params={"state": "BRB"}).json()
    assert json["total"] > 0
    assert f"of {json['total']}</p>" in html and len(rows_of(html)) == json["total"]
    # the form's fields are the question's parameters, in its model's order
    names = re.findall(r'<(?:input|select) name="([a-z_]+)"', html.split("</form>")[0])
    assert [n for n in names if n not in ("lang", "sort", "order")] == [
        "state",
        "article",
        "provider",
        "group",
        "start",
        "end",
    ]


def test_values_link_to_their_pages_and_score_parts_read_plainly(api: Api) -> None:
    html = api.get("/overlaps", params={"state": "BRB", "limit": 5}, headers=HTML).text
    assert 'href="/states/BRB"' in html and 'href="/projects/prj-' in html and 'href="/providers/' in html
    assert '<ul class="parts"><li>articles: ' in html or '<ul class="parts"><li>Articles: ' in html
    assert '{"' not in html  # no nested JSON


def test_empty_answer_says_so_with_its_notes(api: Api) -> None:
    html = api.get("/overlaps", params={"state": "KEN"}, headers=HTML).text
    assert 'class="empty"' in html
    assert "no two of them share a period without a common funder" in html


def test_page_frame_in_arabic(api: Api) -> None:
    html = api.get("/gaps", params={"lang": "ar", "limit": 3}, headers=HTML).text
    assert '<html lang="ar" dir="rtl">' in html


def test_builders_alone() -> None:
    assert cell("state", "KEN") == Markup('<a href="/states/KEN">KEN</a>')
    assert cell("x", {"a": 0.5}) == Markup('<ul class="parts"><li>a: 0.50</li></ul>')
    assert cell("funders", ["a<b", "c"]) == Markup(
        '<a href="/providers/a%3Cb">a&lt;b</a>, <a href="/providers/c">c</a>'
    )
    rows = [{"n": 2}, {"n": None}, {"n": 10}, {"n": 1}]
    assert [r["n"] for r in sort_rows(rows, "n", True)] == [10, 2, 1, None]
    assert [r["n"] for r in sort_rows(rows, "n", False)] == [1, 2, 10, None]
    assert sort_rows(rows, "missing", False) == rows
    kinds = {i.name: i.kind for i in inputs(GapsParams.model_fields, {})}
    assert kinds == {
        "as_of": "date",
        "state": "text",
        "article": "number",
        "group": "choice",
        "form": "text",
        "need": "text",
        "stated_only": "choice",
    }
    html = table_page(Table("/gaps", [], inputs(GapsParams.model_fields, {}), {}, 10, 0, ["why"]), "fr")
    assert 'class="empty"' in html and "<li>why</li>" in html and 'lang="fr"' in html
