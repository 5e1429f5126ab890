"""Plain records that travel between loaders, stores and analyses.

A node is identified by (label, key); a relationship by (start node, type, end node). Property
values are ``str``, ``int``, ``float``, ``bool`` or ``datetime.date``; an unknown value is simply
absent, never ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

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


@dataclass
class ChangeSet:
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

    @property
    def node_count(self) -> int:
        return sum(len(r) for r in self.nodes.values())

    @property
    def rel_count(self) -> int:
        return sum(len(r) for r in self.rels.values())


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
