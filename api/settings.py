"""One typed settings object for the HTTP API, read once from the environment.

Why one object: the factory :func:`tacmap.api.app.create_app` takes it, so a test builds an app against
any store and any limits without touching environment variables, and ``tacmap serve`` passes the
same values to every worker through the environment (the only thing uvicorn workers share).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from tacmap.graph.store import Neo4jSettings, default_data_dir
from tacmap.graph.store.neo4j_settings import check_uri

MB = 1024 * 1024
TRUE = {"1", "true", "yes", "on"}


class Settings(BaseModel):
    """Everything the API needs to know that is not in a request."""

    model_config = ConfigDict(frozen=True)

    store: Literal["embedded", "neo4j"] | None = Field(
        None, description="Which store to open; neo4j by default only when a Neo4j URI is set."
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Embedded store folder; API keys and the audit trail live here whatever the store.",
    )
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    anonymous_read: bool = Field(
        False, description="Let requests without a key read (never write, never personal data)."
    )
    cors_origins: tuple[str, ...] = Field((), description="Origins allowed by CORS; none by default.")
    default_page_size: int = Field(50, ge=1)
    max_page_size: int = Field(500, ge=1)
    max_upload_bytes: int = Field(20 * MB, ge=1, description="Larger request bodies get 413.")
    allowed_hosts: tuple[str, ...] = Field(
        (),
        description="Host names the server answers to (others get 400: DNS rebinding); none: any. "
        "`tacmap serve` and `tacmap demo` set loopback names when anonymous reading is on.",
    )
    max_heavy_downloads: int = Field(
        2,
        ge=1,
        description="Workbook downloads (xlsx, /export) one key may have running at once; more get 429.",
    )
    store_cache_seconds: float = Field(
        5.0,
        ge=0,
        description="Neo4j only: how long a read of the whole graph is reused (the embedded store "
        "knows when its data changed and needs no such bound).",
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _usable_uri(cls, uri: str | None) -> str | None:
        """A malformed ``NEO4J_URI`` is refused when the settings are read, not at the first request."""
        return check_uri(uri) if uri else None

    @property
    def neo4j(self) -> Neo4jSettings | None:
        if not self.neo4j_uri:
            return None
        return Neo4jSettings(self.neo4j_uri, self.neo4j_user, self.neo4j_password, self.neo4j_database)

    @property
    def store_kind(self) -> str:
        return self.store or ("neo4j" if self.neo4j_uri else "embedded")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """``TACMAP_*`` and ``NEO4J_*`` variables; unset ones keep their defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        pairs = {
            "store": "TACMAP_STORE",
            "data_dir": "TACMAP_DATA_DIR",
            "neo4j_uri": "NEO4J_URI",
            "neo4j_user": "NEO4J_USER",
            "neo4j_password": "NEO4J_PASSWORD",
            "neo4j_database": "NEO4J_DATABASE",
            "default_page_size": "TACMAP_DEFAULT_PAGE_SIZE",
            "max_page_size": "TACMAP_MAX_PAGE_SIZE",
            "max_upload_bytes": "TACMAP_MAX_UPLOAD_BYTES",
            "store_cache_seconds": "TACMAP_STORE_CACHE_SECONDS",
            "max_heavy_downloads": "TACMAP_MAX_HEAVY_DOWNLOADS",
        }
        for field, name in pairs.items():
            if env.get(name):
                values[field] = env[name]
        if "TACMAP_ANONYMOUS_READ" in env:
            values["anonymous_read"] = env["TACMAP_ANONYMOUS_READ"].strip().lower() in TRUE
        for field, name in (
            ("cors_origins", "TACMAP_CORS_ORIGINS"),
            ("allowed_hosts", "TACMAP_ALLOWED_HOSTS"),
        ):
            if env.get(name):
                values[field] = tuple(o.strip() for o in env[name].split(",") if o.strip())
        return cls.model_validate(values)

    def to_env(self) -> dict[str, str]:
        """The environment that makes :meth:`from_env` give these settings back (for workers)."""
        env = {
            "TACMAP_STORE": self.store_kind,
            "TACMAP_DATA_DIR": str(self.data_dir),
            "TACMAP_ANONYMOUS_READ": "1" if self.anonymous_read else "0",
            "TACMAP_CORS_ORIGINS": ",".join(self.cors_origins),
            "TACMAP_ALLOWED_HOSTS": ",".join(self.allowed_hosts),
            "TACMAP_MAX_HEAVY_DOWNLOADS": str(self.max_heavy_downloads),
            "TACMAP_DEFAULT_PAGE_SIZE": str(self.default_page_size),
            "TACMAP_MAX_PAGE_SIZE": str(self.max_page_size),
            "TACMAP_MAX_UPLOAD_BYTES": str(self.max_upload_bytes),
            "TACMAP_STORE_CACHE_SECONDS": str(self.store_cache_seconds),
        }
        if self.neo4j_uri:
            env |= {
                "NEO4J_URI": self.neo4j_uri,
                "NEO4J_USER": self.neo4j_user,
                "NEO4J_PASSWORD": self.neo4j_password,
                "NEO4J_DATABASE": self.neo4j_database,
            }
        return env
