"""The ``GraphStore`` seam: the one interface both stores implement.

Two real implementations: :class:`tupu.graph.stores.memory_store.MemoryStore` (networkx, the embedded
default) and :class:`tupu.graph.stores.neo4j_store.Neo4jStore` (Bolt). Analyses and loaders talk to this
interface only; contract tests assert both implementations answer identically.

Semantics every implementation keeps:

- ``apply`` writes a :class:`Changes` (e.g. a :class:`ChangeSet`) all or nothing. Nodes are merged on their label's key and
  relationships on (start, type, end); given properties overwrite, others stay (``SET n += row``).
  Nodes of an observation label (:func:`observation_labels`: one period of one enterprise or
  project) are replaced whole instead: reloading a period keeps only the properties given.
- ``apply`` also folds nodes already in the store into others (:class:`NodeMerge`, from entity
  resolution): written after the change set's nodes and before its relationships, a fold moves the
  node's relationships to the node it is folded into (where one of the same type already joins the
  same nodes, that one's properties win and the moved one only fills gaps; one that would join the
  node to itself is dropped) and deletes it.
- Given a :class:`DeliveryRecord`, ``apply`` also writes it as a ``Delivery`` node (``complete``
  with the change set), which the facts' ``prov_delivery``/``prov_file`` refer to (see
  :mod:`tupu.graph.stores.deliveries`). A store may write a large change set in several
  transactions (Neo4j above ``TUPU_NEO4J_TX_ROWS`` rows); its ``Delivery`` node is then ``loading``
  until the last transaction, then ``complete``. :meth:`GraphStore.unfinished_deliveries` lists
  the ones that never finished.
- ``Delivery`` nodes are bookkeeping (``Schema.map_labels`` leaves them out): ``count_nodes``
  does not count them.
- Reads return property values as ``str``, ``int``, ``float``, ``bool`` or ``datetime.date``.
- ``neighbourhood(ref, depth)``: the nodes within ``depth`` hops of ``ref`` ignoring direction, and
  every relationship with an end less than ``depth`` hops away (the relationships a breadth-first
  walk crosses).
- Labels, relationship types and property names are checked against the ontology before use.
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from tupu.graph.stores.model import Changes, Node, NodeRef, Relationship, Subgraph, WriteSummary
from tupu.graph.stores.queries import GraphQueries
from tupu.graph.stores.queries_resolve import EnterpriseLookup
from tupu.ontology.schema import Schema, load_schema

R = TypeVar("R")

Tracer = Callable[[str, Mapping[str, Any]], None]
"""Called with an operation (a Cypher query or a store method) and its parameters."""

DELIVERY = "Delivery"
LOADING, COMPLETE = "loading", "complete"


@dataclass(frozen=True)
class NodeMerge:
    """Fold the store's node ``label``/``key`` into the node ``label``/``into`` (see above)."""

    label: str
    key: str
    into: str


@dataclass(frozen=True)
class DeliveryRecord:
    """The load a change set comes from (see ``Delivery`` in the ontology)."""

    id: str
    fingerprint: str
    sources: tuple[str, ...]
    started_at: str
    files: tuple[str, ...] = ()  # what the facts' prov_file indexes
    loaded_at: str = ""  # the facts' load time (prov_loaded_at); started_at when empty

    def props(self, node_count: int, relationship_count: int, chunks: int) -> dict[str, Any]:
        """The ``Delivery`` node's properties when its writing starts."""
        return {
            "id": self.id, "fingerprint": self.fingerprint, "sources": ";".join(self.sources),
            "files": json.dumps(list(self.files), ensure_ascii=False),
            "loaded_at": self.loaded_at or self.started_at,
            "status": LOADING, "started_at": self.started_at, "node_count": node_count,
            "relationship_count": relationship_count, "chunks": chunks, "chunks_done": 0,
        }

    def complete_props(self, node_count: int, relationship_count: int) -> dict[str, Any]:
        """The ``Delivery`` node's properties once it is written in one step."""
        return {**self.props(node_count, relationship_count, 1), "status": COMPLETE,
                "chunks_done": 1, "finished_at": utc_now()}


def utc_now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def observation_labels(schema: Schema) -> frozenset[str]:
    """Labels whose nodes are one period of something (a required ``period`` property)."""
    return frozenset(
        ldef.name for ldef in schema.labels.values()
        if any(p.type == "period" and p.required for p in ldef.properties.values())
    )


class GraphStore(ABC):
    """A place the map lives in."""

    name: str = "abstract"

    def __init__(self, schema: Schema | None = None, tracer: Tracer | None = None) -> None:
        self.schema = schema or load_schema()
        self.tracer = tracer

    def trace(self, operation: str, params: Mapping[str, Any]) -> None:
        if self.tracer is not None:
            self.tracer(operation, params)

    # -- writing -----------------------------------------------------------------------------
    @abstractmethod
    def apply(
        self,
        changes: Changes,
        merges: Sequence[NodeMerge] = (),
        delivery: DeliveryRecord | None = None,
    ) -> WriteSummary:
        """Write ``changes`` and fold ``merges`` completely or not at all (in several transactions
        recorded as ``delivery`` when a store writes large ones so; see the module docstring)."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every node and relationship."""

    # -- reading -----------------------------------------------------------------------------
    @abstractmethod
    def existing_keys(self, label: str, keys: Collection[str]) -> set[str]:
        """The subset of ``keys`` that exist as nodes of ``label``."""

    @abstractmethod
    def get_node(self, label: str, key: str) -> Node | None:
        """One node by key, or None."""

    @abstractmethod
    def find_nodes(self, label: str, where: Mapping[str, Any] | None = None) -> list[Node]:
        """Nodes of ``label`` whose properties equal every value in ``where``, ordered by key."""

    @abstractmethod
    def find_relationships(
        self,
        rel_type: str,
        start_label: str | None = None,
        end_label: str | None = None,
    ) -> list[Relationship]:
        """Relationships of a type, optionally restricted by end labels, in (start, end) order."""

    def node_values(self, label: str, props: Sequence[str]) -> list[Node]:
        """Every node of ``label`` with only the properties ``props`` (those it has), ordered by
        key: a narrow read of a large label."""
        ldef = self.schema.label(label)
        for prop in props:
            self.schema.check_property(ldef, prop)
        return [Node(n.label, n.key, {p: n.props[p] for p in props if p in n.props})
                for n in self.find_nodes(label)]

    def get_nodes(self, label: str, keys: Collection[str]) -> list[Node]:
        """The nodes of ``label`` with these keys (missing ones left out), ordered by key."""
        found = (self.get_node(label, k) for k in sorted(set(keys)))
        return [n for n in found if n is not None]

    def adjacent(
        self, rel_type: str, label: str, keys: Collection[str], direction: str = "out"
    ) -> list[Relationship]:
        """Relationships of ``rel_type`` leaving (``out``) or entering (``in``) the ``label``
        nodes with these keys, in (start, end) order."""
        if direction not in ("out", "in"):
            raise ValueError(f"direction must be 'out' or 'in', not {direction!r}")
        wanted = set(keys)
        if direction == "out":
            return [r for r in self.find_relationships(rel_type, start_label=label)
                    if r.start.key in wanted]
        return [r for r in self.find_relationships(rel_type, end_label=label)
                if r.end.key in wanted]

    @abstractmethod
    def neighbourhood(
        self, ref: NodeRef, depth: int = 1, rel_types: Iterable[str] | None = None
    ) -> Subgraph:
        """The neighbourhood of a node (see the module docstring)."""

    def read_together(self, work: Callable[[], R]) -> R:
        """``work()``: the reads of one analysis, which a store may run together (Neo4j: in one
        session and transaction). ``work`` must only read: a store may run it again."""
        return work()

    def queries(self) -> GraphQueries:
        """The named graph queries the analyses read through (:mod:`tupu.graph.stores.queries`),
        implemented by each store over its own indexes."""
        raise NotImplementedError(f"{type(self).__name__} answers no named graph queries")

    def enterprise_lookup(self) -> EnterpriseLookup | None:
        """Entity resolution's named queries (:mod:`tupu.graph.stores.queries_resolve`), or None:
        resolution then reads every enterprise."""
        return None

    @abstractmethod
    def count_nodes(self) -> dict[str, int]:
        """Node counts by label (labels with no node are left out)."""

    @abstractmethod
    def count_relationships(self) -> dict[str, int]:
        """Relationship counts by type (types with no relationship are left out)."""

    def unfinished_deliveries(self) -> list[Node]:
        """``Delivery`` nodes still ``loading``: writes that were interrupted, ordered by key."""
        return self.find_nodes(DELIVERY, {"status": LOADING})

    def check_merges(self, merges: Sequence[NodeMerge]) -> None:
        for m in merges:
            self.check_label(m.label)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and files."""

    def data_version(self) -> Hashable | None:
        """A value that changes whenever the store's data changes (every write, by this process
        or another), or None when the store cannot tell cheaply. Analyses' answers are kept per
        version (:mod:`tupu.graph.analyses.cache`); None: nothing is kept."""
        return None

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- checks shared by implementations ---------------------------------------------------
    def check_label(self, label: str) -> str:
        self.schema.label(label)
        return label

    def check_rel_type(self, rel_type: str) -> str:
        self.schema.rel(rel_type)
        return rel_type

    def check_where(self, label: str, where: Mapping[str, Any] | None) -> None:
        ldef = self.schema.label(label)
        for prop in where or {}:
            self.schema.check_property(ldef, prop)
