"""What the app keeps between requests: the store (opened on first use) and its read/write lock.

Requests read the store concurrently; a load (``POST /api/v1/load``) writes it alone, because the
memory store changes its graph in place. The lock prefers a waiting writer, so a stream of readers
cannot starve a load.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tupu.api.queries.overview import Notice, notice
from tupu.api.sessions import SessionTable
from tupu.graph.analyses.config import AnalysisConfig, load_analysis_config
from tupu.graph.stores.store import GraphStore
from tupu.graph.stores.open import open_store
from tupu.settings import Settings


class ReadWriteLock:
    """Many readers or one writer. Not tied to threads: any thread may release what another
    acquired (FastAPI may enter and leave a dependency in different worker threads)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            try:
                while self._writing or self._readers:
                    self._cond.wait()
            finally:
                self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class AppState:
    """The settings, the analysis configuration, the store and its lock of one app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.analysis: AnalysisConfig = load_analysis_config(settings.analysis_config)
        self.lock = ReadWriteLock()
        self._store: GraphStore | None = None
        self._opening = threading.Lock()
        self.notice: Notice | None = None  # the last notice a page showed (for error pages)
        self.sessions = SessionTable(settings.session_hours)  # browser sign-ins

    @property
    def store(self) -> GraphStore:
        """The store the settings name, opened on first use (a failure is retried next time)."""
        with self._opening:
            if self._store is None:
                self._store = open_store(self.settings)
            return self._store

    def known_notice(self) -> Notice | None:
        """The datasets' notice as last shown, else read now without the lock (for error pages,
        whose request may already hold it); None when the store cannot tell."""
        if self.notice is None:
            try:
                self.notice = notice(self.store)
            except Exception:  # noqa: BLE001 - best effort: an error page must still render
                return None
        return self.notice

    def close(self) -> None:
        with self._opening:
            if self._store is not None:
                self._store.close()
                self._store = None
