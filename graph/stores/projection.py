"""Read a whole store (or some labels and types of it) into a networkx graph.

Used by exports and by the algorithms Neo4j Community lacks (community detection, centrality),
which run on such a projection whichever store is active. Node ids are ``"Label:key"``.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from tupu.graph.stores.deliveries import Provenance
from tupu.graph.stores.model import NodeRef
from tupu.graph.stores.store import GraphStore


def node_id(ref: NodeRef) -> str:
    return f"{ref.label}:{ref.key}"


def project(
    store: GraphStore,
    labels: Iterable[str] | None = None,
    rel_types: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """The store's nodes (of ``labels``) and relationships (of ``rel_types``) as a MultiDiGraph.

    Each node has a ``label`` attribute besides its properties; each edge is keyed by its type.
    Relationships are kept only when both ends are in the projection. Without ``labels``, every
    label of the map (not the bookkeeping ``Delivery``). Provenance reads in its four-property
    form (:mod:`tupu.graph.stores.deliveries`).
    """
    g = nx.MultiDiGraph()
    prov = Provenance(store)
    for label in sorted(labels if labels is not None else store.schema.map_labels):
        for node in store.find_nodes(label):
            g.add_node(node_id(node.ref), label=label, **prov.expand(node.props))
    for rtype in sorted(rel_types if rel_types is not None else store.schema.relationships):
        for rel in store.find_relationships(rtype):
            u, v = node_id(rel.start), node_id(rel.end)
            if u in g and v in g:
                g.add_edge(u, v, key=rtype, type=rtype, **prov.expand(rel.props))
    return g
