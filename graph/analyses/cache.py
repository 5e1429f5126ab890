"""Results of pure analyses kept per version of the store's data.

An analysis is a pure function of the graph and its arguments, so its answer can be served again
until the graph changes. :meth:`GraphStore.data_version` names the graph's current state — the
memory store: a counter bumped on every write and on reading a snapshot another process wrote;
Neo4j: the bookmark of an empty read transaction, which names the database's last committed
transaction and so moves with any client's write (one short round trip) — and a store that
cannot name it answers ``None``: every call then computes afresh. The web pages read the
same few analyses on every request (clusters, the plan's targets, the bulletin, the dashboard's
aggregates, the gaps and panorama of a scope, a link's candidates): with this cache they compute
them once after each load.

Answers are kept per store object (weakly: a closed store's answers go with it), at most
:data:`MAX_ENTRIES` of them, least recently used out first. A DataFrame is handed out as a copy,
so a caller that changes it does not change the kept answer; other answers must be immutable
(frozen dataclasses of tuples) or be given a ``copy`` function.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd

from tupu.graph.stores.store import GraphStore

T = TypeVar("T")
MAX_ENTRIES = 256
"""Answers kept per store (the pages ask for a few analyses per period, scope and link: a
panorama and the gaps per scope, candidates per link; each a frame of at most a few hundred
rows)."""

_lock = threading.Lock()
_kept: weakref.WeakKeyDictionary[GraphStore, OrderedDict[Hashable, tuple[Hashable, Any]]] = \
    weakref.WeakKeyDictionary()
_enabled = True


def key_of(value: Any) -> Hashable:
    """A hashable key for an analysis argument: configuration models by their JSON, sequences
    item by item, anything else as it is (hashable) or by its ``repr``."""
    dump = getattr(value, "model_dump_json", None)
    if callable(dump):
        return (type(value).__name__, dump())
    if isinstance(value, (list, tuple)):
        return tuple(key_of(v) for v in value)
    try:
        hash(value)
    except TypeError:
        return (type(value).__name__, repr(value))
    return value  # type: ignore[no-any-return]


def memo(store: GraphStore, name: str, args: tuple[Any, ...], compute: Callable[[], T],
         copy: Callable[[T], T] | None = None) -> T:
    """``compute()``, or its answer kept for the same ``name``, ``args`` and data version."""
    version = store.data_version() if _enabled else None
    if version is None:
        return compute()
    key = (name, key_of(args))
    with _lock:
        entries = _kept.setdefault(store, OrderedDict())
        hit = entries.get(key)
        if hit is not None and hit[0] == version:
            entries.move_to_end(key)
            kept: T = hit[1]
            return _handed_out(kept, copy)
    value = compute()
    with _lock:
        entries = _kept.setdefault(store, OrderedDict())
        entries[key] = (version, value)
        entries.move_to_end(key)
        while len(entries) > MAX_ENTRIES:
            entries.popitem(last=False)
    return _handed_out(value, copy)


def _handed_out(value: T, copy: Callable[[T], T] | None) -> T:
    if copy is not None:
        return copy(value)
    if isinstance(value, pd.DataFrame):
        copied: T = value.copy()
        return copied
    return value


def forget(store: GraphStore | None = None) -> None:
    """Drop the kept answers (of ``store``, or of every store)."""
    with _lock:
        if store is None:
            _kept.clear()
        else:
            _kept.pop(store, None)


class disabled:
    """``with cache.disabled():`` every analysis computes afresh (benchmark baselines)."""

    def __enter__(self) -> None:
        global _enabled
        self._before = _enabled
        _enabled = False

    def __exit__(self, *exc: object) -> None:
        global _enabled
        _enabled = self._before
