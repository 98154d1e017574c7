"""Contract test: schemathesis generates requests from the app's own OpenAPI document and checks
that no request gets a 500 and every response (status, content type, headers, body) matches the
document. Run on both stores with the seed, and an admin key so that every operation is reached.
Bounded (``MAX_EXAMPLES`` per operation) so that CI stays fast.

One test per operation, driven by Hypothesis directly (schemathesis' lazy pytest loader does not
run under pytest 9), so a failure names the operation.
"""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tacmap.api.app import create_app
from tacmap.graph.settings import Settings
from tacmap.graph.store import Store

from tests.test_api_support import seeded_store

__all__ = ["seeded_store"]

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every documented operation (the document does not depend on the store)."""
    with tempfile.TemporaryDirectory() as tmp:
        document = create_app(Settings(data_dir=tmp)).openapi()
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item]


@pytest.fixture(scope="module")
def contract(
    seeded_store: Store, tmp_path_factory: pytest.TempPathFactory
) -> tuple[schemathesis.BaseSchema, dict[str, str]]:
    app = create_app(
        Settings(
            data_dir=tmp_path_factory.mktemp("contract"),
            store=seeded_store.name,
            store_cache_seconds=3600,
            max_upload_bytes=256 * 1024,
        ),
        store=seeded_store,
    )
    _, key = app.state.services.keys.create("admin", "contract test")
    return schemathesis.openapi.from_asgi("/openapi.json", app), {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize(("method", "path"), _operations())
def test_operation_conforms(
    contract: tuple[schemathesis.BaseSchema, dict[str, str]], method: str, path: str
) -> None:
    schema, headers = contract
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS, timeout=120)

    check()
