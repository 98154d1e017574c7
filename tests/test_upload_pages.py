"""The editors' pages (issue 14 item 5): a signed-in editor checks a bundle or IATI files first (every
problem in one table, nothing written), then imports and reads the report; templates on the same page;
every form carries the session's CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tacmap.graph.ingest.template_kinds import KINDS
from tacmap.graph.store import EmbeddedStore

from tests.test_api_imports import as_bytes, bad_zip, small_world
from tests.test_api_support import Api, make_api
from tests.test_sessions import sign_in

HTML = {"accept": "text/html"}
IATI = Path(__file__).parent / "data/iati/hand"


@pytest.fixture
def api(tmp_path: Path) -> Api:
    return make_api(EmbeddedStore(tmp_path / "graph"), tmp_path / "api")


def test_upload_page_needs_a_signed_in_editor(api: Api) -> None:
    answer = api.client.get("/imports", headers=HTML, follow_redirects=False)
    assert answer.headers["location"] == "/sign-in?next=%2Fimports"  # a browser is sent to sign in
    assert api.client.get("/imports").status_code == 401  # a client is told
    sign_in(api, "viewer")
    assert api.client.get("/imports").status_code == 403


def test_every_form_carries_the_csrf_token_and_templates_are_offered(api: Api) -> None:
    csrf = sign_in(api, "editor")
    page = api.client.get("/imports").text
    forms = re.findall(r"<form.*?</form>", page, re.DOTALL)
    assert len(forms) == 3  # bundle, IATI, sign out
    assert all(f'name="csrf" value="{csrf}"' in form for form in forms)
    for kind in KINDS:
        assert f'href="/templates/{kind}.xlsx"' in page
        assert api.client.get(f"/templates/{kind}.xlsx").status_code == 200


def test_broken_bundle_dry_run_lists_every_problem_and_writes_nothing(api: Api) -> None:
    csrf = sign_in(api, "editor")
    before = api.store.counts()
    answer = api.client.post(
        "/imports", headers=HTML, data={"csrf": csrf, "dry_run": "true"}, files={"file": ("b.zip", bad_zip())}
    )
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html")
    cells = re.findall(r"<td>(.*?)</td>", answer.text)
    assert "XXK" in cells and "99" in cells and "needs.csv" in cells
    assert "2 problem(s); nothing was written" in answer.text
    assert api.store.counts() == before


def test_clean_bundle_is_checked_then_imported_with_a_report(api: Api, tmp_path: Path) -> None:
    csrf = sign_in(api, "editor")
    data = as_bytes(small_world(), "zip", tmp_path)
    checked = api.client.post(
        "/imports", headers=HTML, data={"csrf": csrf, "dry_run": "true"}, files={"file": ("w.zip", data)}
    )
    assert checked.status_code == 200 and "has no problems" in checked.text
    assert len(api.store.export().needs) == 0
    assert 'name="dry_run" value="false"' in checked.text
    report = api.client.post(
        "/imports", headers=HTML, data={"csrf": csrf, "dry_run": "false"}, files={"file": ("w.zip", data)}
    )
    assert report.status_code == 200 and "import id imp_" in report.text
    assert len(api.store.export().needs) == 2


def test_a_client_dry_run_is_json(api: Api, tmp_path: Path) -> None:
    data = as_bytes(small_world(), "zip", tmp_path)
    answer = api.post("/imports", files={"file": ("w.zip", data)}, data={"dry_run": "true"})
    assert answer.json()["records"]["needs"] == 2
    assert len(api.store.export().needs) == 0


def test_iati_dry_run_page_then_import(api: Api) -> None:
    csrf = sign_in(api, "editor")
    path = next(IATI.glob("*.xml"))
    form = {"csrf": csrf, "dry_run": "true", "keywords": ["false", "true"], "sectors": "15113,sdg:16.5"}
    checked = api.client.post(
        "/imports/iati", headers=HTML, data=form, files={"file": (path.name, path.read_bytes())}
    )
    assert checked.status_code == 200 and "nothing has been written yet" in checked.text
    assert len(api.store.export().projects) == 0
    form["dry_run"] = "false"
    done = api.client.post(
        "/imports/iati", headers=HTML, data=form, files={"file": (path.name, path.read_bytes())}
    )
    assert done.status_code == 200 and "Import report" in done.text
    assert len(api.store.export().projects) > 0


@pytest.mark.parametrize("lang", ["ar", "es", "fr", "ru", "zh"])
def test_pages_speak_six_languages(api: Api, lang: str) -> None:
    from tacmap.i18n import _, use

    sign_in(api, "editor")
    with use(lang):
        titles = {"/sign-in": _("Sign in"), "/imports": _("Imports")}
        words = [_("Sign out"), _("Check the bundle (nothing is written)"), _("Templates")]
    assert titles["/sign-in"] != "Sign in"  # translated, not the English left in place
    for path, title in titles.items():
        page = api.client.get(f"{path}?lang={lang}").text
        assert f"<title>{title}</title>" in page
        assert f'dir="{"rtl" if lang == "ar" else "ltr"}"' in page
    upload_page = api.client.get(f"/imports?lang={lang}").text
    assert all(word in upload_page for word in words)
