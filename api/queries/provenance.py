"""Where a node or a relationship came from: its delivery, file, row and load time.

Labels and types are checked against the ontology before the store is asked. Provenance names
files and rows, never a figure, so every role sees it.
"""

from __future__ import annotations

from typing import Any

from tupu.api.http_errors import NotFound
from tupu.api.queries.enterprises import node_name
from tupu.errors import UsageError
from tupu.graph.analyses.provenance import find_node, node_origin, relationship_origins
from tupu.graph.stores.store import GraphStore
from tupu.messages import msg


def _check_label(store: GraphStore, label: str) -> str:
    known = list(store.schema.map_labels)  # not the loads' own bookkeeping (Delivery)
    if label not in known:
        raise UsageError(msg("web.bad_label", label=label, known="、".join(known)))
    return label


def node(store: GraphStore, label: str, key: str) -> dict[str, Any]:
    """The provenance of ``label``/``key`` (a key merged into another node is found by its
    aliases) with the node's Chinese label and name."""
    _check_label(store, label)
    origin = node_origin(store, label, key)
    found = find_node(store, label, key)
    if origin is None or found is None:
        raise NotFound(msg("web.not_found.node", label=store.schema.label(label).label_zh,
                           key=key))
    return {"label": label, "label_zh": store.schema.label(label).label_zh, "key": found.key,
            "name": node_name(found), **origin.as_dict()}


def relationship(store: GraphStore, rel_type: str, start: str, end: str) -> list[dict[str, Any]]:
    """The provenance of every ``rel_type`` relationship from key ``start`` to key ``end``."""
    if rel_type not in store.schema.relationships:
        raise UsageError(msg("web.bad_type", type=rel_type,
                             known="、".join(store.schema.relationships)))
    origins = relationship_origins(store, rel_type, start, end)
    if not origins:
        raise NotFound(msg("web.not_found.relationship", type=
                           store.schema.rel(rel_type).label_zh, start=start, end=end))
    return [{"type": rel_type, "type_zh": store.schema.rel(rel_type).label_zh, **o.as_dict()}
            for o in origins]
