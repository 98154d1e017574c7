"""The State brief, the donor brief and the matrix picture over HTTP on the seed: a browser gets
the page, a client the JSON as before; the pages show the questions' answers, respect the roles,
translate, mirror for Arabic and stay offline."""

from __future__ import annotations

import html as markup
import re

import pytest
from tacmap.graph.queries import gaps as gaps_q
from tacmap.graph.queries import presence as presence_q
from tacmap.graph.queries.nearby import gaps_near
from tacmap.graph.schema.reference import countries
from tacmap.graph.store import Store
from tacmap.viz.pages.matrix import STEPS, colour
from tacmap.viz.render import check_offline

from tests.test_api_support import Api, make_api, seed_bundle, seed_emails, seeded_store

__all__ = ["seeded_store"]

AS_OF = "2009-09-01"
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def api(seeded_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Api:
    return make_api(
        seeded_store, tmp_path_factory.mktemp("api"), store_cache_seconds=3600, anonymous_read=True
    )


def page(api: Api, path: str, **headers: str) -> str:
    answer = api.client.get(path, headers={**HTML, **headers})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    check_offline(answer.text)
    return answer.text


def text(html: str) -> str:
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("path", ["/states/KEN", "/providers/unodc", "/matrix"])
def test_clients_still_get_json(api: Api, path: str) -> None:
    answer = api.client.get(f"{path}?as_of={AS_OF}" if path == "/matrix" else path)
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()


def test_state_brief_shows_the_gaps_answer(api: Api) -> None:
    html = page(api, f"/states/KEN?as_of={AS_OF}")
    gaps = gaps_q.gaps(api.store, as_of=AS_OF, state="KEN")
    public = [n for n in seed_bundle().needs if n.state == "KEN" and n.visibility == "public"]
    statuses = re.findall(r'class="status status-([a-z-]+)"', html)
    assert len(statuses) == len(public)  # one line per need the caller may see
    near = sum(1 for g in gaps if g.near_misses and g.need in {n.id for n in public})
    assert statuses.count("gap") + statuses.count("near-miss") == sum(
        1 for g in gaps if g.need in {n.id for n in public}
    )
    assert statuses.count("near-miss") == near
    for heading in (
        "Needs by article",
        "Live projects",
        "Funders' shares",
        "Overlaps involving this State",
        "South–South peers for its gaps",
        "Experts from its region for its needs",
        "Networks",
        "Regional programmes",
    ):
        assert f" {heading} " in text(html)
    assert "<svg" in html  # the timeline


def test_state_brief_shows_no_personal_data(api: Api) -> None:
    html = page(api, f"/states/KEN?as_of={AS_OF}")
    assert not [e for e in seed_emails() if e in html]


def test_state_brief_in_arabic_mirrors_and_translates(api: Api) -> None:
    html = page(api, f"/states/KEN?as_of={AS_OF}&lang=ar")
    assert '<html lang="ar" dir="rtl">' in html
    assert "كينيا" in html
    assert "Needs by article" not in html


def test_a_bad_day_names_the_parameter(api: Api) -> None:
    answer = api.client.get("/states/KEN?as_of=yesterday", headers=HTML)
    assert answer.status_code == 422 and "as_of" in answer.text


def test_donor_brief_lists_gaps_next_to_its_work(api: Api) -> None:
    html = page(api, f"/providers/dfid?as_of={AS_OF}")
    presence = presence_q.presence(api.store, as_of=AS_OF, provider="dfid")
    mine = {p for r in presence for p in r.project_ids}
    articles = {p.id: p.articles for p in seed_bundle().projects if p.id in mine}
    known = countries()
    near = gaps_near(
        gaps_q.gaps(api.store, as_of=AS_OF),
        presence,
        articles,
        lambda s: known[s].subregion if s in known else None,
    )
    assert near, "the seed has gaps next to DFID's work"
    body = text(html)
    for heading in (
        "Gaps next to its own work",
        "Portfolio: live projects by State and article",
        "Its projects that overlap with others'",
    ):
        assert heading in body
    first = near[0].gap
    assert f'href="/gaps?state={first.state}&amp;article={first.article}&amp;as_of={AS_OF}"' in html
    # every State it works in is a row of the portfolio
    for state in {r.state for r in presence}:
        assert f'href="/states/{state}"' in html


def test_donor_brief_of_an_unknown_provider_is_404(api: Api) -> None:
    assert api.client.get("/providers/nobody", headers=HTML).status_code == 404


def test_matrix_picture_has_every_cell_with_details_and_links(api: Api) -> None:
    cells = api.client.get(f"/matrix?as_of={AS_OF}&limit=500").json()["items"]
    html = page(api, f"/matrix?as_of={AS_OF}")
    links = re.findall(r'<td style="background:[^"]+"><a href="([^"]+)" title="([^"]+)">', html)
    assert len(links) == len(cells)
    first = cells[0]
    assert f"/gaps?as_of={AS_OF}&amp;article={first['article']}&amp;group={first['group']}" in html
    assert any(f"{first['covered']} of {first['needs']} needs covered" in t for _, t in links)
    assert 'class="legend"' in html and "no needs" in html
    assert '<select name="rows">' in html


def test_matrix_picture_takes_the_questions_dimensions(api: Api) -> None:
    html = page(api, f"/matrix?rows=chapter&cols=level&as_of={AS_OF}&lang=fr")
    assert '<option value="chapter" selected>' in html and '<option value="level" selected>' in html
    assert '<html lang="fr" dir="ltr">' in html
    assert api.client.get("/matrix?rows=planet", headers=HTML).status_code == 422


def test_coverage_colours_step_through_cividis() -> None:
    assert colour(0.0)[0] == STEPS[0][1] and colour(100.0)[0] == STEPS[-1][1]
    assert colour(None)[0] != colour(0.0)[0]
    assert [colour(p)[0] for p in (10, 30, 50, 70, 90)] == [s[1] for s in STEPS]
