"""Check that every relationship end exists, in the delivery itself or already in the store."""

from __future__ import annotations

from collections import defaultdict

from tupu.graph.stores.store import GraphStore
from tupu.loaders.delivery import Delivery, Reference


def check_references(d: Delivery, store: GraphStore) -> None:
    """Record a problem for every relationship end that exists neither in ``d`` nor in ``store``."""
    pending: dict[str, list[Reference]] = defaultdict(list)
    for ref in d.references:
        if not d.has_node(ref.label, ref.key):
            pending[ref.label].append(ref)
    for label, refs in sorted(pending.items()):
        found = store.existing_keys(label, {r.key for r in refs})
        for ref in refs:
            if ref.key in found:
                continue
            if label == "SubSector":
                what = (
                    f"unknown taxonomy code {ref.key!r}: use a code of 文化及相关产业分类（2018）"
                    " (ontology/data/culture-taxonomy-2018.csv)"
                )
            else:
                what = (
                    f"{ref.rel_type}: no {label} with key {ref.key!r} in this delivery or the map;"
                    f" add the {label} or correct the key"
                )
            d.problem(ref.file, ref.row, ref.column, ref.key, what)
