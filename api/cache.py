"""The store's records as the API serves them, and answers to questions, computed once per
version of the data.

Why a snapshot: the store interface returns every node and edge (``read_all``); turning them into
records and indexes costs more than a request should pay every time. The embedded store hands
back the very same objects until the data changes (in this process or another), so the snapshot
is cached against them and is never stale. The Neo4j store reads everything afresh on each call
(seconds on a large graph), so there the snapshot is kept for ``store_cache_seconds`` (setting):
writes through this API invalidate it at once, writes by other processes show within that time.
Question answers and maps are cached the same way (:class:`DataCache`), so a dashboard polling a
question does not recompute it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from tacmap.api.deps import ServicesDep
from tacmap.api.schemas import ExpertOut, NeedOut, NetworkOut, ProjectOut, ProviderOut, StateOut
from tacmap.graph.schema.mapping import Edge, NodeRef, to_bundle
from tacmap.graph.store import Store
from tacmap.graph.store.base import Graph, StoreView
from tacmap.graph.visibility import EVERYONE, NOTHING, Audience, Hidden, NeedView

T = TypeVar("T")


class Snapshot:
    """Records (with provenance) and indexes of one version of the data; lists built on demand."""

    def __init__(self, nodes: dict[NodeRef, dict[str, Any]], edges: list[Edge]) -> None:
        self.nodes = nodes
        self.bundle = to_bundle(nodes, edges)

    def _import_id(self, label: str, key: Any) -> str | None:
        return self.nodes.get((label, key), {}).get("import_id")

    @cached_property
    def providers(self) -> list[ProviderOut]:
        return [
            ProviderOut(**r.model_dump(), import_id=self._import_id("Provider", r.id))
            for r in self.bundle.providers
        ]

    @cached_property
    def networks(self) -> list[NetworkOut]:
        return [
            NetworkOut(**r.model_dump(), import_id=self._import_id("Network", r.id))
            for r in self.bundle.networks
        ]

    @cached_property
    def needs(self) -> list[NeedOut]:
        return [NeedOut(**r.model_dump(), import_id=self._import_id("Need", r.id)) for r in self.bundle.needs]

    def needs_shown(self, hidden: Hidden) -> list[NeedOut]:
        """The needs a caller may see (``DataCache.hidden`` of their audience)."""
        return [n for n in self.needs if n.id not in hidden.needs] if hidden else self.needs

    @cached_property
    def projects(self) -> list[ProjectOut]:
        return [
            ProjectOut(**r.model_dump(), import_id=self._import_id("Project", r.id))
            for r in self.bundle.projects
        ]

    @cached_property
    def experts_private(self) -> list[ExpertOut]:
        return [
            ExpertOut(**r.model_dump(), import_id=self._import_id("Expert", r.id))
            for r in self.bundle.experts
        ]

    @cached_property
    def experts_public(self) -> list[ExpertOut]:
        """Experts without personal data: what viewers and anonymous get."""
        return [e.model_copy(update={"email": None}) for e in self.experts_private]

    def experts(self, personal_data: bool) -> list[ExpertOut]:
        return self.experts_private if personal_data else self.experts_public

    @cached_property
    def states(self) -> list[StateOut]:
        needs: dict[str, int] = defaultdict(int)
        for n in self.bundle.needs:
            needs[n.state] += 1
        projects: dict[str, int] = defaultdict(int)
        for p in self.bundle.projects:
            for iso3 in p.beneficiaries:
                projects[iso3] += 1
        out = []
        for (label, key), props in self.nodes.items():
            if label != "State":
                continue
            fields: dict[str, Any] = {f: props.get(f) for f in StateOut.model_fields if f in props}
            out.append(StateOut(**fields, need_count=needs[str(key)], project_count=projects[str(key)]))
        return sorted(out, key=lambda s: s.iso3)

    @cached_property
    def state_index(self) -> dict[str, StateOut]:
        return {s.iso3: s for s in self.states}

    @cached_property
    def provider_index(self) -> dict[str, ProviderOut]:
        return {p.id: p for p in self.providers}


class DataCache:
    """Values computed from one version of one store's data: the snapshot, question answers,
    maps. One per app (in :class:`tacmap.api.deps.Services`), bounded, least recently used out.

    A store that reports its :meth:`~tacmap.graph.store.base.Store.data_version` (the embedded
    store: it changes when the data changes, here or in another process) makes an exact and cheap
    version check: nothing is ever stale. Other stores give no such signal: a value is recomputed once it is ``max_age`` seconds old
    (0: never reused), and writes through this API call :meth:`invalidate`. While one request
    recomputes an old value, the others are served the old one (an answer that takes longer to
    compute than ``max_age`` must not make every request wait for it).
    """

    SIZE = 64

    def __init__(self, store: Store, max_age: float) -> None:
        self.store = store
        self.max_age = max_age
        self.exact = store.data_version() is not None
        self._lock = threading.Lock()
        self._version: object = None
        self._generation = 0
        self._values: OrderedDict[Hashable, tuple[Any, float]] = OrderedDict()
        self._pending: dict[Hashable, threading.Event] = {}
        self._reader: Store = store if self.exact or max_age <= 0 else CachedReads(self)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or the value it gave for ``key`` on this version of the data.

        Single flight: when many requests miss the same key at once (a dashboard refreshing
        after an import), one computes and the others wait for its value instead of all
        computing it side by side.
        """
        while True:
            with self._lock:
                if self.exact:
                    version = self.store.data_version()  # cheap when unchanged: one PRAGMA
                    if self._version != version:
                        self._version = version
                        self._forget()
                known = self._values.get(key)
                pending = self._pending.get(key)
                if known is not None:
                    value, computed_at = known
                    fresh = self.exact or time.monotonic() - computed_at < self.max_age
                    if fresh or pending is not None:  # fresh, or being recomputed: serve it
                        self._values.move_to_end(key)
                        return value
                if pending is None:
                    pending = self._pending[key] = threading.Event()
                    generation = self._generation
                    break
            pending.wait()  # then look again: the value is there, or its computation failed
        try:
            value = compute()  # outside the lock: a slow answer does not hold up the others
            with self._lock:
                if self._generation == generation:
                    self._values[key] = (value, time.monotonic())
                    self._values.move_to_end(key)
                    while len(self._values) > self.SIZE:
                        self._values.popitem(last=False)
            return value
        finally:
            with self._lock:
                if self._pending.get(key) is pending:
                    del self._pending[key]
            pending.set()

    def _forget(self) -> None:
        self._generation += 1
        self._values.clear()

    def invalidate(self) -> None:
        """Forget everything (after a write through this process)."""
        with self._lock:
            self._forget()

    @property
    def reader(self) -> Store:
        """The store to read from: the embedded store itself (it caches exactly), others behind
        :class:`CachedReads` so that whole-graph reads are shared."""
        return self._reader

    def snapshot(self) -> Snapshot:
        return self.get("snapshot", lambda: Snapshot(*self._reader.read_all()))

    def view(self, audience: Audience) -> tuple[Store, str]:
        """The store as ``audience`` may see it, and a name to cache what is computed from it
        under: the reader itself ("everything") when it hides nothing from them, else a
        :class:`~tacmap.graph.visibility.NeedView` whose filtered graph is cached here."""
        if not audience.everything:
            view = NeedView(self._reader, audience, remember=self.get)
            if view.hidden:
                return view, audience.key
        return self._reader, EVERYONE.key

    def hidden(self, audience: Audience) -> Hidden:
        """The restricted needs ``audience`` may not see, in this version of the data."""
        view, _ = self.view(audience)
        return view.hidden if isinstance(view, NeedView) else NOTHING


class CachedReads(StoreView):
    """A store whose whole-graph reads (``read_all``, ``projection``, question indexes) come from a
    :class:`DataCache`: what maps, the home page and graph-metric questions get on Neo4j, so that
    they do not each re-read the whole graph. Question queries (``answer``) still go to the
    database."""

    def __init__(self, cache: DataCache) -> None:
        super().__init__(cache.store)
        self.cache = cache

    def read_all(self) -> Graph:
        return self.cache.get("read_all", self.inner.read_all)

    def projection(self) -> Any:
        return self.cache.get("projection", lambda: Store.projection(self))

    def memo(self, name: str, build: Callable[[Any], T]) -> T:
        return self.cache.get(("memo", name), lambda: build(self.projection()))

    def write(self, changes: Any) -> None:
        self.inner.write(changes)
        self.cache.invalidate()

    def clear(self) -> None:
        self.inner.clear()
        self.cache.invalidate()


def get_snapshot(services: ServicesDep) -> Snapshot:
    return services.cache.snapshot()


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]
