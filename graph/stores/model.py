"""Plain records that travel between loaders, stores and analyses.

A node is identified by (label, key); a relationship by (start node, type, end node). Property
values are ``str``, ``int``, ``float``, ``bool`` or ``datetime.date``; an unknown value is simply
absent, never ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias

from tupu.ontology.values import Value

__all__ = ["Value"]  # re-exported: the ontology's value type

Props: TypeAlias = dict[str, Any]


@dataclass(frozen=True, order=True)
class NodeRef:
    """A node's identity: its label and the value of the label's key property."""

    label: str
    key: str

    def __str__(self) -> str:
        return f"{self.label}:{self.key}"


@dataclass(frozen=True)
class Node:
    """A node as read from a store."""

    label: str
    key: str
    props: Mapping[str, Any]

    @property
    def ref(self) -> NodeRef:
        return NodeRef(self.label, self.key)


@dataclass(frozen=True)
class Relationship:
    """A relationship as read from a store."""

    type: str
    start: NodeRef
    end: NodeRef
    props: Mapping[str, Any]

    @property
    def ident(self) -> tuple[NodeRef, str, NodeRef]:
        return (self.start, self.type, self.end)


@dataclass(frozen=True)
class RelRow:
    """One relationship to write: both ends' keys and its properties."""

    start: str
    end: str
    props: Props


RelGroup: TypeAlias = tuple[str, str, str]  # (type, start label, end label)


class RowCounts:
    """``node_count`` and ``rel_count`` of a change set's rows, wherever they are kept."""

    nodes: Mapping[str, Sequence[Props]]
    rels: Mapping[RelGroup, Sequence[RelRow]]

    @property
    def node_count(self) -> int:
        return sum(len(r) for r in self.nodes.values())

    @property
    def rel_count(self) -> int:
        return sum(len(r) for r in self.rels.values())


@dataclass
class ChangeSet(RowCounts):
    """Everything one load writes, validated and shaped, before it touches a store.

    Nodes are grouped by label, relationships by (type, start label, end label). A store applies a
    change set all or nothing.
    """

    nodes: dict[str, list[Props]] = field(default_factory=dict)
    rels: dict[RelGroup, list[RelRow]] = field(default_factory=dict)

    def add_node(self, label: str, props: Props) -> None:
        self.nodes.setdefault(label, []).append(props)

    def add_rel(self, rtype: str, start_label: str, end_label: str, row: RelRow) -> None:
        self.rels.setdefault((rtype, start_label, end_label), []).append(row)

    def extend(self, other: ChangeSet) -> None:
        for label, rows in other.nodes.items():
            self.nodes.setdefault(label, []).extend(rows)
        for group, rrows in other.rels.items():
            self.rels.setdefault(group, []).extend(rrows)

    def replace_nodes(self, label: str, rows: Iterable[Props]) -> None:
        """The rows of ``label`` are now ``rows`` (which may read the old ones)."""
        self.nodes[label] = list(rows)

    def rewrite_nodes(self, label: str, change: Callable[[Props], Props]) -> None:
        """Replace every row of ``label`` by ``change(row)`` (which may change it in place)."""
        if label in self.nodes:
            self.nodes[label] = [change(p) for p in self.nodes[label]]

    def rewrite_rels(self, group: RelGroup, change: Callable[[RelRow], RelRow]) -> None:
        if group in self.rels:
            self.rels[group] = [change(r) for r in self.rels[group]]


class Changes(Protocol):
    """What a store's ``apply`` reads of a load: node rows per label and relationship rows per
    (type, start label, end label), each a sequence that may be read several times, in order, and
    that need not be in memory (``loaders/spool.py`` keeps a large delivery's rows on disk and
    reads them back in chunks). :class:`ChangeSet` is the in-memory one."""

    @property
    def nodes(self) -> Mapping[str, Sequence[Props]]: ...

    @property
    def rels(self) -> Mapping[RelGroup, Sequence[RelRow]]: ...

    @property
    def node_count(self) -> int: ...

    @property
    def rel_count(self) -> int: ...


@dataclass(frozen=True)
class Subgraph:
    """Nodes and relationships, e.g. a neighbourhood."""

    nodes: tuple[Node, ...]
    relationships: tuple[Relationship, ...]


@dataclass(frozen=True)
class WriteSummary:
    """What a write did."""

    nodes: int
    relationships: int


def batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Split ``rows`` into lists of at most ``size`` items."""
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
