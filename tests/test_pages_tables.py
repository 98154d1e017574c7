"""Every list and question answer as a page for a browser (viz/pages/table.py, api/html.py): the same URL
still answers JSON to a client; tables sort on the server, page with links, filter with a form built
from the endpoint's parameters, and link every id to its page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from tacmap.graph.store import EmbeddedStore

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
