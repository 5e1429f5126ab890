"""Where a fact came from: the provenance of a node or a relationship.

A function over the :class:`~tupu.graph.stores.store.GraphStore` reads, so both stores answer alike. Every
fact refers to its load (``prov_delivery``), whose ``Delivery`` node names its files and time
(status, sources); :mod:`tupu.graph.stores.deliveries` expands the fact's file index
(``prov_file``) and row into the file name, row and load time, or reads them from the fact itself
when it was written before the ``Delivery`` record.
A key that entity resolution merged away is found through the ``aliases`` of the node it became.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tupu.graph.stores.model import Node, Relationship
from tupu.graph.stores.deliveries import Provenance, expand
from tupu.graph.stores.store import GraphStore

ALIASES = "aliases"


@dataclass(frozen=True)
class Origin:
    """The provenance of one node or relationship."""

    fact: str  # "Enterprise:<key>" or "Enterprise:<key> -SUPPLIES-> Enterprise:<key>"
    delivery: str | None
    source: str | None
    row: int | None
    loaded_at: str | None
    delivery_status: str | None = None  # from the Delivery node, when the load was chunked
    delivery_sources: str | None = None
    asked_as: str | None = None  # the key asked for, when it was merged into this node
    aliases: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact, "delivery": self.delivery, "file": self.source, "row": self.row,
            "loaded_at": self.loaded_at, "delivery_status": self.delivery_status,
            "delivery_sources": self.delivery_sources, "asked_as": self.asked_as,
            "aliases": ";".join(self.aliases) or None,
        }


def _origin(store: GraphStore, fact: str, props: Any, **extra: Any) -> Origin:
    delivery = props.get("prov_delivery")
    record = Provenance(store).record(str(delivery)) if delivery else None
    full = expand(props, record)
    return Origin(
        fact=fact,
        delivery=delivery,
        source=full.get("prov_source"),
        row=full.get("prov_row"),
        loaded_at=full.get("prov_loaded_at"),
        delivery_status=record.get("status") if record is not None else None,
        delivery_sources=record.get("sources") if record is not None else None,
        **extra,
    )


def find_node(store: GraphStore, label: str, key: str) -> Node | None:
    """The node ``label``/``key``, or the one whose ``aliases`` hold ``key`` (merged into it)."""
    node = store.get_node(label, key)
    if node is not None or ALIASES not in store.schema.label(label).properties:
        return node
    owners = [n for n in store.find_nodes(label)
              if key in str(n.props.get(ALIASES) or "").split(";")]
    return owners[0] if len(owners) == 1 else None


def node_origin(store: GraphStore, label: str, key: str) -> Origin | None:
    """Where the node ``label``/``key`` came from; None when the map has no such node."""
    node = find_node(store, label, key)
    if node is None:
        return None
    aliases = tuple(a for a in str(node.props.get(ALIASES) or "").split(";") if a)
    return _origin(store, str(node.ref), node.props,
                   asked_as=key if node.key != key else None, aliases=aliases)


def relationship_origins(store: GraphStore, rel_type: str, start: str, end: str) -> list[Origin]:
    """Where the ``rel_type`` relationships from key ``start`` to key ``end`` came from (one per
    pair of end labels the type allows that the map holds)."""
    rdef = store.schema.rel(rel_type)
    found: list[Relationship] = []
    for slabel in rdef.start_labels:
        node = find_node(store, slabel, start)
        if node is None:
            continue
        ends = {elabel: find_node(store, elabel, end) for elabel in rdef.end_labels}
        wanted = {n.ref for n in ends.values() if n is not None}
        found += [r for r in store.adjacent(rel_type, slabel, [node.key], "out") if r.end in wanted]
    return [
        _origin(store, f"{r.start} -{r.type}-> {r.end}", r.props,
                asked_as=f"{start} → {end}" if (r.start.key, r.end.key) != (start, end) else None)
        for r in found
    ]
