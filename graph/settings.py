"""Every setting tacmap reads from the environment, in one typed object (pydantic-settings).

Why one object: the variables (``TACMAP_*`` and ``NEO4J_*``) are parsed and checked in one place,
with one wording for a bad value, and a program or a test builds a :class:`Settings` with the
values it wants instead of changing the environment. The store factory
(:func:`tacmap.graph.store.open_store`), the API (:func:`tacmap.api.app.create_app`) and the
command line all take it; ``tacmap serve`` hands it to its workers as environment variables
(:meth:`Settings.to_env`), the only thing uvicorn workers share.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from tacmap.graph.errors import TacmapError

if TYPE_CHECKING:
    from tacmap.graph.store.neo4j_settings import Neo4jSettings

MB = 1024 * 1024
DEFAULT_RETRY_SECONDS = 5.0
DEFAULT_CONNECT_SECONDS = 5.0
DEFAULT_LOCK_SECONDS = 10.0


def per_user_data_dir() -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/tacmap`` (``~/.local/share/tacmap``)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "tacmap"


def _names(value: object) -> object:
    """A comma-separated list, as typed in a shell (``a.org,b.org``)."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


Names = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_names)]
Seconds = Annotated[float, Field(gt=0, le=3600)]


class Settings(BaseSettings):
    """Where the graph lives, how long to wait for it, and what the API allows."""

    # Each field reads only its own variable (validation_alias), never a bare name such as LANG or
    # STORE that other programs set; so fields passed by name are renamed in __init__ rather than
    # with populate_by_name (which would make the environment's bare names count too).
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    def __init__(self, **values: Any) -> None:
        fields = type(self).model_fields
        super().__init__(
            **{str(fields[k].validation_alias) if k in fields else k: v for k, v in values.items()}
        )

    store: Literal["embedded", "neo4j"] | None = Field(
        None,
        validation_alias="TACMAP_STORE",
        description="Which store to open; neo4j by default only when a Neo4j URI is set.",
    )
    data_dir: Path = Field(
        default_factory=per_user_data_dir,
        validation_alias="TACMAP_DATA_DIR",
        description="Embedded store folder; API keys and the audit trail live here whatever the store.",
    )
    lock_timeout: float = Field(
        DEFAULT_LOCK_SECONDS,
        ge=0,
        le=3600,
        validation_alias="TACMAP_LOCK_TIMEOUT",
        description="Seconds a write to the embedded store waits for another writer to finish.",
    )
    neo4j_uri: str | None = Field(None, validation_alias="NEO4J_URI")
    neo4j_user: str = Field("neo4j", validation_alias="NEO4J_USER")
    neo4j_password: str = Field("", repr=False, validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field("neo4j", validation_alias="NEO4J_DATABASE")
    neo4j_retry_seconds: Seconds = Field(
        DEFAULT_RETRY_SECONDS,
        validation_alias="TACMAP_NEO4J_RETRY_SECONDS",
        description="How long a Neo4j read or write is retried while the server is unreachable.",
    )
    neo4j_connect_seconds: Seconds = Field(
        DEFAULT_CONNECT_SECONDS,
        validation_alias="TACMAP_NEO4J_CONNECT_SECONDS",
        description="How long opening a Neo4j connection may take.",
    )
    iati_codelists: Path | None = Field(
        None,
        validation_alias="TACMAP_IATI_CODELISTS",
        description="A folder of newer IATI codelists (same file names) to read instead of the shipped copy.",
    )
    lang: str = Field(
        "en",
        validation_alias="TACMAP_LANG",
        description="Language of the command line's State names and map words when --lang is not given.",
    )
    anonymous_read: bool = Field(
        False,
        validation_alias="TACMAP_ANONYMOUS_READ",
        description="Let requests without a key read (never write, never personal data).",
    )
    cors_origins: Names = Field(
        (),
        validation_alias="TACMAP_CORS_ORIGINS",
        description="Origins allowed by CORS; none by default.",
    )
    default_page_size: int = Field(50, ge=1, validation_alias="TACMAP_DEFAULT_PAGE_SIZE")
    max_page_size: int = Field(500, ge=1, validation_alias="TACMAP_MAX_PAGE_SIZE")
    max_upload_bytes: int = Field(
        20 * MB,
        ge=1,
        validation_alias="TACMAP_MAX_UPLOAD_BYTES",
        description="Larger request bodies get 413.",
    )
    allowed_hosts: Names = Field(
        (),
        validation_alias="TACMAP_ALLOWED_HOSTS",
        description="Host names the server answers to (others get 400: DNS rebinding); none: any. "
        "`tacmap serve` and `tacmap demo` set loopback names when anonymous reading is on.",
    )
    max_heavy_downloads: int = Field(
        2,
        ge=1,
        validation_alias="TACMAP_MAX_HEAVY_DOWNLOADS",
        description="Workbook downloads (xlsx, /export) one key may have running at once; more get 429.",
    )
    store_cache_seconds: float = Field(
        5.0,
        ge=0,
        validation_alias="TACMAP_STORE_CACHE_SECONDS",
        description="Neo4j only: how long a read of the whole graph is reused (the embedded store "
        "knows when its data changed and needs no such bound).",
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _usable_uri(cls, uri: str | None) -> str | None:
        """A malformed ``NEO4J_URI`` is refused when the settings are read, not at the first request."""
        from tacmap.graph.store.neo4j_settings import check_uri

        return check_uri(uri) if uri else None

    @field_validator("neo4j_uri", "iati_codelists", "store", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def neo4j(self) -> Neo4jSettings | None:
        """Where the Neo4j server is and how long to wait for it; None without a URI."""
        if not self.neo4j_uri:
            return None
        from tacmap.graph.store.neo4j_settings import Neo4jSettings

        return Neo4jSettings(
            self.neo4j_uri,
            self.neo4j_user,
            self.neo4j_password,
            self.neo4j_database,
            retry_seconds=self.neo4j_retry_seconds,
            connect_seconds=self.neo4j_connect_seconds,
        )

    @property
    def store_kind(self) -> str:
        return self.store or ("neo4j" if self.neo4j_uri else "embedded")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from ``environ`` (default: this process's environment); a bad value is a
        :class:`~tacmap.graph.errors.TacmapError` that names the variable, the value and the rule."""
        try:
            if environ is None:
                return cls()
            return cls.model_validate({k: v for k, v in environ.items() if v != ""})
        except ValidationError as exc:
            raise TacmapError("; ".join(_wording(e) for e in exc.errors())) from None

    def to_env(self) -> dict[str, str]:
        """The environment that makes :meth:`from_env` give these settings back (for workers)."""
        out: dict[str, str] = {}
        for name, spec in type(self).model_fields.items():
            value = getattr(self, name)
            if value is None:
                continue
            variable = str(spec.validation_alias)
            out[variable] = (
                ",".join(value)
                if isinstance(value, tuple)
                else str(int(value) if isinstance(value, bool) else value)
            )
        out["TACMAP_STORE"] = self.store_kind
        return out


def _wording(error: Any) -> str:
    """``TACMAP_LOCK_TIMEOUT 'x': a number between 0 and 3600``: the variable, the value, the rule."""
    field = str(error["loc"][0]) if error["loc"] else ""
    spec = Settings.model_fields.get(field)
    variable = str(spec.validation_alias) if spec else field
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, TacmapError):
        return str(cause)
    return f"{variable} {error.get('input')!r}: {error['msg'].removeprefix('Value error, ')}"


def settings() -> Settings:
    """This process's settings, read from its environment now."""
    return Settings.from_env()
