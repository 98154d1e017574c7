"""Dependencies, declared once as ``Annotated`` aliases so a route's signature says what it needs:
``store: StoreDep``, ``who: Viewer`` (any key, or anonymous when allowed), ``who: Editor``,
``who: Admin``, ``page: PageDep``. Tests override :func:`get_services` or build the app with an
open store; nothing here reads the environment.

Dependencies that only look things up are ``async def``: FastAPI runs a plain ``def`` dependency
in its thread pool, and a thread hop per dependency per request was most of the cost of a cached
answer. The key check is one indexed SQLite read on an open connection (microseconds; WAL readers
never wait for writers), so it runs on the event loop too; opening the store stays in the pool.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, HTTPException, Query, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from tacmap.api.audit import AuditLog
from tacmap.api.auth import AuthDB, KeyStore, Role
from tacmap.api.errors import invalid
from tacmap.api.sessions import COOKIE, CSRF_FIELD, CSRF_HEADER, SessionStore, same_token
from tacmap.graph.settings import Settings
from tacmap.graph.store import Store, open_store
from tacmap.graph.visibility import EVERYONE, PUBLIC, Audience

if TYPE_CHECKING:
    from tacmap.api.cache import DataCache


class Services:
    """What every request shares: settings, the one store object, keys and audit.

    The store is opened on first use (not at import, so ``/health`` answers even when Neo4j is
    down) and shared by all requests: the embedded store is thread-safe and notices writes by
    other processes; the Neo4j driver is a connection pool.
    """

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self._store = store
        self._owns_store = store is None
        self._cache: DataCache | None = None
        self._lock = threading.Lock()
        db = AuthDB(settings.data_dir)
        self.keys = KeyStore(db)
        self.sessions = SessionStore(db, self.keys)
        self.audit = AuditLog(db)

    @property
    def store(self) -> Store:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = open_store(self.settings)
        return self._store

    @property
    def cache(self) -> DataCache:
        """What this app computed from the store's data (see :class:`tacmap.api.cache.DataCache`)."""
        if self._cache is None:
            from tacmap.api.cache import DataCache

            store = self.store
            with self._lock:
                if self._cache is None:
                    self._cache = DataCache(store, self.settings.store_cache_seconds)
        return self._cache

    def close(self) -> None:
        if self._owns_store and self._store is not None:
            self._store.close()
            self._store = None


async def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_store(services: ServicesDep) -> Store:
    return services.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]


@dataclass(frozen=True)
class Principal:
    """Who is asking: a key (id, role, and the State a viewer key is scoped to) or, when allowed,
    anonymous (role None)."""

    key_id: str | None
    role: Role | None
    state: str | None = None
    csrf: str | None = None  # signed in by a browser session: the token its forms post back

    @property
    def actor(self) -> str:
        return self.key_id or "anonymous"

    @property
    def sees_personal_data(self) -> bool:
        """Experts' emails: editors and admins only; viewers and anonymous never."""
        return self.role is not None and self.role.rank >= Role.editor.rank

    @property
    def audience(self) -> Audience:
        """Restricted needs: editors and admins see them all, a viewer key scoped to a State sees
        that State's, anonymous and other viewers none (see :mod:`tacmap.graph.visibility`)."""
        if self.sees_personal_data:
            return EVERYONE
        return Audience(state=self.state) if self.role is not None else PUBLIC


KEY_REQUIRED = "an API key is required: send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`"
KEY_INVALID = "the API key is not valid or has been revoked"
SESSION_ENDED = "your session has ended (signed out, expired, or its key revoked): sign in again at /sign-in"
CSRF_MISSING = (
    "this form is out of date or was not sent from tacmap's own page: reload the page and send it again"
)
WRITING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def role_refused(minimum: Role, key_id: str, role: Role) -> str:
    return f"this needs the {minimum.value} role; the key {key_id} is a {role.value}"


bearer_scheme = HTTPBearer(auto_error=False, description="`Authorization: Bearer tm_<id>_<secret>`")
header_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: tm_<id>_<secret>`")


async def current_principal(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)] = None,
    api_key: Annotated[str | None, Security(header_scheme)] = None,
) -> Principal:
    token = bearer.credentials if bearer else api_key
    if not token and COOKIE in request.cookies:
        return await _session_principal(request, services, request.cookies[COOKIE])
    if not token:
        if services.settings.anonymous_read:
            return Principal(None, None)
        raise HTTPException(401, KEY_REQUIRED)
    key = services.keys.verify(token)
    if key is None:
        raise HTTPException(401, KEY_INVALID)
    request.state.key_id = key.id
    return Principal(key.id, key.role, key.state)


async def _session_principal(request: Request, services: Services, token: str) -> Principal:
    """Who a session cookie signs in; a writing request must also carry the session's CSRF token."""
    session = services.sessions.find(token)
    if session is None:
        raise HTTPException(401, SESSION_ENDED)
    if request.method in WRITING:
        form = await request.form()  # already read and kept by FastAPI for a form route
        given = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
        if not same_token(given if isinstance(given, str) else None, session.csrf):
            raise HTTPException(403, CSRF_MISSING)
    request.state.key_id = session.key.id
    return Principal(session.key.id, session.key.role, session.key.state, session.csrf)


def require(minimum: Role):
    """A dependency that lets through keys of ``minimum`` role or higher (anonymous: viewer only)."""

    async def dependency(who: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if who.role is None:
            if minimum is Role.viewer:
                return who
            raise HTTPException(401, f"this needs an API key with the {minimum.value} role")
        if who.role.rank < minimum.rank:
            raise HTTPException(403, role_refused(minimum, who.key_id or "", who.role))
        return who

    dependency.__name__ = f"require_{minimum.value}"
    return dependency


Viewer = Annotated[Principal, Depends(require(Role.viewer))]
Editor = Annotated[Principal, Depends(require(Role.editor))]
Admin = Annotated[Principal, Depends(require(Role.admin))]


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


async def page_params(
    settings: SettingsDep,
    limit: Annotated[
        int | None,
        Query(ge=1, description="Items per page (default and maximum are server settings).", examples=[50]),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.", examples=[0])] = 0,
) -> Page:
    limit = limit or settings.default_page_size
    if limit > settings.max_page_size:
        raise invalid("limit", f"limit may be at most {settings.max_page_size}")
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(page_params)]


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None
