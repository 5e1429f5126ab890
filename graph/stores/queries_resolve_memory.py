"""Entity resolution's named queries over the memory store (see
:mod:`tupu.graph.stores.queries_resolve`).

The indexes are built from the enterprise nodes when first asked for, and rebuilt when the store's
graph changes (a write, a newer snapshot: :attr:`MemoryStore.version`):

- alias → keys of the enterprises listing it;
- the keys that do not match a pattern, per pattern asked for;
- the set of ``city`` and ``province`` values, and whether every enterprise has ``name_forms``;
- every ``name_forms`` joined into one text with the offset where each enterprise's starts, so
  that a probe is one ``str.find`` scan (in C) instead of a test per enterprise.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from tupu.graph.stores.model import Node
from tupu.graph.stores.queries_resolve import (
    ALIASES,
    ENTERPRISE,
    NAME_FORMS,
    EnterpriseLookup,
    alias_list,
)

if TYPE_CHECKING:
    from tupu.graph.stores.memory_store import MemoryStore

_SEP = "\x00"


class _Index:
    """The look-ups of one version of the graph (each part built on first use)."""

    def __init__(self, keys: list[str], nodes: dict[Any, dict[str, Any]]) -> None:
        self.keys = keys  # sorted
        self.nodes = nodes
        self.aliases: dict[str, list[str]] | None = None
        self.uncoded: dict[str, list[str]] = {}
        self.regions: tuple[frozenset[str], frozenset[str]] | None = None
        self.complete: bool | None = None
        self.forms: tuple[str, list[int]] | None = None

    def data(self, key: str) -> dict[str, Any]:
        return self.nodes[(ENTERPRISE, key)]

    def alias_index(self) -> dict[str, list[str]]:
        if self.aliases is None:
            found: dict[str, list[str]] = {}
            for key in self.keys:
                text = self.data(key).get(ALIASES)
                if text:
                    for alias in set(alias_list(text)):
                        found.setdefault(alias, []).append(key)
            self.aliases = found
        return self.aliases

    def summary(self) -> None:
        cities: set[str] = set()
        provinces: set[str] = set()
        complete = True
        for key in self.keys:
            data = self.data(key)
            if (c := data.get("city")) is not None:
                cities.add(str(c))
            if (p := data.get("province")) is not None:
                provinces.add(str(p))
            if complete and data.get(NAME_FORMS) is None:
                complete = False
        self.regions = (frozenset(cities), frozenset(provinces))
        self.complete = complete

    def forms_text(self) -> tuple[str, list[int]]:
        """Every enterprise's ``name_forms`` (or nothing) joined, and where each one starts."""
        if self.forms is None:
            starts: list[int] = []
            parts: list[str] = []
            at = 0
            for key in self.keys:
                text = str(self.data(key).get(NAME_FORMS) or "")
                starts.append(at)
                parts.append(text)
                at += len(text) + 1
            self.forms = (_SEP.join(parts), starts)
        return self.forms


class MemoryEnterpriseLookup(EnterpriseLookup):
    """Entity resolution's named queries of one :class:`MemoryStore`."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self._index: _Index | None = None
        self._version = -1

    def _idx(self) -> _Index:
        self.store.refresh()
        if self._index is None or self._version != self.store.version:
            keys = self.store.queries().keys(ENTERPRISE)
            self._index = _Index(keys, self.store.graph._node)
            self._version = self.store.version
        return self._index

    def _nodes(self, idx: _Index, keys: Collection[str], props: Sequence[str]) -> list[Node]:
        out = []
        for key in sorted(set(keys)):
            data = idx.data(key)
            out.append(Node(ENTERPRISE, key, {p: data[p] for p in props if p in data}))
        return out

    def count(self) -> int:
        return len(self._idx().keys)

    def by_keys(self, keys: Collection[str], props: Sequence[str]) -> list[Node]:
        idx = self._idx()
        return self._nodes(idx, [k for k in keys if (ENTERPRISE, k) in idx.nodes], props)

    def alias_owners(self, texts: Collection[str], props: Sequence[str]) -> list[Node]:
        idx = self._idx()
        owners = idx.alias_index()
        return self._nodes(idx, {k for t in set(texts) for k in owners.get(t, ())}, props)

    def uncoded(self, pattern: str, props: Sequence[str]) -> list[Node]:
        idx = self._idx()
        keys = idx.uncoded.get(pattern)
        if keys is None:
            match = re.compile(pattern).fullmatch
            keys = [k for k in idx.keys if match(k) is None]
            idx.uncoded[pattern] = keys
        return self._nodes(idx, keys, props)

    def regions(self) -> tuple[frozenset[str], frozenset[str]]:
        idx = self._idx()
        if idx.regions is None:
            idx.summary()
        assert idx.regions is not None
        return idx.regions

    def forms_complete(self) -> bool:
        idx = self._idx()
        if idx.complete is None:
            idx.summary()
        return bool(idx.complete)

    def named_like(self, texts: Collection[str], props: Sequence[str]) -> list[Node]:
        idx = self._idx()
        joined, starts = idx.forms_text()
        found: set[str] = set()
        for text in set(texts):
            if not text or _SEP in text or "\n" in text:
                continue
            at = joined.find(text)
            while at >= 0:
                i = bisect_right(starts, at) - 1
                found.add(idx.keys[i])
                nxt = starts[i + 1] if i + 1 < len(starts) else len(joined)
                at = joined.find(text, nxt)  # on to the next enterprise
        return self._nodes(idx, found, props)
