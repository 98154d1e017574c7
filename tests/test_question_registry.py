"""Parity by construction, checked: every question of the registry (graph/queries/spec.py) has the
same parameters, defaults, bounds, choices, validation and result fields on the command line and
over HTTP, and every question whose rows name needs hides restricted needs from a viewer.

The test walks ``QUESTIONS``: a question added later is held to all of it without a change here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer
from tacmap.api.cli import app as cli_app
from tacmap.graph.queries.spec import QUESTIONS, Question
from tacmap.graph.store import EmbeddedStore
from typer.testing import CliRunner

from tests.test_api_support import Api, load_seed, make_api, seed_bundle

AS_OF = "2009-09-01"
IDS = [q.name for q in QUESTIONS]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("registry")
    store = EmbeddedStore(folder)
    load_seed(store)
    store.close()
    yield folder


@pytest.fixture(scope="module")
def api(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    store = EmbeddedStore(data_dir)
    yield make_api(store, tmp_path_factory.mktemp("keys"), store_cache_seconds=3600)
    store.close()


@pytest.fixture(scope="module")
def openapi(api: Api) -> dict[str, Any]:
    return api.client.get("/openapi.json").json()


def cli(data_dir: Path, *args: str) -> Any:
    return CliRunner().invoke(cli_app, ["--data-dir", str(data_dir), "query", *args])


def command_of(q: Question) -> Any:
    group = typer.main.get_command(cli_app)
    query = group.commands["query"]  # type: ignore[attr-defined]
    return query.get_command(None, q.name)


def plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def public_need() -> str:
    return min(n.id for n in seed_bundle().needs if n.visibility == "public")


def restricted_need() -> str:
    return min(n.id for n in seed_bundle().needs if n.visibility == "restricted")


def working(q: Question) -> dict[str, Any]:
    """Parameters that give a non-empty answer on the seed."""
    values: dict[str, Any] = {}
    if "as_of" in q.params.model_fields:
        values["as_of"] = AS_OF
    if q.name == "experts":
        values["need"] = public_need()
    return values


def cli_args(values: dict[str, Any]) -> list[str]:
    return [a for name, v in values.items() for a in (f"--{name.replace('_', '-')}", str(v))]


@pytest.mark.parametrize("name", IDS)
def test_same_parameters_defaults_bounds_and_choices(name: str, openapi: dict[str, Any]) -> None:
    q = next(q for q in QUESTIONS if q.name == name)
    options = {p.name: p for p in command_of(q).params}
    operation = openapi["paths"][q.path]["get"]
    http = {p["name"]: p for p in operation["parameters"]}
    assert operation["summary"] == q.title
    for field, spec in q.params.model_fields.items():
        option, param = options[field], http[field]
        assert f"--{field.replace('_', '-')}" in option.opts
        assert plain(option.default) == plain(spec.default) == param["schema"].get("default")
        assert option.help and param["description"]
        schema = param["schema"]
        types = [schema, *schema.get("anyOf", [])]
        low = next((t["minimum"] for t in types if "minimum" in t), None)
        high = next((t["maximum"] for t in types if "maximum" in t), None)
        assert (option.min, option.max) == (low, high)
        refs = [t["$ref"] for t in types if "$ref" in t]
        choices = [e for ref in refs for e in openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]["enum"]]
        if isinstance(kind := option.type_descriptor.annotation, type) and issubclass(kind, Enum):
            assert sorted(e.value for e in kind) == sorted(choices) and choices
        else:
            assert not choices


def bad_values(q: Question) -> list[dict[str, Any]]:
    """One unusable value per checked parameter, and each rule between parameters broken once."""
    out: list[dict[str, Any]] = []
    for name, spec in q.params.model_fields.items():
        text = repr(spec.annotation)
        low = next((m.ge for m in spec.metadata if hasattr(m, "ge")), None)
        if low is not None:
            out.append({name: low - 1})
        elif "date" in text:
            out.append({name: "2009-13-01"})
        elif "Enum" in text or "UnGroup" in text or "Dimension" in text or "MetricsTable" in text:
            out.append({name: "nope"})
    return out + RULES.get(q.name, [])


# Rules between parameters (model validators), broken once each; the parameter named is the one to change.
RULES: dict[str, list[dict[str, Any]]] = {
    "fragmentation": [{"darlings": 3, "state": "KEN"}, {"darlings": 3, "by_chapter": True}],
    "experts": [{"state": "KEN", "need": None}],
}


def test_every_rule_between_parameters_is_exercised() -> None:
    with_rules = {q.name for q in QUESTIONS if q.params.__pydantic_decorators__.model_validators}
    assert with_rules == set(RULES)


@pytest.mark.parametrize("name", IDS)
def test_same_validation(name: str, api: Api, data_dir: Path) -> None:
    q = next(q for q in QUESTIONS if q.name == name)
    for values in bad_values(q):
        given = {k: v for k, v in values.items() if v is not None}
        response = api.get(q.path, params=given)
        assert response.status_code == 422, (values, response.text)
        named = {e["loc"][-1] for e in response.json()["detail"]}
        assert named & set(values), (values, named)
        args = [
            a
            for name, v in given.items()
            for a in (
                [f"--{name.replace('_', '-')}"] if v is True else [f"--{name.replace('_', '-')}", str(v)]
            )
        ]
        result = cli(data_dir, q.name, *args)
        assert result.exit_code != 0, (values, result.output)
        said = result.output + str(result.exception or "")
        assert any(f"--{n.replace('_', '-')}" in said for n in values), (values, said)


@pytest.mark.parametrize("name", IDS)
def test_same_result_fields(name: str, api: Api, data_dir: Path) -> None:
    q = next(q for q in QUESTIONS if q.name == name)
    values = working(q)
    body = api.get(q.path, params={**values, "limit": 5}).json()
    result = cli(data_dir, q.name, *cli_args(values), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows, f"{q.name} answers nothing on the seed with {values}"
    if q.shape == "metrics":
        over_http = body[q.params.model_fields["table"].default.value]
    else:
        over_http = body["items"]
    assert over_http and set(rows[0]) == set(over_http[0])
    # the example the API documents has the fields a real answer has
    if q.shape == "rows":
        assert set(q.example) == set(over_http[0])
    elif q.shape == "matrix":
        assert set(q.example) == set(body) and set(q.example["items"][0]) == set(over_http[0])
    else:
        assert set(q.example) == set(body)


NEED_QUESTIONS = [q.name for q in QUESTIONS if q.names_needs]


@pytest.mark.parametrize("name", NEED_QUESTIONS)
def test_need_questions_hide_restricted_needs_from_viewers(name: str, api: Api, data_dir: Path) -> None:
    q = next(q for q in QUESTIONS if q.name == name)
    assert "need" in q.params.model_fields  # every need question can be asked about one need
    hidden = restricted_need()
    values = {**working(q), "need": hidden}
    for_editor = api.get(q.path, role="editor", params=values)
    assert for_editor.status_code == 200 and hidden in for_editor.text
    for_viewer = api.get(q.path, role="viewer", params=values)
    assert hidden not in for_viewer.text.replace(f"no need '{hidden}'", "")
    assert for_viewer.status_code == 404 or for_viewer.json()["total"] == 0
    everything = cli(data_dir, q.name, *cli_args(values), "--format", "json")
    public = cli(data_dir, q.name, *cli_args(values), "--format", "json", "--audience", "public")
    assert everything.exit_code == 0 and hidden in everything.stdout
    assert public.exit_code != 0 or json.loads(public.stdout) == []


# Answers that leave candidates out, and the words that say why (graph/queries/<module>.notes).
EMPTY = [
    ("overlaps", {"state": "KEN", "article": 46}, "no live project benefits KEN on article 46"),
    (
        "gaps",
        {"state": "IDN", "article": 9, "as_of": AS_OF},
        "all 2 needs of IDN matching the filters are covered as of 2009-09-01",
    ),
]


@pytest.mark.parametrize(("name", "values", "words"), EMPTY)
def test_notes_say_why_on_both_front_ends(
    name: str, values: dict[str, Any], words: str | None, api: Api, data_dir: Path
) -> None:
    q = next(q for q in QUESTIONS if q.name == name)
    body = api.get(q.path, params=values).json()
    result = CliRunner().invoke(
        cli_app, ["--data-dir", str(data_dir), "query", name, *cli_args(values)], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    said = [line.removeprefix("note: ") for line in result.output.splitlines() if line.startswith("note: ")]
    assert body["notes"] and said == body["notes"]
    if words:
        assert words in body["notes"]


def test_every_question_with_notes_is_exercised() -> None:
    assert {q.name for q in QUESTIONS if q.why} - {n for n, *_ in EMPTY} <= {"pairings", "experts"}
