"""Check that every relationship end exists, in the delivery itself or already in the store."""

from __future__ import annotations

from collections import defaultdict

from tupu.graph.stores.store import GraphStore
from tupu.loaders.delivery import Delivery, Reference
from tupu.messages import msg


def check_references(d: Delivery, store: GraphStore) -> None:
    """Record a problem for every relationship end that exists neither in ``d`` nor in ``store``."""
    pending: dict[str, list[Reference]] = defaultdict(list)
    lacking = d.missing_nodes({(ref.label, ref.key) for ref in d.references})
    for ref in d.references:
        if (ref.label, ref.key) in lacking:
            pending[ref.label].append(ref)
    for label, refs in sorted(pending.items()):
        found = store.existing_keys(label, {r.key for r in refs})
        for ref in refs:
            if ref.key in found:
                continue
            if label == "SubSector":
                what = msg("load.reference_subsector", code=ref.key)
            else:
                what = msg("load.reference_missing", rel=ref.rel_type, label=label, key=ref.key)
            d.problem(ref.file, ref.row, ref.column, ref.key, what)
