"""Open the store the settings name."""

from __future__ import annotations

from tupu.errors import StoreUnavailable
from tupu.messages import msg
from tupu.graph.stores.store import GraphStore, Tracer
from tupu.settings import Settings


def open_store(settings: Settings, tracer: Tracer | None = None) -> GraphStore:
    """The active store: ``memory`` (snapshot in ``data_dir``) or ``neo4j`` (Bolt)."""
    if settings.store == "memory":
        from tupu.graph.stores.memory_store import MemoryStore

        try:
            return MemoryStore(settings.snapshot_path, tracer=tracer,
                               compact_share=settings.snapshot_compact_share)
        except OSError as e:
            raise StoreUnavailable(msg("store.data_dir", path=settings.data_dir,
                                          reason=e.strerror or e)) from e
    from tupu.graph.stores.neo4j_store import Neo4jStore

    return Neo4jStore.connect(settings, tracer=tracer)
