"""One settings object (graph/settings.py) owns every TACMAP_* and NEO4J_* variable: read in one
place, checked with one wording, handed to workers and read back unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tacmap.graph.errors import TacmapError
from tacmap.graph.settings import Settings
from tacmap.graph.store import EmbeddedStore, open_store

ROOT = Path(__file__).resolve().parents[1]
VARIABLE = re.compile(r"""(?:environ(?:\.get)?[\[(]|getenv\()\s*["']((?:TACMAP|NEO4J)_\w+)""")


def test_no_module_but_the_settings_reads_a_tacmap_or_neo4j_variable() -> None:
    readers = {
        str(path.relative_to(ROOT))
        for folder in ("graph", "api", "viz", "i18n", "seed")
        for path in (ROOT / folder).rglob("*.py")
        if VARIABLE.search(path.read_text(encoding="utf-8"))
    }
    assert readers == set(), readers


def test_every_variable_is_a_field_and_round_trips_through_the_environment() -> None:
    chosen = Settings(
        store="embedded",
        data_dir=Path("/tmp/x"),
        lock_timeout=3,
        anonymous_read=True,
        cors_origins=("https://a.org", "https://b.org"),
        max_page_size=100,
        neo4j_retry_seconds=1.5,
    )
    env = chosen.to_env()
    assert env["TACMAP_CORS_ORIGINS"] == "https://a.org,https://b.org" and env["TACMAP_ANONYMOUS_READ"] == "1"
    assert Settings.from_env(env) == chosen
    names = {str(spec.validation_alias) for spec in Settings.model_fields.values()}
    assert {"TACMAP_DATA_DIR", "TACMAP_LOCK_TIMEOUT", "NEO4J_URI", "TACMAP_IATI_CODELISTS"} <= names


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("TACMAP_LOCK_TIMEOUT", "abc", "TACMAP_LOCK_TIMEOUT 'abc': Input should be a valid number"),
        (
            "TACMAP_LOCK_TIMEOUT",
            "4000",
            "TACMAP_LOCK_TIMEOUT '4000': Input should be less than or equal to 3600",
        ),
        ("TACMAP_NEO4J_RETRY_SECONDS", "0", "TACMAP_NEO4J_RETRY_SECONDS '0': Input should be greater than 0"),
        ("TACMAP_ANONYMOUS_READ", "maybe", "TACMAP_ANONYMOUS_READ 'maybe'"),
        ("TACMAP_STORE", "sqlite", "TACMAP_STORE 'sqlite'"),
        ("NEO4J_URI", "http://db", "is not an address the Neo4j driver takes: use bolt://HOST:7687"),
    ],
)
def test_a_bad_value_names_the_variable_the_value_and_the_rule(variable: str, value: str, words: str) -> None:
    with pytest.raises(TacmapError) as caught:
        Settings.from_env({variable: value})
    assert words in str(caught.value)


def test_bare_names_that_other_programs_set_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANG", "STORE", "DATA_DIR", "LOCK_TIMEOUT"):
        monkeypatch.setenv(name, "C.UTF-8")
    monkeypatch.setenv("TACMAP_LANG", "fr")
    found = Settings()
    assert (found.lang, found.store, found.lock_timeout) == ("fr", None, 10.0)


def test_one_factory_opens_the_store_the_settings_name(tmp_path: Path) -> None:
    store = open_store(Settings(store="embedded", data_dir=tmp_path / "d", lock_timeout=2.5))
    try:
        assert isinstance(store, EmbeddedStore)
        assert (store.data_dir, store.lock_seconds) == (tmp_path / "d", 2.5)
    finally:
        store.close()
    with pytest.raises(TacmapError, match="needs NEO4J_URI"):
        open_store(Settings(store="neo4j", neo4j_uri=None))
