"""What every command gets: the settings and, when it asks, the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from tupu.graph.stores.store import GraphStore
from tupu.graph.stores.open import open_store
from tupu.settings import Settings


@dataclass
class AppContext:
    """The CLI's shared state; the store is opened on first use and closed at exit."""

    settings: Settings
    _store: GraphStore | None = field(default=None, init=False)

    @property
    def store(self) -> GraphStore:
        if self._store is None:
            self._store = open_store(self.settings)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
