"""The first picture is right: questions look at the data's own reference date when it declares one
(the seed: 2009-09-01), else today; both stores keep the date; the API, the command line and the home
page agree."""

from __future__ import annotations

from datetime import date

from tacmap.graph.ingest.bundle import import_bundle
from tacmap.graph.queries.spec import BY_NAME, reference_day
from tacmap.graph.schema.models import Bundle
from tacmap.graph.store import Store

from tests.test_api_support import make_api, seed_bundle

SEED_DAY = date(2009, 9, 1)


def test_the_seed_declares_its_day() -> None:
    assert seed_bundle().reference_date == SEED_DAY


def test_both_stores_keep_the_date(store: Store) -> None:
    assert reference_day(store) == date.today()  # nothing declared yet
    import_bundle(store, seed_bundle())
    assert reference_day(store) == SEED_DAY
    assert store.export().reference_date == SEED_DAY
    import_bundle(store, Bundle(reference_date=date(2010, 1, 31)))  # a date alone is a change
    assert reference_day(store) == date(2010, 1, 31)
    import_bundle(store, Bundle(providers=seed_bundle().providers[:1]))  # no date: the old one stays
    assert reference_day(store) == date(2010, 1, 31)


def test_questions_default_to_it_in_one_place(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import_bundle(store, seed_bundle())
    gaps = BY_NAME["gaps"]
    assert gaps.dated(gaps.check(), store).as_of == SEED_DAY  # type: ignore[attr-defined]
    assert gaps.dated(gaps.check(as_of="2012-01-01"), store).as_of == date(2012, 1, 1)  # type: ignore[attr-defined]
    overlaps = BY_NAME["overlaps"]  # takes no date: left alone
    assert overlaps.dated(overlaps.check(), store) == overlaps.check()
    api = make_api(store, tmp_path)
    default = api.get("/gaps", params={"limit": 1}).json()["total"]
    assert default == api.get("/gaps", params={"limit": 1, "as_of": "2009-09-01"}).json()["total"]
    assert default != api.get("/gaps", params={"limit": 1, "as_of": date.today().isoformat()}).json()["total"]
    page = api.get("/gaps", params={"limit": 1}, headers={"accept": "text/html"}).text
    assert "as of 2009-09-01" in page and '<input name="as_of" type="date" value="2009-09-01">' in page
    home = api.get("/", headers={"accept": "text/html"}).text
    assert "as of 2009-09-01" in home and " 0 %" not in home
