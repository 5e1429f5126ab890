"""Entity resolution's named queries on Neo4j (see :mod:`tupu.graph.stores.queries_resolve`):
the Cypher of :mod:`tupu.graph.stores.cypher_resolve` in read transactions of the store."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from neo4j import ManagedTransaction

from tupu.graph.stores import cypher_resolve as cr
from tupu.graph.stores.model import Node, batched
from tupu.graph.stores.neo4j_store import Neo4jStore, from_neo4j
from tupu.graph.stores.queries_resolve import ENTERPRISE, EnterpriseLookup, alias_list


class Neo4jEnterpriseLookup(EnterpriseLookup):
    """Entity resolution's named queries of one :class:`Neo4jStore`."""

    def __init__(self, store: Neo4jStore) -> None:
        self.store = store
        self.schema = store.schema

    def _rows(self, query: str, params: dict[str, Any], items: Collection[str] | None = None,
              name: str = "") -> list[list[Any]]:
        """The ``row`` column of ``query``; with ``items``, run in batches of them as ``name``."""

        def work(tx: ManagedTransaction) -> list[list[Any]]:
            if items is None:
                return [rec["row"] for rec in self.store._run(tx, query, params)]
            return [rec["row"]
                    for batch in batched(sorted(set(items)), self.store.batch_size)
                    for rec in self.store._run(tx, query, {**params, name: list(batch)})]

        if items is not None and not items:
            return []
        return self.store._read(work)

    @staticmethod
    def _nodes(rows: list[list[Any]], props: Sequence[str]) -> list[Node]:
        found: dict[str, Node] = {}
        for row in rows:
            values = {p: from_neo4j(v) for p, v in zip(props, row[1:], strict=False) if v is not None}
            found[row[0]] = Node(ENTERPRISE, row[0], values)
        return [found[k] for k in sorted(found)]

    def count(self) -> int:
        query = cr.count(self.schema)

        def work(tx: ManagedTransaction) -> int:
            return int(self.store._run(tx, query, {}).single(strict=True)["count"])

        return self.store._read(work)

    def by_keys(self, keys: Collection[str], props: Sequence[str]) -> list[Node]:
        return self._nodes(self._rows(cr.by_keys(props, self.schema), {}, keys, "keys"), props)

    def alias_owners(self, texts: Collection[str], props: Sequence[str]) -> list[Node]:
        wanted = set(texts)
        rows = self._rows(cr.alias_owners(props, self.schema), {}, wanted, "texts")
        return self._nodes([r for r in rows if wanted & set(alias_list(r[-1]))], props)

    def uncoded(self, pattern: str, props: Sequence[str]) -> list[Node]:
        return self._nodes(self._rows(cr.uncoded(props, self.schema), {"pattern": pattern}), props)

    def regions(self) -> tuple[frozenset[str], frozenset[str]]:
        queries = [cr.distinct_values(p, self.schema) for p in cr.RANGE_INDEXED]

        def work(tx: ManagedTransaction) -> list[frozenset[str]]:
            return [frozenset(str(v) for v in self.store._run(tx, q, {}).single(strict=True)["values"])
                    for q in queries]

        cities, provinces = self.store._read(work)
        return cities, provinces

    def forms_complete(self) -> bool:
        query = cr.forms_complete(self.schema)

        def work(tx: ManagedTransaction) -> bool:
            return bool(self.store._run(tx, query, {}).single(strict=True)["complete"])

        return self.store._read(work)

    def named_like(self, texts: Collection[str], props: Sequence[str]) -> list[Node]:
        wanted = {t for t in texts if t and "\n" not in t}
        return self._nodes(self._rows(cr.named_like(props, self.schema), {}, wanted, "texts"), props)
