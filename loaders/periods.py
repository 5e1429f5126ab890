"""Period updates merge: a later delivery for a period updates the figures it brings.

An observation node (one enterprise's or project's figures for one quarter, key
``<owner id>@<period>``) already in the map is completed from the stored one before it is
written: the delivery's figures win, the stored figures it does not bring stay (a quarterly
revenue list does not wipe the talent introduced that another department reported). The merged
node's provenance is the delivery's (the stored node's references to an earlier delivery go). Stores
replace observation nodes whole (``graph/stores/store.py``), so what is written is the merged
node. ``tupu load --replace-period`` skips this step: the period is replaced whole.
"""

from __future__ import annotations

from tupu.graph.stores.store import GraphStore, observation_labels
from tupu.loaders.delivery import Delivery
from tupu.loaders.notes import add_note
from tupu.messages import msg

__all__ = ["count_replaced", "merge_periods"]


def _stored(d: Delivery, store: GraphStore) -> dict[str, dict[str, dict[str, object]]]:
    found: dict[str, dict[str, dict[str, object]]] = {}
    for label in sorted(observation_labels(store.schema)):
        rows = d.changes.nodes.get(label)
        if not rows:
            continue
        key = store.schema.label(label).key
        found[label] = {n.key: dict(n.props)
                        for n in store.get_nodes(label, [str(r[key]) for r in rows])}
    return found


def merge_periods(d: Delivery, store: GraphStore) -> int:
    """Complete the delivery's observations of periods already in the map; how many were."""
    merged = 0
    for label, stored in _stored(d, store).items():
        if not stored:
            continue
        key = store.schema.label(label).key
        rows = d.changes.nodes[label]
        for i, row in enumerate(rows):
            old = stored.get(str(row[key]))
            if old is not None:  # the stored figures, not where they came from: the row's is
                figures = {k: v for k, v in old.items() if k not in store.schema.provenance}
                rows[i] = {**figures, **row}
                merged += 1
    if merged:
        add_note("note", "", None, None, None, msg("load.period_merged", count=merged))
    return merged


def count_replaced(d: Delivery, store: GraphStore) -> int:
    """Note how many of the delivery's observations replace a stored period whole."""
    replaced = sum(len(stored) for stored in _stored(d, store).values())
    if replaced:
        add_note("note", "", None, None, None, msg("load.period_replaced", count=replaced))
    return replaced
