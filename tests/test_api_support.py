"""Shared helpers for the API tests (no tests here): an app built on a given store with one key per
role, and the illustrative seed with its experts' emails (the personal data that must never reach
a viewer)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from tacmap.api.app import create_app
from tacmap.graph.schema.models import Bundle
from tacmap.graph.settings import Settings
from tacmap.graph.store import EmbeddedStore, Store

ROLES = ("viewer", "editor", "admin")


@dataclass
class Api:
    """A test client for an app on ``store``, and a key for each role."""

    client: TestClient
    store: Store
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def services(self) -> Any:
        return self.client.app.state.services  # type: ignore[attr-defined]

    def headers(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"} if role else {}

    def get(self, path: str, role: str | None = "viewer", **kwargs: Any) -> httpx.Response:
        return self.client.get(path, headers={**self.headers(role), **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path: str, role: str | None = "editor", **kwargs: Any) -> httpx.Response:
        return self.client.post(path, headers={**self.headers(role), **kwargs.pop("headers", {})}, **kwargs)

    def delete(self, path: str, role: str | None = "admin", **kwargs: Any) -> httpx.Response:
        return self.client.delete(path, headers={**self.headers(role), **kwargs.pop("headers", {})}, **kwargs)


def make_api(store: Store, data_dir: Path, raise_server_exceptions: bool = True, **settings: Any) -> Api:
    """An app on an already-open store; keys and audit in ``data_dir``."""
    app = create_app(Settings(data_dir=data_dir, store=store.name, **settings), store=store)
    api = Api(TestClient(app, raise_server_exceptions=raise_server_exceptions), store)
    for role in ROLES:
        _, api.keys[role] = api.services.keys.create(role, f"test {role}")
    return api


@cache
def seed_bundle() -> Bundle:
    from tacmap.seed.generate import generate

    return generate(scale=1)


def public_need_count() -> int:
    """The seed's needs a viewer key or anonymous sees: its restricted needs are left out."""
    return sum(1 for n in seed_bundle().needs if n.visibility == "public")


def seed_emails() -> set[str]:
    emails = {e.email for e in seed_bundle().experts if e.email}
    assert emails, "the seed has experts with emails"
    return emails


def load_seed(store: Store) -> None:
    from tacmap.graph.ingest.bundle import import_bundle

    import_bundle(store, seed_bundle(), stamp={"import_id": "imp_seed"})


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def seeded_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The seed loaded once per module and store kind: for tests that only read."""
    if request.param == "embedded":
        store: Store = EmbeddedStore(tmp_path_factory.mktemp("seeded"))
        load_seed(store)
        yield store
        store.close()
    else:
        store = request.getfixturevalue("neo4j_store_session")
        store.clear()
        load_seed(store)
        yield store
        store.clear()


def assert_no_email(text: str, emails: set[str]) -> None:
    found = [e for e in emails if e in text]
    assert not found, f"personal data in a response: {found[:3]}"
