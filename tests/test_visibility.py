"""Restricted needs, on both stores: counted in aggregates for everyone, their records shown only
to editor and admin keys and to viewer keys scoped to the need's State.

The illustrative seed marks every need of a few States restricted. The sweep walks every GET
operation of the app's own OpenAPI document (JSON, CSV and XLSX), every map kind and the ego maps
around a restricted State and need, as each role, and looks for restricted need ids in the bytes
that come back. The privileged roles must find them in the same places, so the sweep cannot pass
by showing nothing.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from tacmap.api.auth import AuthDB, KeyStore
from tacmap.graph.ingest.bundle import BundleError, import_bundle, read_bundle
from tacmap.graph.queries.pairings import pairings
from tacmap.graph.store import EmbeddedStore, Store, StoreError
from tacmap.graph.visibility import PUBLIC, Audience, NeedView

from tests.test_api_support import Api, make_api, seed_bundle, seeded_store
from tests.test_cli import tacmap
from tests.worlds import bundle, load, need

__all__ = ["seeded_store"]

AS_OF = "2009-09-01"
MAP_KINDS = ("coordination", "overlaps", "gaps", "pairings")
# who may see what: role of the key, State it is scoped to
AUDIENCES = {
    "anonymous": (None, None),
    "viewer": ("viewer", None),
    "viewer_other": ("viewer", "KEN"),  # scoped, but to a State whose needs are all public
    "viewer_scoped": ("viewer", "scoped"),  # scoped to the State with the most restricted needs
    "editor": ("editor", None),
    "admin": ("admin", None),
}


@cache
def restricted() -> dict[str, set[str]]:
    """Restricted need ids of the seed, by State."""
    out: dict[str, set[str]] = defaultdict(set)
    for n in seed_bundle().needs:
        if n.visibility == "restricted":
            out[n.state].add(n.id)
    assert len(out) >= 3, "the seed restricts the needs of a few States"
    return dict(out)


def scoped_state() -> str:
    return max(sorted(restricted()), key=lambda s: len(restricted()[s]))


def all_restricted() -> set[str]:
    return set().union(*restricted().values())


def found_ids(text: str, ids: set[str]) -> set[str]:
    """Which of ``ids`` occur in ``text`` as whole ids (``need-X-001-a`` is not ``need-X-001-a-r2``)."""
    pattern = re.compile(r"need-[A-Z]{3}-\d{3}-[a-z_]+(?:-r\d+)?")
    return set(pattern.findall(text)) & ids


def text_of(response: Any) -> str:
    if response.content[:2] == b"PK":  # xlsx: every part of the zip
        with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
            return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    return response.text


class Client:
    """One app with anonymous reading on and a key per audience."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.keys: dict[str, str | None] = {}
        for name, (role, state) in AUDIENCES.items():
            if role is None:
                self.keys[name] = None
                continue
            scope = scoped_state() if state == "scoped" else state
            _, self.keys[name] = api.services.keys.create(role, f"test {name}", scope)

    def get(self, audience: str, path: str, **params: Any) -> Any:
        key = self.keys[audience]
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return self.api.client.get(path, headers=headers, params=params)


@pytest.fixture(scope="module")
def client(seeded_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Client:
    api = make_api(
        seeded_store, tmp_path_factory.mktemp("visibility"), store_cache_seconds=3600, anonymous_read=True
    )
    return Client(api)


def requests(client: Client) -> list[tuple[str, dict[str, Any]]]:
    """Every GET operation of the app with the parameters that make it show needs, in every format
    it offers, plus every map kind and the ego maps around a restricted State and need."""
    schema = client.api.client.get("/openapi.json").json()
    state = scoped_state()
    need = min(restricted()[state])
    world = seed_bundle()
    values = {
        "iso3": state,
        "provider_id": "unodc",
        "kind": "needs",
        "need_id": need,  # a restricted need's own record
        "project_id": world.projects[0].id,
        "network_id": world.networks[0].id,
        "expert_id": world.experts[0].id,
    }
    out: list[tuple[str, dict[str, Any]]] = []
    for path, item in schema["paths"].items():
        if "get" not in item or path == "/maps/{kind}":
            continue
        names = {p["name"] for p in item["get"].get("parameters", [])}
        concrete = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        params: dict[str, Any] = {}
        if "limit" in names:
            params["limit"] = 500
        if "as_of" in names and path != "/":
            params["as_of"] = AS_OF
        if path == "/experts/shortlist":
            params["need"] = need
        variants = [{}, {"format": "csv"}, {"format": "xlsx"}] if "format" in names else [{}]
        out += [(concrete, {**params, **v}) for v in variants]
    out += [(f"/maps/{kind}", {}) for kind in MAP_KINDS]
    out += [("/maps/gaps", {"as_of": AS_OF}), ("/maps/pairings", {"state": state})]
    out += [("/maps/ego", {"node": f"State:{state}"}), ("/maps/ego", {"node": f"Need:{need}"})]
    out += [("/gaps", {"need": need}), ("/pairings", {"state": state, "limit": 500})]
    return out


@pytest.fixture(scope="module")
def seen(client: Client) -> dict[str, dict[tuple[str, str], tuple[int, set[str]]]]:
    """For each audience and request: the status and the restricted need ids in the response."""
    ids = all_restricted()
    out: dict[str, dict[tuple[str, str], tuple[int, set[str]]]] = {}
    for audience in AUDIENCES:
        answers = {}
        for path, params in requests(client):
            response = client.get(audience, path, **params)
            assert response.status_code < 500, (audience, path, params, response.text[:300])
            label = (path, repr(sorted(params.items())))
            asked = found_ids(path + repr(params), ids)  # an id the caller sent may come back in a 404
            answers[label] = (response.status_code, found_ids(text_of(response), ids) - asked)
        out[audience] = answers
    return out


def shown(answers: dict[tuple[str, str], tuple[int, set[str]]]) -> set[str]:
    return set().union(*(ids for _, ids in answers.values()))


@pytest.mark.parametrize("audience", ["anonymous", "viewer", "viewer_other"])
def test_restricted_needs_reach_nobody_else(
    seen: dict[str, dict[tuple[str, str], tuple[int, set[str]]]], audience: str
) -> None:
    answers = seen[audience]
    assert len(answers) >= 40
    leaks = {label: ids for label, (_, ids) in answers.items() if ids}
    assert not leaks, f"restricted needs shown to {audience}: {list(leaks.items())[:3]}"
    ok = sum(1 for status, _ in answers.values() if status == 200)
    assert ok >= 30, "most requests answered (a sweep of 401s would prove nothing)"


def test_scoped_viewer_sees_its_own_state_only(
    seen: dict[str, dict[tuple[str, str], tuple[int, set[str]]]],
) -> None:
    own = restricted()[scoped_state()]
    shown_to_it = shown(seen["viewer_scoped"])
    assert shown_to_it == own
    for label, (_, ids) in seen["viewer_scoped"].items():
        assert ids <= own, label


@pytest.mark.parametrize("audience", ["editor", "admin"])
def test_editors_and_admins_see_every_restricted_need(
    seen: dict[str, dict[tuple[str, str], tuple[int, set[str]]]], audience: str
) -> None:
    answers = seen[audience]
    assert shown(answers) == all_restricted()
    where = {path for (path, _), (_, ids) in answers.items() if ids}
    # the places the sweep must find them, so that an empty answer cannot pass it
    assert {"/needs", "/gaps", "/pairings", "/states/{iso3}".replace("{iso3}", scoped_state())} <= where
    assert {"/maps/gaps", "/maps/ego"} <= where
    shortlists = [status for (path, _), (status, _) in answers.items() if path == "/experts/shortlist"]
    assert shortlists and set(shortlists) == {200}


def test_a_hidden_need_is_not_found(client: Client) -> None:
    state = scoped_state()
    need = min(restricted()[state])
    assert client.get("viewer", "/experts/shortlist", need=need).status_code == 404
    assert client.get("viewer", "/maps/ego", node=f"Need:{need}").status_code == 404
    assert client.get("viewer", "/gaps", need=need).json()["total"] == 0
    assert client.get("viewer_scoped", "/gaps", need=need).json()["total"] == 1
    assert client.get("editor", "/maps/ego", node=f"Need:{need}").status_code == 200
    listed = client.get("editor", "/needs", visibility="restricted", limit=500).json()
    assert {n["id"] for n in listed["items"]} == all_restricted()


def test_aggregates_count_restricted_needs_for_everyone(client: Client) -> None:
    for path, params in [
        ("/matrix", {"as_of": AS_OF}),
        ("/matrix", {"rows": "group", "cols": "form", "as_of": AS_OF}),
        ("/orphans", {"as_of": AS_OF}),
        ("/fragmentation", {"as_of": AS_OF}),
        ("/states", {"limit": 500}),
    ]:
        bodies = {a: client.get(a, path, **params).json() for a in AUDIENCES}
        assert len({repr(b) for b in bodies.values()}) == 1, path
    totals = client.get("anonymous", "/matrix", as_of=AS_OF).json()["totals"]
    assert totals["needs"] == len(seed_bundle().needs)
    states = {s["iso3"]: s for s in client.get("viewer", "/states", limit=500).json()["items"]}
    assert states[scoped_state()]["need_count"] == len(restricted()[scoped_state()])
    home = {a: client.get(a, "/").text for a in ("anonymous", "editor")}
    coverage = [re.search(r'id="coverage".*?</', text, re.DOTALL) for text in home.values()]
    assert all(coverage) and len({c.group(0) for c in coverage if c}) == 1
    restricted_line = f"{len(seed_bundle().needs):,} needs in all, {len(all_restricted())} of them restricted"
    assert all(restricted_line in text for text in home.values())


@pytest.fixture(scope="module")
def public_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The seed without its restricted needs, in an embedded store: what the public should be told."""
    bundle = seed_bundle()
    store = EmbeddedStore(tmp_path_factory.mktemp("public-world"))
    import_bundle(
        store, bundle.model_copy(update={"needs": [n for n in bundle.needs if n.visibility == "public"]})
    )
    yield store
    store.close()


@pytest.mark.parametrize("params", [{"group": "asia_pacific"}, {"state": "IDN"}, {"article": 5}])
def test_pairings_for_the_public_are_those_of_a_world_without_restricted_needs(
    seeded_store: Store, public_world: Store, params: dict[str, Any]
) -> None:
    """Rows about hidden needs go, and so does what other hidden needs imply: a peer whose only need on
    the article is restricted becomes a candidate, and reciprocity stops citing restricted needs."""
    full = pairings(seeded_store, **params)
    view = pairings(NeedView(seeded_store, PUBLIC), **params)
    assert view == pairings(public_world, **params)
    assert any(r.need in all_restricted() for r in full) or "state" in params


def test_hidden_needs_do_not_shape_who_is_a_peer(store: Store) -> None:
    """Kenya asks for help on article 5. Ghana reported compliance on 5 but has a restricted need on
    5: no peer for editors, a peer for the public (who may not learn of that need). Uganda is a peer
    either way, and its restricted need on 6 (where Kenya is compliant) makes the pair reciprocal for
    editors only."""
    restricted = {"visibility": "restricted"}
    load(
        store,
        bundle(
            needs=[
                need("ken-5", "KEN", 5),
                need("gha-5", "GHA", 5).model_copy(update=restricted),
                need("uga-6", "UGA", 6).model_copy(update=restricted),
            ],
            implementation=[("GHA", 5, "compliant"), ("UGA", 5, "compliant"), ("KEN", 6, "compliant")],
        ),
    )
    full = {r.peer: r for r in pairings(store, need="ken-5")}
    public = {r.peer: r for r in pairings(NeedView(store, PUBLIC), need="ken-5")}
    ghana = {r.peer: r for r in pairings(NeedView(store, Audience(state="GHA")), need="ken-5")}
    assert set(full) == {"UGA"} and full["UGA"].reciprocal_articles == [6]
    assert set(public) == {"GHA", "UGA"} and public["UGA"].reciprocal_articles == []
    assert set(ghana) == {"UGA"} and ghana["UGA"].reciprocal_articles == []
    assert pairings(NeedView(store, PUBLIC), need="gha-5") == []


def test_a_view_is_read_only(seeded_store: Store) -> None:
    view = NeedView(seeded_store, Audience(state="KEN"))
    with pytest.raises(StoreError, match="read-only"):
        view.clear()
    assert view.hidden.needs == frozenset(all_restricted())


def test_stores_keep_visibility(seeded_store: Store) -> None:
    exported = {n.id for n in seeded_store.export().needs if n.visibility == "restricted"}
    assert exported == all_restricted()


# -- the bundle column and the keys -----------------------------------------------------------------

NEEDS_HEADER = "id,state,article,form,priority,identified_on,source"


def needs_folder(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "bundle"
    root.mkdir(parents=True)
    (root / "needs.csv").write_text(text, encoding="utf-8")
    return root


def test_visibility_column_is_optional_and_public_by_default(tmp_path: Path) -> None:
    rows = "n1,KEN,6,legal_advice,high,2009-03-01,checklist\n"
    bundle = read_bundle(needs_folder(tmp_path, f"{NEEDS_HEADER}\n{rows}"))
    assert [n.visibility for n in bundle.needs] == ["public"]
    text = f"{NEEDS_HEADER},visibility\nn1,KEN,6,legal_advice,,,,restricted\nn2,KEN,7,legal_advice,,,,\n"
    bundle = read_bundle(needs_folder(tmp_path / "second", text))
    assert [n.visibility for n in bundle.needs] == ["restricted", "public"]


def test_a_bad_visibility_is_refused_with_the_fix(tmp_path: Path) -> None:
    text = f"{NEEDS_HEADER},visibility\nn1,KEN,6,legal_advice,,,,secret\n"
    with pytest.raises(BundleError) as caught:
        read_bundle(needs_folder(tmp_path, text))
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "needs.csv",
        2,
        "visibility",
        "secret",
    )
    assert "public" in problem.message and "restricted" in problem.message


def test_keys_scoped_to_a_state_from_the_command_line(tmp_path: Path) -> None:
    base = ["--data-dir", str(tmp_path)]
    made = tacmap(*base, "keys", "create", "--role", "viewer", "--state", "ken")
    assert made.returncode == 0, made.stderr
    assert "scoped to KEN" in made.stderr
    [key] = KeyStore(AuthDB(tmp_path)).list()
    assert (key.role, key.state) == ("viewer", "KEN")
    listed = tacmap(*base, "keys", "list", "--format", "json")
    assert '"state": "KEN"' in listed.stdout

    editor = tacmap(*base, "keys", "create", "--role", "editor", "--state", "KEN")
    assert editor.returncode != 0 and "only viewer keys are scoped to a State" in editor.stderr
    typo = tacmap(*base, "keys", "create", "--role", "viewer", "--state", "KEM")
    assert typo.returncode != 0 and "did you mean KEN?" in typo.stderr
    assert "Traceback" not in editor.stderr + typo.stderr
    assert len(KeyStore(AuthDB(tmp_path)).list()) == 1, "a refused key is not created"


def test_keys_scoped_to_a_state_over_http(client: Client) -> None:
    api = client.api
    made = api.post("/keys", role="admin", json={"role": "viewer", "name": "focal point", "state": "KEN"})
    assert made.status_code == 201, made.text
    assert made.json()["info"]["state"] == "KEN"
    refused = api.post("/keys", role="admin", json={"role": "editor", "state": "KEN"})
    [error] = refused.json()["detail"]
    assert refused.status_code == 422 and error["loc"] == ["body", "state"]
    assert "only viewer keys are scoped to a State" in error["msg"]
    unknown = api.post("/keys", role="admin", json={"role": "viewer", "state": "Kenia"})
    assert unknown.status_code == 422 and "did you mean KEN?" in unknown.json()["detail"][0]["msg"]
    assert len(api.services.keys.list()) == len(AUDIENCES) - 1 + 3 + 1, "refused keys are not created"


# -- the command line: maps and answers for an audience -----------------------------------------------


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tacmap.graph.store import EmbeddedStore

    from tests.test_api_support import load_seed

    folder = tmp_path_factory.mktemp("cli-seed")
    with EmbeddedStore(folder) as store:
        load_seed(store)
    return folder


def test_cli_maps_for_an_audience(seed_dir: Path, tmp_path: Path) -> None:
    base = ["--data-dir", str(seed_dir)]
    everything = tacmap(*base, "map", "gaps", "--as-of", AS_OF, "-o", str(tmp_path / "all.html"))
    assert everything.returncode == 0, everything.stderr
    assert (
        found_ids((tmp_path / "all.html").read_text(encoding="utf-8"), all_restricted()) == all_restricted()
    )
    assert f"holds {len(all_restricted())} restricted needs" in everything.stderr
    assert "--audience public" in everything.stderr

    public = tacmap(*base, "map", "gaps", "--audience", "public", "-o", str(tmp_path / "public.html"))
    assert public.returncode == 0, public.stderr
    assert not found_ids((tmp_path / "public.html").read_text(encoding="utf-8"), all_restricted())
    assert "restricted" not in public.stderr

    state = scoped_state()
    scoped = tacmap(*base, "map", "gaps", "--audience", state.lower(), "-o", str(tmp_path / "state.html"))
    assert scoped.returncode == 0, scoped.stderr
    assert (
        found_ids((tmp_path / "state.html").read_text(encoding="utf-8"), all_restricted())
        == restricted()[state]
    )

    typo = tacmap(
        *base, "map", "gaps", "--audience", "KEM", "-o", str(tmp_path / "typo.html"), env={"COLUMNS": "200"}
    )
    assert typo.returncode == 2 and "did you mean KEN?" in typo.stderr and "Traceback" not in typo.stderr
    assert not (tmp_path / "typo.html").exists()


def test_cli_answers_for_an_audience(seed_dir: Path) -> None:
    base = ["--data-dir", str(seed_dir)]

    def rows(question: str, *args: str) -> list[dict[str, Any]]:
        result = tacmap(*base, "query", question, "--as-of", AS_OF, "--format", "json", *args)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    everything = {r["need"] for r in rows("gaps")}
    public = {r["need"] for r in rows("gaps", "--audience", "public")}
    assert everything & all_restricted() and not public & all_restricted()
    assert public == everything - all_restricted()
    assert rows("matrix", "--audience", "public") == rows("matrix")  # aggregates count every need
